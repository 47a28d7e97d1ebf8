"""When `flask jobs run` last finished: the runner writes it, the metrics read it (job-runner
lag), so an operator learns that the timer stopped before people miss their reminders."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from seminar_app.db_types import utcnow
from seminar_app.extensions import db
from seminar_app.installation import AppSetting

LAST_RUN_KEY = "jobs_last_run_at"


def record_completed_run(at: datetime | None = None) -> datetime:
    """Store the moment a run completed (now by default) and commit. Safe with two runners at once."""
    at = at or utcnow()
    value = at.astimezone(UTC).isoformat()
    for _attempt in range(2):
        setting = db.session.get(AppSetting, LAST_RUN_KEY)
        try:
            if setting is None:
                db.session.add(AppSetting(key=LAST_RUN_KEY, value=value))
            else:
                setting.value = value
            db.session.commit()
            return at
        except IntegrityError:  # the other runner inserted the key a moment ago: update it
            db.session.rollback()
    return at


def last_completed_run() -> datetime | None:
    """When a run last completed, or None if none ever did (or the value is unreadable)."""
    setting = db.session.get(AppSetting, LAST_RUN_KEY)
    if setting is None:
        return None
    try:
        moment = datetime.fromisoformat(setting.value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
