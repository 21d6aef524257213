<?xml version="1.0" encoding="utf-8"?>
<!-- TAP_SCHEMA (TAP 1.1), describing every table TAP can query, itself included.
     DR creates these tables at dr init and keeps them in step with every import
     and drop.  Columns after the standard ones are DR's additions.
     Columns holding what publishers write (descriptions, units, UCDs, utypes,
     xtypes, the source files' keys) are unicode: any import may bring
     non-ASCII into them, long after these tables were described.  Names are
     SQL identifiers, ASCII by the RD rules, and stay text (VOTable char). -->
<resource schema="tap_schema">
  <meta name="description">The TAP_SCHEMA: metadata of the tables and columns
    this service lets you query with ADQL.</meta>

  <table id="schemas" onDisk="True" adql="True" system="True" primary="schema_name">
    <meta name="description">The schemas (one per resource) with tables in this
      TAP service.</meta>
    <column name="schema_name" type="text" required="True" ucd="meta.id" std="True"
      verbLevel="1" description="Fully qualified schema name"/>
    <column name="utype" type="unicode" std="True" description="Utype of the schema"/>
    <column name="description" type="unicode" std="True" ucd="meta.note"
      verbLevel="1" description="What the schema holds"/>
    <column name="schema_index" type="integer" std="True"
      description="Recommended sort order when listing schemas"/>
  </table>

  <table id="tables" onDisk="True" adql="True" system="True" primary="table_name">
    <meta name="description">The tables queryable in this TAP service.</meta>
    <foreignKey inTable="schemas" source="schema_name" metaOnly="True"/>
    <column name="schema_name" type="text" required="True" ucd="meta.id" std="True"
      verbLevel="1" description="Fully qualified schema name"/>
    <column name="table_name" type="text" required="True" ucd="meta.id;meta.main"
      std="True" verbLevel="1" description="Fully qualified table name"/>
    <column name="table_type" type="text" required="True" std="True"
      description="One of: table, view"/>
    <column name="utype" type="unicode" std="True" description="Utype of the table"/>
    <column name="description" type="unicode" ucd="meta.note" std="True" verbLevel="1"
      description="What the table holds"/>
    <column name="table_index" type="integer" std="True"
      description="Recommended sort order when listing tables"/>
    <column name="nrows" type="bigint" ucd="meta.number"
      description="Number of rows after the last import (DR extension)"/>
    <column name="data_author" type="unicode" ucd="meta.bib.author"
      description="Who made the source data (AUTHOR key of the source files)"/>
    <column name="data_source" type="unicode" ucd="meta.bib"
      description="Where the data comes from (SOURCE key of the source files)"/>
    <column name="data_date" type="unicode" ucd="time.creation"
      description="When the source data was made (DATE key of the source files)"/>
    <column name="data_version" type="unicode" ucd="meta.version"
      description="Version of the source data (VERSION key of the source files)"/>
    <column name="collab_approval" type="unicode"
      description="Who approved the data for collaboration use (COLAPRV key)"/>
    <column name="public_approval" type="unicode"
      description="Who approved the data for public release (PUBAPRV key)"/>
  </table>

  <table id="columns" onDisk="True" adql="True" system="True"
      primary="table_name,column_name">
    <meta name="description">The columns of the tables in this TAP service.</meta>
    <foreignKey inTable="tables" source="table_name" metaOnly="True"/>
    <column name="table_name" type="text" required="True" ucd="meta.id" std="True"
      verbLevel="1" description="Fully qualified table name"/>
    <column name="column_name" type="text" required="True" ucd="meta.id;meta.main"
      std="True" verbLevel="1" description="Column name"/>
    <column name="datatype" type="text" required="True" std="True"
      description="VOTable datatype of the column"/>
    <column name="arraysize" type="text" std="True"
      description="VOTable arraysize, empty for scalars"/>
    <column name="xtype" type="unicode" std="True"
      description="DALI xtype (point, circle, polygon, timestamp...)"/>
    <column name="size" type="integer" std="True"
      description="Length of fixed-length arrays (deprecated; use arraysize)"/>
    <column name="description" type="unicode" ucd="meta.note" std="True" verbLevel="1"
      description="What the column holds"/>
    <column name="utype" type="unicode" std="True" description="Utype of the column"/>
    <column name="unit" type="unicode" ucd="meta.unit" std="True"
      description="Unit in VO standard format"/>
    <column name="ucd" type="unicode" ucd="meta.ucd" std="True"
      description="UCD of the column"/>
    <column name="indexed" type="integer" required="True" std="True"
      description="1 if the column is indexed, else 0"/>
    <column name="principal" type="integer" required="True" std="True"
      description="1 if the column is principal (shown by default), else 0"/>
    <column name="std" type="integer" required="True" std="True"
      description="1 if the column is defined by a standard, else 0"/>
    <column name="column_index" type="integer" std="True"
      description="Recommended sort order when listing columns"/>
  </table>

  <table id="keys" onDisk="True" adql="True" system="True" primary="key_id">
    <meta name="description">Foreign keys between the tables of this service.</meta>
    <foreignKey inTable="tables" source="from_table" dest="table_name" metaOnly="True"/>
    <foreignKey inTable="tables" source="target_table" dest="table_name" metaOnly="True"/>
    <column name="key_id" type="text" required="True" ucd="meta.id;meta.main"
      std="True" description="Unique key identifier"/>
    <column name="from_table" type="text" required="True" std="True"
      description="Fully qualified table name of the referencing table"/>
    <column name="target_table" type="text" required="True" std="True"
      description="Fully qualified table name of the referenced table"/>
    <column name="utype" type="unicode" std="True" description="Utype of the key"/>
    <column name="description" type="unicode" ucd="meta.note" std="True"
      description="What the key means"/>
  </table>

  <table id="key_columns" onDisk="True" adql="True" system="True">
    <meta name="description">The columns of the foreign keys in tap_schema.keys.</meta>
    <foreignKey inTable="keys" source="key_id" metaOnly="True"/>
    <column name="key_id" type="text" required="True" ucd="meta.id" std="True"
      description="Key identifier from tap_schema.keys"/>
    <column name="from_column" type="text" required="True" std="True"
      description="Column of the referencing table"/>
    <column name="target_column" type="text" required="True" std="True"
      description="Column of the referenced table"/>
  </table>
</resource>
