"""People cancelling during the rehearsal: every INTERVAL seconds one confirmed person of a
rehearsal event cancels (through the same service as the private link's Cancel button), which
frees a seat and promotes the first person waiting. Appends each cancelled registration id to
the log file. Stops on SIGTERM.

    python deploy/rehearsal/canceller.py EVENTS_JSON LOG_FILE INTERVAL
"""

from __future__ import annotations

import json
import random
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select

from seminar_app import create_app
from seminar_app.enums import RegistrationStatus
from seminar_app.extensions import db
from seminar_app.registration.models import Registration
from seminar_app.registration.services import cancel_registration


def main() -> None:
    events = [e["id"] for e in json.loads(Path(sys.argv[1]).read_text())["events"]]
    log = Path(sys.argv[2])
    interval = float(sys.argv[3])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    app = create_app()
    rng = random.Random(16)
    while not stop.wait(interval):
        with app.app_context():
            try:
                ids = db.session.scalars(
                    select(Registration.id).where(
                        Registration.event_id == rng.choice(events),
                        Registration.status == RegistrationStatus.CONFIRMED,
                    )
                ).all()
                if not ids:
                    continue
                registration = db.session.get(Registration, rng.choice(ids))
                assert registration is not None
                cancel_registration(registration)
                with log.open("a") as f:
                    f.write(f"{registration.id}\n")
            except Exception as exc:  # the database may be busy or a node gone: try again later
                db.session.rollback()
                print(f"canceller: {exc.__class__.__name__}: {exc}", file=sys.stderr, flush=True)
            finally:
                db.session.remove()


if __name__ == "__main__":
    main()
