"""Fixtures of the format tests: sample columns and rows with every type and NULLs,
and one database per module for the fetch tests."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest

from engine.db.dsn import with_dbname
from engine.formats.batch import Batch
from rd.tablemeta import ResultColumn

COLUMNS = [
    ResultColumn("id", "long", ucd="meta.id;meta.main", description="Running number"),
    ResultColumn("ra", "double", unit="deg", ucd="pos.eq.ra;meta.main"),
    ResultColumn("small", "short"),
    ResultColumn("count", "int"),
    ResultColumn("flag", "boolean"),
    ResultColumn("mag", "float", unit="mag", description="Brightness <in> & \"out\""),
    ResultColumn("byte", "unsignedByte"),
    ResultColumn("name", "char", "*"),
    ResultColumn("code", "char", "4"),
    ResultColumn("label", "unicodeChar", "*"),
    ResultColumn("flux", "float", "3", unit="Jy"),
    ResultColumn("series", "double", "*"),
    ResultColumn("ints", "int", "*"),
    ResultColumn("pos", "double", "2", xtype="point", unit="deg"),
    ResultColumn("circ", "double", "3", xtype="circle", unit="deg"),
    ResultColumn("poly", "double", "*", xtype="polygon", unit="deg"),
    ResultColumn("obs_time", "char", "*", xtype="timestamp"),
]

ROWS = [
    (1, 10.5, 3, 70000, True, 1.5, 7, "abc", "abcd", "Grüße ☃", [1.0, 2.0, 3.0],
     [0.5, 1.5], [1, 2], [10.0, 20.0], [10.0, 20.0, 0.5],
     [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], datetime.datetime(2020, 1, 2, 3, 4, 5, 123456)),
    (None,) * len(COLUMNS),
    (3, -0.25, -5, -1, False, float("inf"), 255, "x" * 40, "ab", "",
     [None, 2.0, 3.0], [], [7], [359.5, -89.5], [0.0, 0.0, 1.0],
     [0.0, 0.0, 1.0, 0.0, 1.0, 1.0], datetime.datetime(1999, 12, 31, 23, 59, 59)),
]


@pytest.fixture
def sample() -> Batch:
    return Batch.from_rows(COLUMNS, ROWS)


@pytest.fixture(scope="session")
def stilts() -> str:
    path = shutil.which("stilts")
    if path is None:
        pytest.skip("STILTS (Debian package stilts) is not installed")
    return path


def votlint(stilts: str, path: Path) -> list[str]:
    """votlint's messages about a file, one per line."""
    result = subprocess.run([stilts, "votlint", f"votable={path}"], capture_output=True,
                            text=True, timeout=120)
    return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]


@pytest.fixture(scope="module")
def module_db(pg_cluster):
    """One fresh database for a whole test module: (dsn, connect)."""
    name = f"test_formats_{os.getpid()}_{id(object())}"
    admin = psycopg2.connect(with_dbname(pg_cluster.dsn, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name} TEMPLATE dr_template STRATEGY FILE_COPY")
    yield with_dbname(pg_cluster.dsn, name)
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()
