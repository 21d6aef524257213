<?xml version="1.0" encoding="utf-8"?>
<!-- The provenance of what this site imported, as IVOA ProvDM entities,
     activities and agents in the tables of the ProvTAP draft (schema
     provenance).  DR writes them as views over its own import records
     (dc.imports, dc.sources, dc.tables: engine/provenance): every dr imp is an
     activity that used its source files and generated its tables, associated
     with the operator who ran it and with DR itself; every UWS job (with its
     parameters and results) is one of its owner's.  A caller sees what they
     may see of the data: nothing of a table they may not read, no source file
     that is a product under embargo for another group, and no job but their
     own. -->
<resource schema="provenance">
  <meta name="description">Provenance (IVOA ProvDM, as the ProvTAP draft maps
    it): which import made each table, from which files, run by whom.</meta>

  <table id="activity" onDisk="True" adql="True" system="True" primary="id">
    <meta name="description">Activities: each dr imp that made or renewed a
      table, and the caller's own UWS jobs.</meta>
    <column name="id" type="text" required="True" ucd="meta.id;meta.main"
      verbLevel="1" description="Identifier of the activity (dr:import_N, or
        dr:job_ID for a UWS job)"/>
    <column name="name" type="text" ucd="meta.title" verbLevel="1"
      description="What was run"/>
    <column name="type" type="text" ucd="meta.code.class"
      description="Kind of activity (import or job)"/>
    <column name="start_time" type="timestamp" ucd="time.start"
      description="When it started (UTC)"/>
    <column name="end_time" type="timestamp" ucd="time.end"
      description="When it ended (UTC)"/>
    <column name="comment" type="unicode" ucd="meta.note"
      description="What it did, in words"/>
    <column name="rd_id" type="text" ucd="meta.id"
      description="The resource descriptor run (DR extension)"/>
    <column name="rd_sha256" type="text" ucd="meta.checksum"
      description="SHA-256 of the resource descriptor as run (DR extension)"/>
  </table>

  <table id="entity" onDisk="True" adql="True" system="True" primary="id">
    <meta name="description">Entities: the source files imports read and the
      tables they made, and the results of the caller's UWS jobs.</meta>
    <column name="id" type="text" required="True" ucd="meta.id;meta.main"
      verbLevel="1" description="Identifier of the entity (dr:source_N for a
        source file as read by one import, dr:table_schema.table for a table)"/>
    <column name="name" type="text" ucd="meta.id" verbLevel="1"
      description="The file (relative to its resource directory) or table name"/>
    <column name="type" type="text" ucd="meta.code.class"
      description="file, table or result"/>
    <column name="location" type="text" ucd="meta.ref"
      description="Where it is: resource directory and path, or the table"/>
    <column name="generated_at_time" type="timestamp" ucd="time.creation"
      description="When it was made (a table: its last import; a file: its
        modification time)"/>
    <column name="comment" type="unicode" ucd="meta.note"
      description="What it is, in words"/>
    <column name="content_sha256" type="text" ucd="meta.checksum"
      description="SHA-256 of the file as read (DR extension)"/>
    <column name="content_size" type="bigint" unit="byte" ucd="phys.size;meta.file"
      description="Size of the file as read (DR extension)"/>
    <column name="accref" type="text" ucd="meta.ref.url;meta.dataset"
      description="The product this file is, if it is one (/getproduct/accref; DR
        extension)"/>
  </table>

  <table id="agent" onDisk="True" adql="True" system="True" primary="id">
    <meta name="description">Agents: who ran the imports, and the software.</meta>
    <column name="id" type="text" required="True" ucd="meta.id;meta.main"
      verbLevel="1" description="Identifier of the agent"/>
    <column name="name" type="text" ucd="meta.id" verbLevel="1"
      description="User name (and host), or the software and its version"/>
    <column name="type" type="text" ucd="meta.code.class"
      description="Person or SoftwareAgent"/>
  </table>

  <table id="parameter" onDisk="True" adql="True" system="True">
    <meta name="description">The parameters of activities: what each UWS job
      was given (DR's table; shown to the job's owner only).</meta>
    <column name="activity_id" type="text" required="True" ucd="meta.id"
      description="The activity (provenance.activity.id)"/>
    <column name="name" type="text" ucd="meta.id" description="The parameter"/>
    <column name="param_value" type="unicode" ucd="meta.code"
      description="Its value as sent, or its size when it is long or not text
        (an upload)"/>
  </table>

  <table id="used" onDisk="True" adql="True" system="True">
    <meta name="description">Which activity used which entity.</meta>
    <column name="activity_id" type="text" required="True" ucd="meta.id"
      description="The activity (provenance.activity.id)"/>
    <column name="entity_id" type="text" required="True" ucd="meta.id"
      description="The entity it used (provenance.entity.id)"/>
    <column name="role" type="text" ucd="meta.code" description="How it was used"/>
    <column name="used_time" type="timestamp" ucd="time.epoch"
      description="When it was used"/>
  </table>

  <table id="wasgeneratedby" onDisk="True" adql="True" system="True">
    <meta name="description">Which activity generated which entity.</meta>
    <column name="entity_id" type="text" required="True" ucd="meta.id"
      description="The entity made (provenance.entity.id)"/>
    <column name="activity_id" type="text" required="True" ucd="meta.id"
      description="The activity that made it (provenance.activity.id)"/>
    <column name="role" type="text" ucd="meta.code" description="What it was to it"/>
    <column name="generated_time" type="timestamp" ucd="time.epoch"
      description="When it was made"/>
  </table>

  <table id="wasderivedfrom" onDisk="True" adql="True" system="True">
    <meta name="description">Which entity was derived from which: a table from
      the source files its rows come from now.</meta>
    <column name="entity_id" type="text" required="True" ucd="meta.id"
      description="The derived entity (provenance.entity.id)"/>
    <column name="progenitor_id" type="text" required="True" ucd="meta.id"
      description="What it was derived from (provenance.entity.id)"/>
    <column name="activity_id" type="text" ucd="meta.id"
      description="The activity of the derivation (provenance.activity.id)"/>
  </table>

  <table id="wasassociatedwith" onDisk="True" adql="True" system="True">
    <meta name="description">Which agent was responsible for which activity.</meta>
    <column name="activity_id" type="text" required="True" ucd="meta.id"
      description="The activity (provenance.activity.id)"/>
    <column name="agent_id" type="text" required="True" ucd="meta.id"
      description="The agent (provenance.agent.id)"/>
    <column name="role" type="text" ucd="meta.code"
      description="operator (who ran it) or software"/>
  </table>
</resource>
