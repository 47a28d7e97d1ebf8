"""The project's suppression list: addresses no campaign may invite again.

Only a fingerprint of each address is kept (`models.email_hash`), so the list outlives
the contact's deletion, an erasure on request and any later re-import."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from seminar_app.contacts.models import Suppression, email_hash
from seminar_app.enums import SuppressionReason
from seminar_app.extensions import db


def suppression_for(project_id: int, address: str) -> Suppression | None:
    """The suppression of `address` in the project, or None."""
    return suppression_of_hash(project_id, email_hash(address))


def suppression_of_hash(project_id: int, fingerprint: str) -> Suppression | None:
    """The suppression of the address with this `email_hash` in the project, or None."""
    return db.session.scalar(
        select(Suppression).where(Suppression.project_id == project_id, Suppression.email_hash == fingerprint)
    )


def suppressed_hashes(
    project_id: int, hashes: Iterable[str] | None = None, *, reason: SuppressionReason | None = None
) -> set[str]:
    """The fingerprints on the project's list (only among `hashes` when given, only those
    put there for `reason` when given), in one query per thousand hashes."""
    query = select(Suppression.email_hash).where(Suppression.project_id == project_id)
    if reason is not None:
        query = query.where(Suppression.reason == reason)
    if hashes is None:
        return set(db.session.scalars(query))
    wanted = list(set(hashes))
    found: set[str] = set()
    for start in range(0, len(wanted), 1000):
        found.update(db.session.scalars(query.where(Suppression.email_hash.in_(wanted[start : start + 1000]))))
    return found


def is_erased(project_id: int, address: str) -> bool:
    """Whether the address's data was erased in the project at the person's request (its
    data must not come back, by hand or by import)."""
    entry = suppression_for(project_id, address)
    return entry is not None and entry.reason is SuppressionReason.ERASED


def suppress(project_id: int, address: str, reason: SuppressionReason) -> Suppression:
    """Put `address` on the project's list in the caller's transaction (the caller commits).
    An address already there keeps its first entry, which is returned."""
    return suppress_hash(project_id, email_hash(address), reason)


def suppress_hash(project_id: int, fingerprint: str, reason: SuppressionReason) -> Suppression:
    """`suppress` for an address known only by its `email_hash` (an invitee whose data is
    already forgotten can still unsubscribe)."""
    existing = suppression_of_hash(project_id, fingerprint)
    if existing is not None:
        return existing
    entry = Suppression(project_id=project_id, email_hash=fingerprint, reason=reason)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:  # the same address suppressed by a parallel request a moment ago
        found = suppression_of_hash(project_id, fingerprint)
        assert found is not None
        return found
    return entry
