"""Re-importing swaps the new data in at the end: readers keep answering meanwhile."""

from __future__ import annotations

import threading
import time

from engine.ingest.importer import import_rd
from rd.loader import load_rd
from tests.ingest.resources import CATALOG_TABLE, catalog_rows, write_resource

SLOW_DATA = """
  <data id="import">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker idmaps="*">
        <apply name="slow"><code>
          if vars["id"] == "1":
              import time
              time.sleep(1.5)
        </code></apply>
      </rowmaker>
    </make>
  </data>"""


def test_readers_keep_the_old_rows_while_a_reimport_runs(db):
    inputs = db.home / "inputs"
    write_resource(inputs, "cat", CATALOG_TABLE + SLOW_DATA,
                   {"data/a.csv": catalog_rows(20)})
    rd = load_rd("cat", inputs)
    conn = db.connect()
    import_rd(conn, rd)
    (inputs / "cat/data/a.csv").write_text(catalog_rows(30))
    rd = load_rd("cat", inputs)

    errors: list[BaseException] = []

    def reimport() -> None:
        try:
            import_rd(db.connect(), rd)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    worker = threading.Thread(target=reimport)
    started = time.monotonic()
    worker.start()
    seen = []
    reader = db.connect()
    reader.autocommit = True
    with reader.cursor() as cur:
        cur.execute("SET statement_timeout = '300ms'")
        while worker.is_alive():
            cur.execute("SELECT count(*) FROM cat.main")
            seen.append(cur.fetchone()[0])
            time.sleep(0.05)
        cur.execute("SELECT count(*) FROM cat.main")
        after = cur.fetchone()[0]
    worker.join()
    assert not errors
    assert time.monotonic() - started > 1.4
    assert len(seen) > 10 and set(seen) <= {20, 30} and seen[0] == 20
    assert after == 30
