"""The funder's evidence when the project's evidence period ends (retention tier 2).

Uploaded evidence files (scans of signed sheets carry participants' names and signatures)
and eligibility decisions are kept through a person's erasure and through tier 1: they are
what the funder audits. `privacy.retention` deletes them with the rest of the project's
evidence, in its transaction, on the project's evidence date.
"""

from __future__ import annotations

from sqlalchemy import Select, delete

from seminar_app.extensions import db
from seminar_app.funding.models import EligibilityDecision, EvidenceFile


def delete_funding_evidence(event_ids: Select[tuple[int]]) -> None:
    """Delete the evidence files and eligibility decisions of the events `event_ids` selects,
    in the caller's transaction (no commit)."""
    for model in (EvidenceFile, EligibilityDecision):
        db.session.execute(
            delete(model).where(model.event_id.in_(event_ids)).execution_options(synchronize_session=False)
        )
