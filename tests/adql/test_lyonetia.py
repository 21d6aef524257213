"""The IVOA lyonetia ADQL validation corpus, judged at the parse level.

Every case marked valid must parse, every invalid one must raise ADQLError.
The corpus is GPL and lives in the shared test data; it is read from there.
The exceptions below are deliberate, each with its reason.
"""

from __future__ import annotations

import json

import pytest

from adql import ADQLError, parse

# uuid -> why DR's verdict differs from the corpus's.
EXCEPTIONS = {
    "1655f288-4d02-11e6-8c9d-819288b39233":
        "REGION with Union/Intersection: pg_sphere has no type for compound regions",
    "27fd6dd6-4d02-11e6-8c9d-819288b39233":
        "REGION with NOT: pg_sphere has no type for the complement of a region",
    "d4c3a72c-4458-11e6-96e2-28b2bdcff70b":
        "INNER JOIN without ON/USING: the ADQL 2.1 BNF makes the join specification "
        "optional (<qualified_join>) and the corpus itself accepts 't1 JOIN t2' and "
        "'t1 INNER JOIN (t2 JOIN t3)'; DR treats it as a cross join",
    "7928f365-6631-4415-be7d-29865f14c083":
        "calls ESO_INTERSECTION, a UDF of ESO's service that DR does not define",
    "7f30606b-509a-491f-8b5a-5d712f37670c":
        "calls eso_dateadd_sec, a UDF of ESO's service that DR does not define",
    "4b8bd9f4-611c-4d2e-8227-2525dee664d2":
        "calls ESO_INTERSECTION, a UDF of ESO's service that DR does not define",
    "1084e068-8f31-4007-9d89-115dec609452":
        "calls ESO_INTERSECTION, a UDF of ESO's service that DR does not define",
    "6794498f-1603-4a12-b0dd-e48be1acab4b":
        "calls eso_dateadd_sec, a UDF of ESO's service that DR does not define",
}


def _cases(shared):
    return json.loads((shared / "conformance" / "lyonetia_adql.json").read_text())["cases"]


def test_lyonetia_verdicts_match(shared):
    wrong = []
    for case in _cases(shared):
        try:
            parse(case["query"])
            accepted = True
        except ADQLError:
            accepted = False
        if accepted != case["valid"] and case["uuid"] not in EXCEPTIONS:
            wrong.append(f"{case['uuid']} (valid={case['valid']}): "
                         f"{' '.join(case['query'].split())[:120]}")
    assert not wrong, "\n".join(wrong)


def test_lyonetia_exceptions_are_still_needed(shared):
    """An exception that no longer differs should be removed from the list."""
    seen = set()
    for case in _cases(shared):
        if case["uuid"] not in EXCEPTIONS:
            continue
        try:
            parse(case["query"])
            accepted = True
        except ADQLError:
            accepted = False
        if accepted != case["valid"]:
            seen.add(case["uuid"])
    assert seen == set(EXCEPTIONS)


def test_lyonetia_invalid_cases_say_where(shared):
    for case in _cases(shared):
        if case["valid"] or case["uuid"] in EXCEPTIONS:
            continue
        with pytest.raises(ADQLError) as info:
            parse(case["query"])
        assert info.value.line is not None and info.value.column is not None
