"""dr drop removes a partitioned table with its partitions."""

from __future__ import annotations

from tests.ingest.resources import write_resource
from tests.partitions.conftest import COLUMNS


def test_dr_drop_removes_the_partitions(db):
    inputs = db.home / "inputs"
    write_resource(inputs, "pd", f"""
      <table id="cat" onDisk="True" adql="True">
        <mixin partitions="4">//scs#healpix-partitions</mixin>{COLUMNS}
      </table>
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="cat"><rowmaker idmaps="*"/></make>
      </data>""", {"data/a.csv": "id,ra,dec,mag\n1,10,20,5\n2,200,-40,6\n3,,,7\n"})
    assert db.cli("imp", "pd").status == 0
    assert db.query("SELECT count(*) FROM pd.cat")[0][0] == 3
    assert db.query("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                    "'pd.cat'::regclass")[0][0] == 5
    result = db.cli("drop", "pd")
    assert result.status == 0, result.err
    assert db.query("SELECT relname FROM pg_class c JOIN pg_namespace n ON "
                    "n.oid = c.relnamespace WHERE nspname = 'pd'") == []
    assert db.query("SELECT count(*) FROM tap_schema.tables WHERE "
                    "table_name = 'pd.cat'")[0][0] == 0
