"""Clean-up of uploaded files, and the scheduler's lease."""

from __future__ import annotations

import os
from datetime import timedelta

from sqlalchemy import func, select

from psad import clock
from psad.imports.jobs import purge_uploads, upload_dir
from psad.imports.models import ImportBatch, ImportJob, JobStatus, ListSource
from psad.scheduler import take_lease
from tests.factories import make_psad


def test_uploaded_files_older_than_the_retention_are_deleted(app, settings, session):
    folder = upload_dir(settings)
    old, recent = folder / "old.xlsx", folder / "recent.xlsx"
    old.write_bytes(b"x")
    recent.write_bytes(b"y")
    forty_days_ago = (clock.now() - timedelta(days=40)).timestamp()
    os.utime(old, (forty_days_ago, forty_days_ago))
    psad = make_psad(session)
    session.add(
        ImportJob(
            token="t" * 20,
            psad_id=psad.id,
            status=JobStatus.DONE,
            label="L",
            source=ListSource.SIEI,
            file_name="old.xlsx",
            stored_name="old.xlsx",
            file_hash="0" * 64,
            file_size=1,
            updated_at=clock.now() - timedelta(days=40),
        )
    )
    session.commit()

    removed = purge_uploads(app)

    assert removed == 1
    assert not old.exists() and recent.exists()
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_rejected_rows_of_old_lists_go_with_the_retention(
    app, settings, session, tmp_path, monkeypatch
):
    psad = make_psad(session)
    batch = ImportBatch(
        psad_id=psad.id,
        label="L",
        source=ListSource.SIEI,
        origin="cli",
        file_name="a.xlsx",
        file_hash="1" * 64,
        file_size=1,
        rejected=1,
        imported_at=clock.now() - timedelta(days=40),
        report_json='{"headers": ["Nom"], "rejected_rows": [{"line": 2}]}',
    )
    session.add(batch)
    session.commit()

    purge_uploads(app)

    session.refresh(batch)
    assert "rejected_rows" not in batch.report and batch.report["headers"] == ["Nom"]


def test_only_one_scheduler_holds_the_lease_until_it_expires(session):
    now = clock.now()

    first = take_lease(session, "process-a", now)
    second = take_lease(session, "process-b", now)
    renewed = take_lease(session, "process-a", now + timedelta(seconds=30))
    taken_over = take_lease(session, "process-b", now + timedelta(minutes=5))

    assert (first, second, renewed, taken_over) == (True, False, True, True)
