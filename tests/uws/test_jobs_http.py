"""The UWS 1.1 REST binding as a client sees it: creating, reading, changing, deleting."""

from __future__ import annotations

import contextlib
import datetime
import time

from pyvo.dal.tap import AsyncTAPJob

from tests.uws.conftest import BASE, NS, text


def test_job_lifecycle_from_creation_to_deletion(uws):
    job = uws.create({"DELAY": "0.2", "runid": "my run"})
    doc = uws.xml(f"{BASE}/{job}")
    assert doc.get("version") == "1.1"
    assert text(doc, "uws:jobId") == job
    assert text(doc, "uws:runId") == "my run"
    assert text(doc, "uws:phase") == "PENDING"
    assert [(p.get("id"), p.text) for p in doc.findall("uws:parameters/uws:parameter", NS)
            ] == [("DELAY", "0.2")]
    assert uws.phase(job) == "PENDING"

    response = uws.post(f"{BASE}/{job}/phase", {"PHASE": "RUN"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{uws.url}{BASE}/{job}"
    doc = uws.wait_for(job, "COMPLETED")
    assert text(doc, "uws:startTime") and text(doc, "uws:endTime")

    results = uws.xml(f"{BASE}/{job}/results")
    [result] = results.findall("uws:result", NS)
    href = result.get(f"{{{NS['xlink']}}}href")
    assert (result.get("id"), href) == ("result", f"{uws.url}{BASE}/{job}/results/result")
    assert result.get("mime-type") == "text/plain"
    response = uws.get(href[len(uws.url):])
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain"
    assert response.text == "slept 0.2 s\n"
    assert result.get("size") == str(len(response.content))

    assert (uws.state / "uws" / job / "out.txt").is_file()
    response = uws.request("DELETE", f"{BASE}/{job}")
    assert response.status_code == 303
    assert response.headers["location"] == f"{uws.url}{BASE}"
    assert uws.get(f"{BASE}/{job}").status_code == 404
    assert not (uws.state / "uws" / job).exists()


def test_phase_run_in_the_creating_post_queues_the_job_at_once(uws):
    job = uws.create({"DELAY": "0", "PHASE": "RUN"})
    assert text(uws.wait_for(job, "COMPLETED"), "uws:phase") == "COMPLETED"


def test_post_action_delete_redirects_to_the_job_list(uws):
    job = uws.create({"DELAY": "0"})
    response = uws.post(f"{BASE}/{job}", {"ACTION": "DELETE"})
    assert (response.status_code, response.headers["location"]) == (303, f"{uws.url}{BASE}")
    assert uws.get(f"{BASE}/{job}/phase").status_code == 404


def test_job_children_answer_as_text(uws):
    job = uws.create({"DELAY": "0"})
    assert uws.post(f"{BASE}/{job}/executionduration",
                    {"EXECUTIONDURATION": "20"}).status_code == 303
    assert uws.get(f"{BASE}/{job}/executionduration").text == "20"
    assert uws.post(f"{BASE}/{job}/executionduration",
                    {"EXECUTIONDURATION": "99999999"}).status_code == 303
    assert uws.get(f"{BASE}/{job}/executionduration").text == "3600"  # the maximum
    soon = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)).replace(
        microsecond=123000)
    response = uws.post(f"{BASE}/{job}/destruction", {"DESTRUCTION": soon.isoformat()})
    assert response.headers["location"] == f"{uws.url}{BASE}/{job}"
    assert uws.get(f"{BASE}/{job}/destruction").text == (
        soon.strftime("%Y-%m-%dT%H:%M:%S.123Z"))
    assert uws.get(f"{BASE}/{job}/quote").text == ""
    assert uws.get(f"{BASE}/{job}/owner").text == ""
    assert uws.get(f"{BASE}/{job}/error").status_code == 404


def test_parameters_change_while_pending_and_not_after(uws):
    job = uws.create({"DELAY": "5", "extra": "x"})
    assert uws.post(f"{BASE}/{job}/parameters", {"delay": "0"}).status_code == 303
    assert uws.post(f"{BASE}/{job}", {"more": "1"}).status_code == 303
    doc = uws.xml(f"{BASE}/{job}/parameters")
    assert [(p.get("id"), p.text) for p in doc.findall("uws:parameter", NS)] == [
        ("extra", "x"), ("delay", "0"), ("more", "1")]
    uws.post(f"{BASE}/{job}/phase", {"PHASE": "RUN"})
    uws.wait_for(job, "COMPLETED")
    response = uws.post(f"{BASE}/{job}/parameters", {"DELAY": "1"})
    assert response.status_code == 400
    assert "only change while it is PENDING" in response.text


def test_uploads_reach_the_job_raw_and_are_shown_by_reference(uws):
    payload = bytes(range(256)) * 4
    job = uws.create({"UPLOAD": "echo,param:echo"}, files={"echo": ("t.fits", payload)})
    doc = uws.xml(f"{BASE}/{job}/parameters")
    params = {p.get("id"): p for p in doc.findall("uws:parameter", NS)}
    assert params["UPLOAD"].text == "echo,param:echo"
    assert params["echo"].get("byReference") == "true"
    response = uws.get(params["echo"].text[len(uws.url):])
    assert (response.status_code, response.content) == (200, payload)

    uws.post(f"{BASE}/{job}/phase", {"PHASE": "RUN"})
    uws.wait_for(job, "COMPLETED")
    response = uws.get(f"{BASE}/{job}/results/echo")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.content == payload


def test_job_list_filters_by_phase_after_and_last(uws):
    alice = {"X-Test-User": "alice"}
    first = uws.create({"DELAY": "0"}, headers=alice)
    second = uws.create({"DELAY": "0", "PHASE": "RUN", "RUNID": "r2"}, headers=alice)
    third = uws.create({"DELAY": "0"}, headers=alice)
    uws.wait_for(second, "COMPLETED", headers=alice)

    def listed(**params):
        doc = uws.xml(BASE, params=params, headers=alice)
        assert doc.get("version") == "1.1"
        return [ref.get("id") for ref in doc.findall("uws:jobref", NS)]

    assert listed() == [first, second, third]
    assert listed(PHASE="PENDING") == [first, third]
    assert listed(PHASE=["COMPLETED", "PENDING"]) == [first, second, third]
    assert listed(LAST="2") == [second, third]
    assert listed(LAST=str(10**20)) == [first, second, third]
    created = text(uws.xml(f"{BASE}/{first}", headers=alice), "uws:creationTime")
    assert listed(AFTER=created) == [second, third]
    assert listed(AFTER="0001-01-01T00:00:00+14:00") == [first, second, third]
    assert listed(AFTER="9999-12-31T23:59:59-14:00") == []
    ref = uws.xml(BASE, params={"PHASE": "COMPLETED"}, headers=alice).find("uws:jobref", NS)
    assert ref.get(f"{{{NS['xlink']}}}href") == f"{uws.url}{BASE}/{second}"
    assert (text(ref, "uws:phase"), text(ref, "uws:runId")) == ("COMPLETED", "r2")
    assert text(ref, "uws:creationTime").endswith("Z")


def test_a_long_job_list_redirects_to_the_newest_thousand(uws, db):
    alice = {"X-Test-User": "alice"}
    with contextlib.closing(db.connect()) as conn, conn, conn.cursor() as cur:
        cur.execute("INSERT INTO uws.jobs (job_id, kind, owner, execution_duration,"
                    " destruction) SELECT 'bulk' || n, 'sleep', 'alice', 60,"
                    " now() + interval '1 day' FROM generate_series(1, 1001) AS n")
    response = uws.get(BASE, params={"PHASE": "PENDING"}, headers=alice)
    assert response.status_code == 303
    assert response.headers["location"] == f"{uws.url}{BASE}?PHASE=PENDING&LAST=1000"
    for last in ("1001", str(10**20)):
        response = uws.get(BASE, params={"LAST": last, "PHASE": "PENDING"}, headers=alice)
        assert response.status_code == 303
        assert response.headers["location"] == f"{uws.url}{BASE}?PHASE=PENDING&LAST=1000"
    assert len(uws.xml(BASE, params={"PHASE": "PENDING", "LAST": "1000"}, headers=alice)
               ) == 1000


def test_users_see_and_control_only_their_own_jobs(uws):
    alice = {"X-Test-User": "alice"}
    job = uws.create({"DELAY": "0"}, headers=alice)
    assert text(uws.xml(f"{BASE}/{job}", headers=alice), "uws:ownerId") == "alice"
    assert uws.get(f"{BASE}/{job}/owner", headers=alice).text == "alice"
    assert uws.get(f"{BASE}/{job}", headers={"X-Test-User": "bob"}).status_code == 403
    assert uws.get(f"{BASE}/{job}").status_code == 403
    assert uws.request("DELETE", f"{BASE}/{job}").status_code == 403
    assert uws.xml(BASE).findall("uws:jobref", NS) == []
    assert [r.get("id") for r in uws.xml(BASE, headers=alice).findall("uws:jobref", NS)
            ] == [job]


def test_anonymous_jobs_are_listed_to_nobody_but_work_through_their_url(uws):
    jobs = [uws.create({"DELAY": "0"}), uws.create({"DELAY": "0", "PHASE": "RUN"})]
    uws.wait_for(jobs[1], "COMPLETED")
    for headers in ({}, {"X-Test-User": "alice"}):
        for params in ({}, {"PHASE": ["PENDING", "COMPLETED"]}, {"LAST": "5"},
                       {"AFTER": "2000-01-01T00:00:00Z"}, {"LAST": str(10**20)}):
            doc = uws.xml(BASE, params=params, headers=headers)
            assert doc.findall("uws:jobref", NS) == [], (headers, params)
    assert text(uws.xml(f"{BASE}/{jobs[0]}"), "uws:phase") == "PENDING"
    assert uws.post(f"{BASE}/{jobs[0]}/phase", {"PHASE": "ABORT"}).status_code == 303
    assert uws.phase(jobs[0]) == "ABORTED"
    assert uws.request("DELETE", f"{BASE}/{jobs[1]}").status_code == 303
    assert uws.get(f"{BASE}/{jobs[1]}").status_code == 404


def test_the_creating_post_sets_runid_duration_and_destruction_not_as_parameters(uws):
    soon = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)).replace(
        microsecond=0)
    job = uws.create({"DELAY": "0", "RUNID": "r", "EXECUTIONDURATION": "20",
                      "DESTRUCTION": soon.isoformat()})
    doc = uws.xml(f"{BASE}/{job}")
    assert (text(doc, "uws:runId"), text(doc, "uws:executionDuration"),
            text(doc, "uws:destruction")) == (
        "r", "20", soon.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    assert [p.get("id") for p in doc.findall("uws:parameters/uws:parameter", NS)] == [
        "DELAY"]
    for asked, shown in [("99999999", "3600"), (str(10**20), "3600"), ("0", "3600"),
                         ("3599", "3599")]:
        job = uws.create({"DELAY": "0", "executionDuration": asked})
        assert uws.get(f"{BASE}/{job}/executionduration").text == shown, asked
    for bad in ("-1", "soon"):
        response = uws.post(BASE, {"DELAY": "0", "EXECUTIONDURATION": bad})
        assert (response.status_code, "EXECUTIONDURATION" in response.text) == (400, True)


def test_control_parameters_posted_later_change_the_job_not_its_parameters(uws):
    job = uws.create({"DELAY": "0"})
    assert uws.post(f"{BASE}/{job}", {"EXECUTIONDURATION": "30", "runid": "x",
                                      "DELAY": "1"}).status_code == 303
    doc = uws.xml(f"{BASE}/{job}")
    assert (text(doc, "uws:executionDuration"), text(doc, "uws:runId")) == ("30", "x")
    assert [(p.get("id"), p.text) for p in doc.findall("uws:parameters/uws:parameter", NS)
            ] == [("DELAY", "1")]
    response = uws.post(f"{BASE}/{job}/parameters", {"PHASE": "RUN"})
    assert (response.status_code, "/phase" in response.text) == (400, True)


def test_bad_values_answer_400_with_a_plain_message(uws):
    job = uws.create({"DELAY": "0"})
    for path, data, words in [
        (f"{BASE}/{job}/phase", {"PHASE": "FLY"}, "PHASE must be RUN or ABORT"),
        (f"{BASE}/{job}/executionduration", {"EXECUTIONDURATION": "soon"},
         "EXECUTIONDURATION must be a whole number"),
        (f"{BASE}/{job}/destruction", {"DESTRUCTION": "next week"},
         "DESTRUCTION must be an ISO 8601 date"),
        (BASE, {"PHASE": "ABORT"}, "PHASE on creating a job can only be RUN"),
        (f"{BASE}/{job}", {"ACTION": "EXPLODE"}, "ACTION must be DELETE"),
    ]:
        response = uws.post(path, data)
        assert response.status_code == 400, (path, response.text)
        assert response.headers["content-type"].startswith("text/plain")
        assert words in response.text
    for params, words in [({"PHASE": "DONE"}, "PHASE must be one of"),
                          ({"LAST": "-1"}, "LAST must be at least 1"),
                          ({"AFTER": "yesterday"}, "AFTER must be an ISO 8601")]:
        response = uws.get(BASE, params=params)
        assert (response.status_code, words in response.text) == (400, True), response.text
    response = uws.get(f"{BASE}/{job}", params={"WAIT": "a while"})
    assert response.status_code == 400
    uws.post(f"{BASE}/{job}/phase", {"PHASE": "RUN"})
    uws.wait_for(job, "COMPLETED")
    response = uws.post(f"{BASE}/{job}/phase", {"PHASE": "RUN"})
    assert (response.status_code, "cannot run again" in response.text) == (400, True)


def test_unknown_jobs_results_and_paths_answer_404(uws):
    job = uws.create({"DELAY": "0"})
    for path in [f"{BASE}/nosuchjob", f"{BASE}/nosuchjob/phase", f"{BASE}/{job}/results/x",
                 f"{BASE}/{job}/parameters/7", f"{BASE}/{job}/colour", f"{BASE}/{job}/a/b/c"]:
        response = uws.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/plain")
    response = uws.request("PUT", f"{BASE}/{job}/phase")
    assert (response.status_code, response.headers["allow"]) == (405, "GET, POST")


def test_destruction_in_the_past_destroys_job_and_files(uws):
    past = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)).isoformat()
    for when in (past, "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00"):
        job = uws.create({"DELAY": "0", "PHASE": "RUN"})
        uws.wait_for(job, "COMPLETED")
        assert (uws.state / "uws" / job).is_dir()
        assert uws.post(f"{BASE}/{job}/destruction", {"DESTRUCTION": when}
                        ).status_code == 303
        deadline = time.monotonic() + 10
        while uws.get(f"{BASE}/{job}/phase").status_code != 404:
            assert time.monotonic() < deadline, f"the sweep never came for {when}"
            time.sleep(0.2)
        assert not (uws.state / "uws" / job).exists()


def test_pyvo_drives_a_job_through_its_life(uws):
    path = f"{BASE}/{uws.create({'DELAY': '0.5'})}"
    job = AsyncTAPJob(uws.url + path)
    assert job.phase == "PENDING"
    job.run().wait(timeout=30)
    assert job.phase == "COMPLETED"
    assert job.result_uri == f"{uws.url}{path}/results/result"
    job.delete()
    assert uws.get(path).status_code == 404
