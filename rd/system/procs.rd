<?xml version="1.0" encoding="utf-8"?>
<!-- DR's system RD of reusable fragments: //procs#... -->
<resource schema="dc">
  <STREAM id="license-cc-by">
    <meta name="rights">\what is licensed under the Creative Commons Attribution 4.0
      International licence (CC-BY 4.0).</meta>
    <meta name="rights.rightsURI">https://creativecommons.org/licenses/by/4.0/</meta>
  </STREAM>
  <STREAM id="license-cc-by-sa">
    <meta name="rights">\what is licensed under the Creative Commons Attribution-ShareAlike
      4.0 International licence (CC-BY-SA 4.0).</meta>
    <meta name="rights.rightsURI">https://creativecommons.org/licenses/by-sa/4.0/</meta>
  </STREAM>
  <STREAM id="license-cc0">
    <meta name="rights">\what is dedicated to the public domain under Creative Commons
      CC0 1.0.</meta>
    <meta name="rights.rightsURI">https://creativecommons.org/publicdomain/zero/1.0/</meta>
  </STREAM>

  <!-- Procedures for rowmakers (apply) and grammars (rowfilter).  DR's own
       implementations of DaCHS's //procs; par names and meaning are DaCHS's. -->

  <procDef type="apply" id="printRow">
    <doc>Prints the row's fields and vars (and the columns made so far) to stderr.</doc>
    <code>
      print("vars:", vars, "result:", result, file=sys.stderr)
    </code>
  </procDef>

  <procDef type="apply" id="debug">
    <doc>Like printRow: DR runs imports without a terminal debugger.</doc>
    <code>
      print("vars:", vars, "result:", result, file=sys.stderr)
    </code>
  </procDef>

  <procDef type="apply" id="dictMap">
    <doc>Replaces vars[key] by its value in mapping (a Python dict literal).  A
      value not in mapping is an error while default is KeyError; with
      default=base.NotGiven it stays as it is; any other default replaces it.</doc>
    <setup>
      <par key="mapping" description="a Python dict literal, input value to new value"/>
      <par key="default" description="the value for inputs not in mapping">KeyError</par>
      <par key="key" description="the field (or var) whose value is mapped"/>
    </setup>
    <code>
      value = vars.get(key)
      if value in mapping:
          vars[key] = mapping[value]
      elif default is KeyError:
          raise ValidationError(f"{value!r} is not in the mapping (it knows "
                                f"{', '.join(map(repr, mapping))})", key)
      elif default is not NotGiven:
          vars[key] = default
    </code>
  </procDef>

  <procDef type="apply" id="mapValue">
    <doc>Maps value through a name map file (sourceName, relative to the inputs
      directory): lines "target TAB source source...", sources quoted-printable,
      matched case-insensitively, # comments.  The result goes to vars[destination].</doc>
    <setup>
      <par key="destination" description="the var the mapped value is written to"/>
      <par key="logFailures" description="report values not in the map">False</par>
      <par key="failuresAreNone" description="values not in the map give None">False</par>
      <par key="failuresMapThrough" description="values not in the map are kept (when
        failuresAreNone is False)">False</par>
      <par key="sourceName" description="the map file, relative to the inputs directory"/>
      <par key="value" late="True" description="the value to map"/>
      <code>
        nameMap = loadNameMap(rd.inputsDir / sourceName)
      </code>
    </setup>
    <code>
      found = nameMap.get(str(value).lower())
      if found is None:
          if logFailures:
              base.ui.notifyWarning(f"//procs#mapValue: {value!r} is not in {sourceName}")
          if failuresAreNone:
              vars[destination] = None
          elif failuresMapThrough:
              vars[destination] = value
          else:
              raise ValidationError(f"{value!r} is not in the map {sourceName}",
                                    destination)
      else:
          vars[destination] = found
    </code>
  </procDef>

  <procDef type="apply" id="simpleSelect">
    <doc>Sets vars from the first row of SELECT (assignments' keys) FROM table
      WHERE column = val, in the import's transaction; no row is an error.
      assignments is "dbcol:var dbcol:var(default)" or a dict.</doc>
    <setup>
      <par key="assignments" description="database columns to vars: 'col:var ...'
        (var(default) gives a default for NULL) or a dict"/>
      <par key="table" description="the table queried (schema-qualified)"/>
      <par key="column" description="the column compared with val"/>
      <par key="errCol">'&lt;unknown&gt;'</par>
      <par key="val" late="True" description="the value looked up"/>
      <code>
        pairs = parseAssignments(assignments)
        query = "SELECT {} FROM {} WHERE {} = %(val)s".format(
            ", ".join(pairs), table, column)
      </code>
    </setup>
    <code>
      rows = _source_.query(query, {"val": val})
      if not rows:
          raise ValidationError(f"{val!r} matches no row of {table}", errCol)
      for (dbName, dest), found in zip(pairs.items(), rows[0].values()):
          name, _, default = dest.partition("(")
          vars[name] = default.rstrip(")") or None if found is None else found
    </code>
  </procDef>

  <procDef type="apply" id="fullQuery">
    <doc>Runs query (parameters %(name)s from the procedure's names) in the import's
      transaction and puts the first row's columns into vars; no row is an error.</doc>
    <setup>
      <par key="query" description="an SQL query"/>
      <par key="errCol" description="the column named when no row matches"
        >'&lt;unknown&gt;'</par>
    </setup>
    <code>
      rows = _source_.query(query, {**globals(), **locals()})
      if not rows:
          raise ValidationError("the query matches no row", errCol)
      vars.update(rows[0])
    </code>
  </procDef>

  <procDef type="apply" id="resolveObject">
    <doc>Resolves identifier to an ICRS position in vars simbadAlpha and
      simbadDelta.  DR has no object-name resolver for imports yet: it fails
      (with ignoreUnknowns, the position stays NULL only for names a resolver
      does not know).</doc>
    <setup>
      <par key="ignoreUnknowns" description="unknown names give NULL positions">True</par>
      <par key="logUnknowns" description="report unknown names">False</par>
      <par key="identifier" late="True" description="the name to resolve"/>
    </setup>
    <code>
      position = resolveObjectName(identifier)
      if position is None:
          if logUnknowns:
              base.ui.notifyInfo(f"//procs#resolveObject: {identifier!r} is unknown")
          if not ignoreUnknowns:
              raise ValidationError(f"cannot resolve {identifier!r}", "identifier")
          position = (None, None)
      vars["simbadAlpha"], vars["simbadDelta"] = position
    </code>
  </procDef>

  <procDef type="rowfilter" id="expandIntegers">
    <doc>One row for each integer from row[startName] to row[endName] (inclusive),
      the integer in row[indName]; rows without both bounds pass unchanged.</doc>
    <setup>
      <par key="startName" description="the field with the first integer"/>
      <par key="endName" description="the field with the last integer"/>
      <par key="indName" description="the field the integer goes to"/>
    </setup>
    <code>
      try:
          first, last = int(row[startName]), int(row[endName])
      except (KeyError, TypeError, ValueError):
          yield row
          return
      for index in range(first, last + 1):
          yield {**row, indName: index}
    </code>
  </procDef>

  <procDef type="rowfilter" id="expandDates">
    <doc>One row per point in time from row[start] to the end of the day row[end],
      every hrInterval hours (at least 36 seconds), the time (a datetime) in
      row[dest]; at most 100000 rows per input row.</doc>
    <setup>
      <par key="dest" description="the field the time goes to">'curTime'</par>
      <par key="start" description="the field with the first date(time)"/>
      <par key="end" description="the field with the last date(time)"/>
      <par key="hrInterval" late="True" description="hours between the times">24</par>
      <code>
        def asDatetime(value, what):
            if isinstance(value, datetime.datetime):
                return value
            if isinstance(value, datetime.date):
                return datetime.datetime(value.year, value.month, value.day)
            try:
                return parseTimestamp(str(value).strip().replace(" ", "T"))
            except ValueError:
                raise ValidationError(f"{value!r} is not a date", what) from None
      </code>
    </setup>
    <code>
      current = asDatetime(row[start], start)
      last = asDatetime(row[end], end) + datetime.timedelta(hours=23)
      try:
          step = datetime.timedelta(hours=max(float(hrInterval), 0.01))
      except ValueError:
          raise ValidationError(f"{hrInterval!r} is not a number of hours", "hrInterval")
      for _ in range(100000):
          if current > last:
              break
          yield {**row, dest: current}
          current += step
    </code>
  </procDef>

  <procDef type="rowfilter" id="expandComma">
    <doc>One row per comma-separated item of row[srcField], the item in
      row[destField]; rows with an empty field yield nothing.</doc>
    <setup>
      <par key="srcField" description="the field with the comma-separated items"/>
      <par key="destField" description="the field each item goes to"/>
    </setup>
    <code>
      for item in (row.get(srcField) or "").split(","):
          if item.strip():
              yield {**row, destField: item.strip()}
    </code>
  </procDef>

  <!-- A condition on a range of a column.  DaCHS offers two input keys (min,
       max); DR's buildFrom condition takes ranges in one field (10 .. 20, >5),
       so this is that, labelled as DaCHS's macros say. -->
  <STREAM id="rangeCond">
    <DEFAULTS groupdesc="" grouplabel=""/>
    <condDesc buildFrom="\name"/>
  </STREAM>
</resource>
