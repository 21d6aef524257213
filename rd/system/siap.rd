<?xml version="1.0" encoding="utf-8"?>
<!-- DR's system RD for Simple Image Access 1.0: //siap#...

     A table mixing in //siap#pgs is a product table (//products#table's
     columns come with it) with one row per image: the SIA 1.0 columns and the
     footprint, a pgsphere polygon (coverage) with a GiST index.  Its rowmaker
     fills them with //siap#computePGS (from the FITS header; the footprint
     and centre are the ones fitsProdGrammar computes, grammars/wcsgeom.py) and
     //siap#setMeta (title, instrument, date, bandpass).  Services query it
     through //siap#protoInput (POS, SIZE, INTERSECT, FORMAT: the siap.xml
     renderer) and //siap#humanInput (forms); engine/services/siap.py turns
     them into SQL.  Names, types, units and defaults are DaCHS's. -->
<resource schema="dc">
  <meta name="description">Simple Image Access 1.0: image tables and their
    queries.</meta>

  <!-- The SIA columns of an image table besides the product columns and the
       footprint.  The siap.xml renderer gives them SIA 1.0's UCDs
       (VOX:Image_Title...; engine/sia/sia1.py). -->
  <STREAM id="SIAPbase">
    <column name="centerAlpha" type="double precision" unit="deg" ucd="pos.eq.ra"
      tablehead="Ctr. RA" verbLevel="0" displayHint="sf=2"
      description="Approximate center of image, RA"/>
    <column name="centerDelta" type="double precision" unit="deg" ucd="pos.eq.dec"
      tablehead="Ctr. Dec" verbLevel="0" displayHint="sf=2"
      description="Approximate center of image, Dec"/>
    <column name="imageTitle" type="text" ucd="meta.title" tablehead="Title"
      verbLevel="0" description="Synthetic name of the image"/>
    <column name="instId" type="text" ucd="meta.id;instr" tablehead="Instrument"
      verbLevel="15" description="Identifier of the originating instrument"/>
    <column name="dateObs" type="double precision" unit="d" ucd="time;obs.exposure"
      tablehead="Obs. date" verbLevel="0" displayHint="type=humanDate"
      description="Epoch at midpoint of observation"/>
    <column name="nAxes" type="integer" ucd="pos.wcs.naxes" tablehead="#axes"
      verbLevel="20" description="Number of axes in data"/>
    <column name="pixelSize" type="integer[]" unit="pix" ucd="pos.wcs.naxis"
      tablehead="Axes Lengths" verbLevel="15"
      description="Number of pixels along each of the axes"/>
    <column name="pixelScale" type="real[]" unit="deg/pix" ucd="pos.wcs.scale"
      tablehead="Scales" verbLevel="12"
      description="The pixel scale on each image axis"/>
    <column name="refFrame" type="text" ucd="pos.frame" tablehead="Ref. Frame"
      verbLevel="20" description="Coordinate system reference frame"/>
    <column name="wcs_equinox" type="real" unit="yr" ucd="time.equinox"
      tablehead="Equinox" verbLevel="20"
      description="Equinox of the given coordinates"/>
    <column name="wcs_projection" type="text" ucd="pos.wcs.ctype" tablehead="Proj."
      verbLevel="20" description="FITS WCS projection type"/>
    <column name="wcs_refPixel" type="real[]" unit="pix" ucd="pos.wcs.crpix"
      tablehead="Ref. pixel" verbLevel="20" description="WCS reference pixel"/>
    <column name="wcs_refValues" type="double precision[]" unit="deg"
      ucd="pos.wcs.crval" tablehead="Ref. values" verbLevel="20"
      description="World coordinates at WCS reference pixel"/>
    <column name="wcs_cdmatrix" type="real[]" unit="deg/pix" ucd="pos.wcs.cdmatrix"
      tablehead="CD matrix" verbLevel="20" description="FITS WCS CDij matrix"/>
    <column name="bandpassId" type="text" ucd="instr.bandpass" tablehead="Bandpass"
      verbLevel="10" description="Freeform name of the bandpass used"/>
    <column name="bandpassUnit" type="text" tablehead="Bandpass unit" verbLevel="20"
      description="Unit of bandpass specifications (always m)."/>
    <column name="bandpassRefval" type="real" unit="m"
      ucd="instr.bandpass;stat.median" tablehead="Band Ref." verbLevel="20"
      description="Characteristic quantity for the bandpass of the image"/>
    <column name="bandpassHi" type="real" unit="m" ucd="instr.bandpass;stat.max"
      tablehead="Band upper" verbLevel="20"
      description="Upper limit of the bandpass (in BandPass_Unit units)"/>
    <column name="bandpassLo" type="real" unit="m" ucd="instr.bandpass;stat.min"
      tablehead="Band lower" verbLevel="20"
      description="Lower limit of the bandpass (in BandPass_Unit units)"/>
    <column name="pixflags" type="text" ucd="meta.code" tablehead="P. Flags"
      verbLevel="20"
      description="Flags specifying the processing done (C-original; F-resampled;
        Z-fluxes valid; X-not resampled; V-for display only)"/>
  </STREAM>

  <mixinDef id="pgs">
    <doc>A table of images for SIA 1.0: the columns of //products#table (it is a
      product table; do not mix that in as well), the SIA columns (centerAlpha,
      centerDelta, imageTitle, instId, dateObs, nAxes, pixelSize, pixelScale,
      refFrame, the wcs_* and bandpass* columns, pixflags) and coverage, the
      footprint as a pgsphere polygon, with a GiST index on it and a position
      index on the centre.  Fill it with //siap#computePGS and //siap#setMeta
      in the rowmaker; the grammar needs the //products#define rowfilter.</doc>
    <events>
      <FEED source="//products#prodcolUsertable"/>
      <FEED source="SIAPbase"/>
      <column name="coverage" type="spoly" unit="deg" ucd="pos.outline;obs.field"
        tablehead="Coverage" verbLevel="30"
        description="Field covered by the image"/>
      <index columns="coverage" name="pgspos" method="GIST"/>
      <index kind="position" columns="centerAlpha, centerDelta"/>
    </events>
  </mixinDef>

  <procDef type="apply" id="computePGS">
    <doc>Fills the WCS columns of //siap#pgs from the row's FITS header:
      coverage, centerAlpha and centerDelta are the footprint and centre
      fitsProdGrammar computes (dr_s_region, dr_s_ra, dr_s_dec; computed from
      the header with the same code for other grammars), nAxes and pixelSize
      come from NAXISn, and wcs_projection, wcs_refPixel, wcs_refValues,
      wcs_cdmatrix (CDi_j, else PCi_j or CROTA2 with CDELTi), pixelScale and
      wcs_equinox from the WCS keywords of the axes naxis names.  A header
      without a celestial WCS is an error, or with missingIsError False gives
      NULLs.</doc>
    <setup>
      <par key="missingIsError" description="Throw an exception when no WCS
        information can be located.">True</par>
      <par key="naxis" description="Comma-separated list of integer axis indices
        (1=first) to be considered for WCS">"1,2"</par>
      <code>
        wcsAxes = [int(a) for a in str(naxis).split(",")]
        wcsKeys = ("centerAlpha", "centerDelta", "coverage", "nAxes", "pixelSize",
                   "pixelScale", "wcs_projection", "wcs_refPixel", "wcs_refValues",
                   "wcs_cdmatrix", "wcs_equinox")

        def headerValue(vars, key, default=None):
            value = vars.get(key.replace("-", "_"), vars.get(key))
            return default if value is None else value

        def cdMatrix(vars):
            """CDi_j of the WCS axes (row by row), from CD, PC with CDELT or CROTA2."""
            first, second = wcsAxes[:2]
            pairs = [(i, j) for i in (first, second) for j in (first, second)]
            if any(vars.get(f"CD{i}_{j}") is not None for i, j in pairs):
                return [float(headerValue(vars, f"CD{i}_{j}", 0.0)) for i, j in pairs]
            cdelt = {i: float(headerValue(vars, f"CDELT{i}", 1.0)) for i in (first, second)}
            if any(vars.get(f"PC{i}_{j}") is not None for i, j in pairs):
                return [cdelt[i] * float(headerValue(vars, f"PC{i}_{j}", float(i == j)))
                        for i, j in pairs]
            rho = math.radians(float(headerValue(vars, f"CROTA{second}", 0.0)))
            ratio = cdelt[second] / cdelt[first] if cdelt[first] else 0.0
            pc = [math.cos(rho), -math.sin(rho) * ratio,
                  math.sin(rho) / ratio if ratio else 0.0, math.cos(rho)]
            return [cdelt[i] * p for (i, _), p in zip(pairs, pc)]

        def footprintFields(vars):
            """dr_s_region, dr_s_ra, dr_s_dec as fitsProdGrammar computes them."""
            if "dr_s_region" in vars:
                return vars["dr_s_region"], vars.get("dr_s_ra"), vars.get("dr_s_dec")
            from astropy.io import fits
            from grammars import wcsgeom
            header = vars.get("header_")
            if header is None:
                header = fits.Header([(k.replace("_", "-") if k.startswith(
                    ("MJD_", "DATE_")) else k, v) for k, v in vars.items()
                    if isinstance(k, str) and k.isupper() and len(k) &lt;= 8
                    and isinstance(v, (int, float, str))])
            found = wcsgeom.geometry(header).footprint
            if found is None:
                return None, None, None
            return found.spoly, found.center[0], found.center[1]

        def nullWCS(result):
            for key in wcsKeys:
                result[key] = None
      </code>
    </setup>
    <code>
      try:
        region, ra, dec = footprintFields(vars)
      except ValueError as exc:  # wcsgeom.HeaderProblem
        if missingIsError:
          raise ValidationError(f"the header's WCS is unusable: {exc}", "coverage")
        region = ra = None
      if ra is None or vars.get("CRVAL1") is None:
        if missingIsError:
          raise ValidationError("the header has no celestial WCS (CRVALn, CTYPEn...)",
                                "coverage")
        nullWCS(result)
      else:
        nAxes = int(headerValue(vars, "NAXIS", 0))
        cd = cdMatrix(vars)
        first, second = wcsAxes[:2]
        result["coverage"] = region
        result["centerAlpha"], result["centerDelta"] = ra, dec
        result["nAxes"] = nAxes
        result["pixelSize"] = [int(headerValue(vars, f"NAXIS{i}", 1))
                               for i in range(1, nAxes + 1)]
        result["pixelScale"] = [math.hypot(cd[0], cd[2]), math.hypot(cd[1], cd[3])]
        ctype = str(headerValue(vars, f"CTYPE{first}", ""))
        result["wcs_projection"] = ctype[5:8] or None
        result["wcs_refPixel"] = [float(headerValue(vars, f"CRPIX{i}", 0.0))
                                  for i in (first, second)]
        result["wcs_refValues"] = [float(headerValue(vars, f"CRVAL{i}", 0.0))
                                   for i in (first, second)]
        result["wcs_cdmatrix"] = cd
        equinox = headerValue(vars, "EQUINOX", headerValue(vars, "EPOCH"))
        result["wcs_equinox"] = float(equinox) if equinox is not None else None
    </code>
  </procDef>

  <procDef type="apply" id="setMeta">
    <doc>Sets the descriptive SIA columns: imageTitle, instId, dateObs (an MJD;
      a datetime, or a Julian date above 1e6, is converted), the bandpass*
      columns (in metres; //siap#getBandFromFilter fills them from a filter
      name, after this), refFrame and pixflags.  It writes into the result
      directly: do not combine it with idmaps="*".</doc>
    <setup>
      <par key="title" late="True" description="image title: in as few characters
        as possible, what the image shows (instrument, object, bandpass)">None</par>
      <par key="instrument" late="True" description="a short identifier for the
        instrument used (default: the RD's instrument meta)"
        >\quote{\metaSeq{instrument}}</par>
      <par key="dateObs" late="True" description="the midpoint of the observation:
        a datetime, a Julian date (a float above 1e6) or an MJD">None</par>
      <par key="bandpassId" late="True" description="a rough indicator of the
        bandpass, like Johnson bands">None</par>
      <par key="bandpassUnit" late="True" description="the unit of bandpassRefval
        and friends (leave it at m)">"m"</par>
      <par key="bandpassRefval" late="True" description="characteristic wavelength
        of the exposure">None</par>
      <par key="bandpassHi" late="True" description="upper limit of the
        wavelength">None</par>
      <par key="bandpassLo" late="True" description="lower limit of the
        wavelength">None</par>
      <par key="refFrame" late="True" description="reference frame of the
        coordinates">'ICRS'</par>
      <par key="pixflags" late="True" description="processing flags (C atlas image
        or cutout, F resampled, X computed without interpolation, Z pixel flux
        calibrated, V visualisation only)">None</par>
    </setup>
    <code>
      if bandpassUnit != "m":
        base.ui.notifyWarning("//siap#setMeta: bandpassUnit is not m; ObsCore and"
                              " SIA clients expect metres")
      if isinstance(dateObs, (int, float)) and dateObs > 1e6:
        dateObs = dateObs - 2400000.5
      elif dateObs is not None and not isinstance(dateObs, (int, float)):
        dateObs = toMJD(dateObs)
      result["dateObs"] = dateObs
      result["imageTitle"] = title
      result["instId"] = instrument or None
      result["bandpassId"] = bandpassId
      result["bandpassUnit"] = bandpassUnit
      result["bandpassRefval"] = bandpassRefval
      result["bandpassHi"] = bandpassHi
      result["bandpassLo"] = bandpassLo
      result["refFrame"] = refFrame
      result["pixflags"] = pixflags
    </code>
  </procDef>

  <procDef type="apply" id="getBandFromFilter">
    <doc>Sets bandpassId, bandpassUnit, bandpassRefval, bandpassLo and bandpassHi
      (metres) from a common filter name: Johnson/Cousins U, B, V, R, I, SDSS
      u, g, r, i, z (also u', uSDSS...), 2MASS J, H, Ks.  Values are
      approximate (centre and half-maximum edges); an unknown name leaves the
      columns as they are.  Run it after //siap#setMeta.</doc>
    <setup>
      <par key="sourceCol" description="the field holding the filter name; None
        takes result['bandpassId'], where //siap#setMeta leaves it">None</par>
      <code>
        # name: (lower, centre, upper) in nm
        knownBands = {
          "U": (332, 365, 398), "B": (398, 445, 492), "V": (507, 551, 595),
          "R": (589, 658, 727), "I": (732, 806, 881),
          "u": (325, 355, 385), "g": (405, 469, 540), "r": (552, 617, 691),
          "i": (690, 748, 819), "z": (820, 893, 980),
          "J": (1154, 1235, 1316), "H": (1537, 1662, 1788), "Ks": (2028, 2159, 2290),
        }
        bandAliases = {"K_s": "Ks", "Kshort": "Ks", "2MASS Ks": "Ks", "2MASS J": "J",
                       "2MASS H": "H"}
        for name in "UBVRI":
          bandAliases[f"Johnson {name}"] = bandAliases[f"Cousins {name}"] = name
        for name in "ugriz":
          bandAliases[f"{name}'"] = bandAliases[f"{name}SDSS"] = name
          bandAliases[f"SDSS {name}"] = bandAliases[f"SDSS {name}'"] = name
      </code>
    </setup>
    <code>
      name = result.get("bandpassId") if sourceCol is None else vars.get(sourceCol)
      band = knownBands.get(bandAliases.get(str(name).strip(), str(name).strip()))
      if name is not None and band is not None:
        result["bandpassId"] = name
        result["bandpassUnit"] = "m"
        result["bandpassLo"], result["bandpassRefval"], result["bandpassHi"] = (
          v * 1e-9 for v in band)
    </code>
  </procDef>

  <!-- SIA 1.0's parameters, for the siap.xml renderer: POS and SIZE (a box in
       RA and Dec, degrees), INTERSECT and FORMAT. -->
  <condDesc id="protoInput" kind="siap" required="True">
    <property name="onlyForRenderer">siap.xml</property>
    <inputKey name="POS" type="text" unit="deg" ucd="pos.eq" std="True"
      tablehead="Position"
      description="ICRS Position, RA,DEC decimal degrees (e.g., 234.234,-32.46)"/>
    <inputKey name="SIZE" type="text" unit="deg" std="True" tablehead="Field size"
      description="Size in decimal degrees (e.g., 0.2 or 1,0.1)"/>
    <inputKey name="INTERSECT" type="text" std="True" tablehead="Intersection type"
      description="Relation of image and specified Region of Interest.">
      <values default="OVERLAPS">
        <option title="Image overlaps RoI">OVERLAPS</option>
        <option title="Image covers RoI">COVERS</option>
        <option title="RoI covers image">ENCLOSED</option>
        <option title="The given position is shown on image">CENTER</option>
      </values>
    </inputKey>
    <inputKey name="FORMAT" type="text" std="True" tablehead="Output format"
      description="Requested format of the image data (MIME types, ALL, GRAPHIC
        or METADATA)"/>
  </condDesc>

  <!-- The same for people: a position or object name, a size and the
       intersection, in forms. -->
  <condDesc id="humanInput" kind="humanSiap">
    <property name="notForRenderer">siap.xml</property>
    <inputKey name="hPOS" type="text" unit="deg" tablehead="Position/Name"
      description="ICRS Position, RA,DEC, or an object name known to this service
        (e.g., 234.234,-32.45)"/>
    <inputKey name="hSIZE" type="text" unit="deg" tablehead="Field size"
      description="Size in decimal degrees (e.g., 0.2 or 1,0.1)">
      <values default="0.5"/>
    </inputKey>
    <inputKey name="hINTERSECT" type="text" tablehead="Intersection type"
      description="Relation of image and specified Region of Interest.">
      <values default="OVERLAPS">
        <option title="Image overlaps RoI">OVERLAPS</option>
        <option title="Image covers RoI">COVERS</option>
        <option title="RoI covers image">ENCLOSED</option>
        <option title="The given position is shown on image">CENTER</option>
      </values>
    </inputKey>
  </condDesc>
</resource>
