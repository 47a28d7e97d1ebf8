"""Accounts: authentication and user management."""

from __future__ import annotations

from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.db_types import utcnow
from seminar_app.extensions import db

# Checked against when the e-mail is unknown, so that a wrong address takes as long as a wrong password.
_DUMMY_HASH = None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Records the log-in time."""
    global _DUMMY_HASH
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        if _DUMMY_HASH is None:
            dummy = User()
            dummy.set_password("not-a-password")
            _DUMMY_HASH = dummy.password_hash
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user
