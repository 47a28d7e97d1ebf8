"""The personal link of an invitation: a token derived from the invitation's salt and
SECRET_KEY, of which only the SHA-256 hash is stored (like registration links)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode

from flask import current_app
from sqlalchemy import select

from seminar_app.campaigns.models import Invitation
from seminar_app.extensions import db


def invitation_token(invitation: Invitation) -> str:
    """The token of the invitation's personal links (registration, cannot come, unsubscribe).

    Raises ValueError for an invitation whose data was erased (it has no link any more)."""
    if not invitation.link_salt:
        raise ValueError("an erased invitation has no personal link")
    return _token(invitation.link_salt)


def _token(salt: str) -> str:
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"invitation-link:{salt}".encode(), "sha256").digest()
    return urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def give_link(invitation: Invitation) -> None:
    """Give a new invitation its personal link (before it is flushed)."""
    invitation.link_salt, invitation.token_hash = new_link()


def new_link() -> tuple[str, str]:
    """A new invitation's `link_salt` and `token_hash`."""
    salt = secrets.token_hex(16)
    return salt, _hash(_token(salt))


def find_by_token(token: str | None) -> Invitation | None:
    """The invitation whose personal link carries `token`, or None (unknown, mistyped or erased)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token)))
