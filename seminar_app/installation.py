"""What belongs to the installation as a whole rather than to a project: a random id
made once per database, which keeps this installation's calendar UIDs its own."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, Table, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from seminar_app.extensions import db

INSTALLATION_ID = "installation_id"
# Events up to this id were sent before the installation had an id; they keep their old UIDs.
LEGACY_UIDS_THROUGH = "legacy_uids_through_event"


class AppSetting(db.Model):
    """One value of the installation, by key. Written by migrations, read by the app."""

    __tablename__ = "app_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), default="")


def new_installation_id() -> str:
    """32 random hexadecimal digits."""
    return uuid.uuid4().hex


@event.listens_for(AppSetting.__table__, "after_create")
def _give_a_new_database_its_id(target: Table, connection: Connection, **_: Any) -> None:
    """A database built from the models (not the migrations) gets its id at once too."""
    connection.execute(target.insert().values(key=INSTALLATION_ID, value=new_installation_id()))


def installation_id() -> str:
    """The installation's id; it never changes once made. Migration 0009 and `create_all`
    make it; should the row be missing it is made in the current transaction."""
    setting = db.session.get(AppSetting, INSTALLATION_ID)
    if setting is not None:
        return setting.value
    try:
        with db.session.begin_nested():
            setting = AppSetting(key=INSTALLATION_ID, value=new_installation_id())
            db.session.add(setting)
    except IntegrityError:  # made by a parallel request a moment ago
        setting = db.session.get(AppSetting, INSTALLATION_ID, populate_existing=True)
        assert setting is not None
    return setting.value


def legacy_uids_through() -> int:
    """The highest event id whose calendar UIDs predate the installation id (0: none)."""
    setting = db.session.get(AppSetting, LEGACY_UIDS_THROUGH)
    return int(setting.value) if setting is not None and setting.value.isdigit() else 0


def calendar_uid_settings() -> tuple[str, int]:
    """`installation_id()` and `legacy_uids_through()` read together in one query: every
    calendar file and every registration's mail needs both, and both are hot paths (issue 18)."""
    keys = (INSTALLATION_ID, LEGACY_UIDS_THROUGH)
    rows = dict(db.session.execute(select(AppSetting.key, AppSetting.value).where(AppSetting.key.in_(keys))).all())
    legacy = rows.get(LEGACY_UIDS_THROUGH, "")
    return rows.get(INSTALLATION_ID) or installation_id(), int(legacy) if legacy.isdigit() else 0
