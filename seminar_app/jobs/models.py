from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from seminar_app.db_types import UTCDateTime, utcnow
from seminar_app.extensions import db


class JobDone(db.Model):
    """A job that has been done for one subject, so it is never done twice.

    `key` names the job and its subject, such as "reminder:event-12:registration-34"
    or "purge_access_needs:event-12". The unique key is what makes two runners at once
    safe: the one that inserts it does the job, in the same transaction."""

    __tablename__ = "job_done"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
