"""A running import job's state lives in the database: any worker shows its progress, and a job whose process died
is seen as failed within a minute and can be run again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from crm.access import tenancy
from crm.extensions import db
from crm.imports import jobs
from crm.imports.liveness import Heartbeat, beat_path, runner_name
from crm.models import ImportJob, ImportJobStatus, now_utc
from tests.test_import_limits import signing_csv, signing_rows
from tests.test_import_pages import job_id_from, mapping_choices, upload, wait_for

pytestmark = pytest.mark.usefixtures("jobs_end")


def previewed_job(client, rows: int = 5) -> int:
    job_id = job_id_from(upload(client, signing_csv(signing_rows(rows)), "签约项目.csv"))
    assert client.post(f"/imports/jobs/{job_id}/mapping", data=mapping_choices(client, job_id)).status_code == 302
    assert wait_for(client, job_id)[-1]["status"] == "previewed"
    return job_id


def last_heard(job_id: int, ago: timedelta, status: ImportJobStatus = ImportJobStatus.IMPORTING) -> None:
    """The job as a process that died `ago` while running it left it."""
    at = now_utc() - ago
    with db.engine.begin() as connection:
        connection.execute(update(ImportJob).where(ImportJob.id == job_id).values(
            status=status, stage="checking", done=20_000, total=20_000, heartbeat_at=at, updated_at=at,
            runner="gone-host:4242"))
    db.session.expire_all()


def test_a_job_records_who_runs_it_and_when_it_was_last_heard_of(client, office):
    started = now_utc()
    job = db.session.get(ImportJob, previewed_job(client))
    assert job.runner == runner_name() and job.heartbeat_at is not None and job.heartbeat_at >= started


def test_a_job_whose_process_died_is_failed_within_a_minute_and_can_be_run_again(app, client, office):
    job_id = previewed_job(client)
    assert app.config["IMPORT_JOB_STALE"] <= timedelta(minutes=1)
    last_heard(job_id, timedelta(seconds=30))
    state = client.get(f"/imports/jobs/{job_id}/progress").json
    assert not state["finished"] and state["message"] == "正在核对：20000 / 20000 行"  # alive, as far as is known

    last_heard(job_id, app.config["IMPORT_JOB_STALE"] + timedelta(seconds=1))
    state = client.get(f"/imports/jobs/{job_id}/progress").json
    assert state["finished"] and state["interrupted"]
    assert state["message"] == "导入进程已中断，未写入任何数据，请重新运行"
    job = db.session.get(ImportJob, job_id)
    assert job.status is ImportJobStatus.FAILED and job.error == "导入进程已中断，未写入任何数据，请重新运行"

    page = client.get(f"/imports/jobs/{job_id}").text
    assert "导入进程已中断，未写入任何数据，请重新运行" in page
    assert f'class="rerun" href="/imports/jobs/{job_id}/mapping"' in page
    again = client.post(f"/imports/jobs/{job_id}/mapping", data=mapping_choices(client, job_id))
    assert again.status_code == 302
    assert wait_for(client, job_id)[-1]["status"] == "previewed"
    assert client.post(f"/imports/jobs/{job_id}/import", data={"duplicates": "skip", "confirm_new": "y"}
                       ).status_code == 302
    assert wait_for(client, job_id)[-1]["status"] == "done"


def test_a_queued_job_whose_worker_died_before_starting_it_is_failed_too(app, client, office):
    job_id = previewed_job(client)
    last_heard(job_id, timedelta(minutes=5), ImportJobStatus.QUEUED)
    assert client.get(f"/imports/jobs/{job_id}/progress").json["interrupted"]


def test_a_working_job_keeps_its_heartbeat_between_progress_reports(app, client, office):
    """Parsing and the look-ups report no progress for a while: the heartbeat thread speaks meanwhile."""
    # The stale limit is short beside the job (40,000 rows take about 4 s) so the job must outlive it to pass, and
    # twenty beats long, so that a machine busy with other tests delaying a beat does not read as a dead job.
    app.config |= {"IMPORT_HEARTBEAT_SECONDS": 0.1, "IMPORT_JOB_STALE": timedelta(seconds=2)}
    job_id = job_id_from(upload(client, signing_csv(signing_rows(40_000)), "签约项目.csv"))
    assert client.post(f"/imports/jobs/{job_id}/mapping", data=mapping_choices(client, job_id)).status_code == 302
    started = time.monotonic()
    states = wait_for(client, job_id)
    assert time.monotonic() - started > 2  # longer than a job may go unheard
    assert not any(state["interrupted"] for state in states) and states[-1]["status"] == "previewed"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL: every beat its own transaction
def test_on_sqlite_the_heartbeat_goes_to_a_file_while_the_job_holds_the_write_lock(app, client, office):
    job_id = previewed_job(client)
    last_heard(job_id, timedelta(minutes=5))
    job = db.session.get(ImportJob, job_id)
    heartbeat = Heartbeat(app, tenancy.current(), job_id)
    heartbeat.sqlite = True  # as start() finds it, without the thread
    with heartbeat.holding_write_lock():
        heartbeat.report(status=ImportJobStatus.IMPORTING, stage="writing", done=3, total=4)
        assert beat_path(job_id).is_file()
        state = jobs.job_state(job)
        assert not state.interrupted and (state.stage, state.done, state.total) == ("writing", 3, 4)
    heartbeat.stop()
    assert not beat_path(job_id).exists()
