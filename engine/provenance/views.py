"""The provenance schema: ProvDM views over DR's import records, in TAP.

Every ``dr imp`` is recorded in ``dc.imports`` (who, when, which RD and its
hash, DR's version) and its source files in ``dc.sources`` (path, size,
SHA-256, the tables their rows went to; a later import of an updating data
element supersedes nothing, a full re-import replaces the table).  The views
of rd/system/provenance.rd present them as the ProvTAP draft's tables:

* activity ``dr:import_N``: the import N;
* entity ``dr:source_N`` (a source file as import N read it: its SHA-256 and
  size) and ``dr:table_schema.table`` (a table as it is now);
* used: the import read the file; wasgeneratedby: the table's last import
  made it; wasderivedfrom: the table from the files its rows come from now
  (the sources of its last import, and those an updating import added since);
* agent ``dr:user_USER_at_HOST`` (the operator, a Person) and
  ``dr:software_DR_VERSION`` (a SoftwareAgent), wasassociatedwith each import;
* UWS jobs (TAP, SODA, pythonCore services): activity ``dr:job_ID`` (its
  kind, times and phase) with its ``parameter`` rows (name and value, DR's
  table), its results as entities ``dr:result_ID.NAME`` wasgeneratedby it,
  and its owner as agent ``dr:account_USER``.  A job is its owner's: the
  views show it only to them (and to members of their own group); an
  anonymous job to no one, since its URL is its only key.

Identifiers are QNames with the prefix ``dr`` (PROV-XML wants them so): the
local part keeps to letters, digits, '.', '_' and '-'.

The views run with DR's rights (the query role cannot read ``dc``) and show
each caller only what they may see of the data (``security_barrier``): a
table they may not read (``dc.table_visible``) and every import that made
one do not exist for them, and a source file that is a product under embargo
for a group they are not in is left out, with its relations.
"""

from __future__ import annotations

import hashlib
from functools import cache

from engine.db import metadata, rowsecurity
from rd.elements.resource import Resource
from rd.loader import load_rd_file
from rd.reader import SYSTEM_DIR

RD_ID = "__system__/provenance"
RD_PATH = SYSTEM_DIR / "provenance.rd"
SCHEMA = "provenance"
_VERSION = "1"  # bump when the SQL below changes

# The imports a caller may know of: none of their tables hidden from them.
_IMPORT_VISIBLE = """NOT EXISTS (
        SELECT 1 FROM dc.sources s, unnest(s.tables) AS made(name)
        WHERE s.import_id = i.import_id AND NOT dc.table_visible(made.name))
    AND NOT EXISTS (
        SELECT 1 FROM dc.tables t
        WHERE t.last_import = i.import_id AND NOT dc.table_visible(t.table_name))"""
# The product a source file is (s.path is relative to its resource directory).
_PRODUCT_OF_SOURCE = """WHERE p.source_table = ANY(s.tables)
        AND (p.access_path = s.path OR p.access_path LIKE '%/' || s.path)"""
# The source records a caller may know of: their import visible, and the file
# no product under embargo for a group the caller is not in.
_SOURCES = f"""(SELECT s.* FROM dc.sources s JOIN dc.imports i USING (import_id)
    WHERE {_IMPORT_VISIBLE}
    AND NOT EXISTS (
        SELECT 1 FROM dc.products p {_PRODUCT_OF_SOURCE}
        AND p.embargo IS NOT NULL AND p.embargo > current_date
        AND NOT coalesce(p.owner = ANY(dc.caller_groups()), false)))"""
_IMPORTS = f"(SELECT i.* FROM dc.imports i WHERE {_IMPORT_VISIBLE})"
_TABLES = """(SELECT t.* FROM dc.tables t
    WHERE t.last_import IS NOT NULL AND dc.table_visible(t.table_name))"""
# The sources a table's rows come from now: its last import's, and those that
# updating imports added after it and nothing superseded.
_CURRENT = f"""(SELECT t.table_name, s.source_id, s.import_id
    FROM {_TABLES} t JOIN {_SOURCES} s ON t.table_name = ANY(s.tables)
    WHERE s.superseded_by IS NULL AND s.import_id >= t.last_import)"""

# Identifiers are QNames (PROV-XML's prov:id), so the local part keeps to
# letters, digits, '.', '_' and '-'.
_SAFE = "regexp_replace({}, '[^A-Za-z0-9._-]', '_', 'g')"
# The UWS jobs a caller may know of: their own (every user is in the group of
# their own name).  An anonymous job is nobody's: its URL is its only key.
_JOBS = """(SELECT j.* FROM uws.jobs j
    WHERE j.owner IS NOT NULL AND j.owner = ANY(dc.caller_groups()))"""
_JOB_RESULTS = f"""(SELECT r.*, j.end_time FROM uws.results r JOIN {_JOBS} j
    USING (job_id) WHERE j.phase = 'COMPLETED')"""

# A job parameter as text: what was sent, or its size when it is long or no
# UTF-8 text (an upload).
_TEXT_OR_SIZE = f"""CREATE OR REPLACE FUNCTION {SCHEMA}.text_or_size(value bytea)
    RETURNS text LANGUAGE plpgsql IMMUTABLE AS $body$
BEGIN
    IF length(value) > 4000 THEN
        RETURN '(' || length(value) || ' bytes)';
    END IF;
    RETURN convert_from(value, 'UTF8');
EXCEPTION WHEN others THEN
    RETURN '(' || length(value) || ' bytes)';
END $body$"""

VIEWS = {
    "activity": f"""
        SELECT 'dr:import_' || i.import_id AS id, 'dr imp ' || i.rd_id AS name,
            'import'::text AS type,
            (i.started AT TIME ZONE 'UTC') AS start_time,
            (i.finished AT TIME ZONE 'UTC') AS end_time,
            'import of data ' || array_to_string(i.data_ids, ', ') || ' of '
                || i.rd_id AS comment,
            i.rd_id, i.rd_sha256
        FROM {_IMPORTS} i
        UNION ALL
        SELECT 'dr:job_' || j.job_id, j.kind, 'job',
            (j.start_time AT TIME ZONE 'UTC'), (j.end_time AT TIME ZONE 'UTC'),
            'UWS job, ' || j.phase || coalesce(': ' || j.error_message, ''), NULL, NULL
        FROM {_JOBS} j""",
    "entity": f"""
        SELECT 'dr:source_' || s.source_id AS id, s.path AS name, 'file'::text AS type,
            s.rd_id || ': ' || s.path AS location,
            (s.mtime AT TIME ZONE 'UTC') AS generated_at_time,
            'source file of ' || array_to_string(s.tables, ', ') AS comment,
            s.sha256 AS content_sha256, s.size AS content_size,
            (SELECT p.accref FROM dc.products p {_PRODUCT_OF_SOURCE}
             ORDER BY p.accref LIMIT 1) AS accref
        FROM {_SOURCES} s
        UNION ALL
        SELECT 'dr:table_' || t.table_name, t.table_name, 'table', t.table_name,
            (t.updated AT TIME ZONE 'UTC'), nullif(t.description, ''), NULL, NULL, NULL
        FROM {_TABLES} t
        UNION ALL
        SELECT 'dr:result_' || r.job_id || '.' || {_SAFE.format("r.result_id")},
            r.result_id, 'result', 'uws/' || r.job_id || '/results/' || r.result_id,
            (r.end_time AT TIME ZONE 'UTC'), 'result of UWS job ' || r.job_id
                || ' (' || r.mime_type || ')', NULL, r.size, NULL
        FROM {_JOB_RESULTS} r""",
    "agent": f"""
        SELECT DISTINCT 'dr:user_' || {_SAFE.format("i.os_user || '_at_' || i.host")} AS id,
            i.os_user || '@' || i.host AS name, 'Person'::text AS type
        FROM {_IMPORTS} i
        UNION
        SELECT DISTINCT 'dr:software_DR_' || {_SAFE.format("i.dr_version")},
            'DR ' || i.dr_version,
            'SoftwareAgent'
        FROM {_IMPORTS} i
        UNION
        SELECT DISTINCT 'dr:account_' || {_SAFE.format("j.owner")}, j.owner, 'Person'
        FROM {_JOBS} j""",
    "used": f"""
        SELECT 'dr:import_' || s.import_id AS activity_id,
            'dr:source_' || s.source_id AS entity_id, 'source'::text AS role,
            (i.started AT TIME ZONE 'UTC') AS used_time
        FROM {_SOURCES} s JOIN dc.imports i USING (import_id)""",
    "wasgeneratedby": f"""
        SELECT 'dr:table_' || t.table_name AS entity_id,
            'dr:import_' || t.last_import AS activity_id, 'output'::text AS role,
            (i.finished AT TIME ZONE 'UTC') AS generated_time
        FROM {_TABLES} t JOIN dc.imports i ON i.import_id = t.last_import
        UNION ALL
        SELECT 'dr:result_' || r.job_id || '.' || {_SAFE.format("r.result_id")},
            'dr:job_' || r.job_id, r.result_id, (r.end_time AT TIME ZONE 'UTC')
        FROM {_JOB_RESULTS} r""",
    "wasderivedfrom": f"""
        SELECT 'dr:table_' || c.table_name AS entity_id,
            'dr:source_' || c.source_id AS progenitor_id,
            'dr:import_' || c.import_id AS activity_id
        FROM {_CURRENT} c""",
    "wasassociatedwith": f"""
        SELECT 'dr:import_' || i.import_id AS activity_id,
            'dr:user_' || {_SAFE.format("i.os_user || '_at_' || i.host")} AS agent_id,
            'operator'::text AS role
        FROM {_IMPORTS} i
        UNION ALL
        SELECT 'dr:import_' || i.import_id,
            'dr:software_DR_' || {_SAFE.format("i.dr_version")}, 'software'
        FROM {_IMPORTS} i
        UNION ALL
        SELECT 'dr:job_' || j.job_id, 'dr:account_' || {_SAFE.format("j.owner")}, 'owner'
        FROM {_JOBS} j""",
    "parameter": f"""
        SELECT 'dr:job_' || p.job_id AS activity_id, p.name,
            provenance.text_or_size(p.value) AS param_value
        FROM uws.parameters p JOIN {_JOBS} j USING (job_id)""",
}


@cache
def provenance_rd() -> Resource:
    """rd/system/provenance.rd: the tables of the views, for TAP's metadata."""
    return load_rd_file(RD_PATH, RD_ID)


def install_provenance(conn) -> None:
    """Create the schema and its views, readable by the query role, with their TAP
    metadata; again when rd/system/provenance.rd or this SQL changes.  Commits."""
    digest = hashlib.sha256(RD_PATH.read_bytes() + _VERSION.encode()
                            + "".join(VIEWS.values()).encode()
                            + _TEXT_OR_SIZE.encode()).hexdigest()
    with conn.cursor() as cur:
        if metadata.installed_digest(cur, "provenance") == digest:
            conn.commit()
            return
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        cur.execute(_TEXT_OR_SIZE)
        for name, sql in VIEWS.items():
            cur.execute(f"DROP VIEW IF EXISTS {SCHEMA}.{name}")
            cur.execute(f"CREATE VIEW {SCHEMA}.{name} WITH (security_barrier = true) "
                        f"AS {sql}")
            rowsecurity.secure_view(cur, SCHEMA, name)
        rd = provenance_rd()
        metadata.publish(cur, rd, rd.tables)
        metadata.record_installed(cur, "provenance", digest)
    conn.commit()
