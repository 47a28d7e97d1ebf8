"""Read what the rehearsal left in the database, as JSON for figures.py to judge: the rehearsal
events' registrations and capacities, and the outbox.

    SEMINAR_CONFIG=production ... python deploy/rehearsal/facts.py EVENTS_JSON OUT_JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, select

from seminar_app import create_app
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration.models import Registration


def collect(event_ids: list[int]) -> dict[str, object]:
    registrations = [
        {
            "id": r.id,
            "event_id": r.event_id,
            "email": (r.email or "").lower(),
            "status": r.status.value,
            "mode": r.mode.value,
        }
        for r in db.session.scalars(select(Registration).where(Registration.event_id.in_(event_ids)))
    ]
    capacities = {
        str(e.id): {"onsite": e.capacity_onsite, "online": e.capacity_online}
        for e in db.session.scalars(select(Event).where(Event.id.in_(event_ids)))
    }
    outbox_by_status = {
        status.value: n
        for status, n in db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    }
    mails = [
        {
            "id": m.id,
            "kind": m.kind,
            "status": m.status.value,
            "message_id": m.message_id,
            "registration_id": m.registration_id,
        }
        for m in db.session.scalars(select(OutboxMessage))
    ]
    return {
        "registrations": registrations,
        "capacities": capacities,
        "outbox_by_status": outbox_by_status,
        "mails": mails,
    }


def main() -> None:
    event_ids = [e["id"] for e in json.loads(Path(sys.argv[1]).read_text())["events"]]
    app = create_app()
    with app.app_context():
        Path(sys.argv[2]).write_text(json.dumps(collect(event_ids)))


if __name__ == "__main__":
    main()
