"""An invitation campaign of 5,000 contacts, queued and delivered to a loopback SMTP server,
against plain `smtplib` sending the same messages over one connection, in the same run.

The SMTP server is aiosmtpd's Sink in a process of its own (so it does not share our
interpreter's lock), on 127.0.0.1, offering PIPELINING as production relays do
(bench/smtp_sink.py); the reference, plain smtplib, does not use it. The database is
PostgreSQL by default (a database of its own, BENCH_CAMPAIGN_DATABASE_URL, default
seminar_bench_campaign, emptied first); `--sqlite` uses a file in a temporary directory instead.

Measured, each from a warm process (the demo data and the contacts are built first, not
timed):

- campaign: `start_campaign` (the recipients worked out again, one invitation per contact
  with its personal link) and `run_campaign` (each batch of mails rendered in the
  recipient's language, queued in the outbox and delivered over one SMTP connection per
  batch, each outcome committed);
- campaign + ICS: the same with the save-the-date calendar file attached;
- reference: the very messages the first campaign sent (read back from the outbox and
  turned into MIME messages before the clock starts), sent with `smtplib.SMTP.send_message`
  over a single connection.

The ratio is campaign seconds / reference seconds: what the outbox (rendering, rows,
per-message commits, retries) costs over the bare protocol.

    PYTHONPATH=. .venv/bin/python bench/campaign.py [--invitations 5000] [--sqlite]
"""

from __future__ import annotations

import argparse
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from bench.common import DEFAULT_DB, ensure_database, free_port

DB_URL = os.environ.get("BENCH_CAMPAIGN_DATABASE_URL", DEFAULT_DB.rsplit("/", 1)[0] + "/seminar_bench_campaign")


def _start_smtp_sink() -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "bench.smtp_sink.PipeliningSink"],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    for _ in range(100):
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=1) as probe:
                probe.noop()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the aiosmtpd sink did not start")


def _app(database_url: str, smtp_port: int) -> Any:
    from seminar_app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "MAIL_DELIVERY": "worker",
            "TESTING": False,
            # Production's start checks apply (TESTING off): a real key and address, no page cache.
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "PUBLIC_BASE_URL": "https://seminars.bench.example",
            "PUBLIC_PAGE_CACHE_SECONDS": 0,
        }
    )


def _build(invitations: int) -> tuple[list[int], int, int]:
    """The demo consortium, two upcoming events of one partner and a list of `invitations`
    contacts; returns the event ids, the list id and the organiser's id."""
    from sqlalchemy import select

    from seminar_app.accounts.models import User
    from seminar_app.contacts.models import Contact, ContactList, contact_list_member
    from seminar_app.demo import load_demo_data
    from seminar_app.enums import EventStatus, LegalBasis
    from seminar_app.events.models import Event
    from seminar_app.extensions import db
    from seminar_app.projects.models import Partner

    db.drop_all()
    db.create_all()
    load_demo_data()
    partner = db.session.scalars(select(Partner).where(Partner.short_name == "AURORA")).one()
    organiser = db.session.scalars(select(User).where(User.partners.any(Partner.id == partner.id))).first()
    events = db.session.scalars(
        select(Event).where(Event.status == EventStatus.PUBLISHED).order_by(Event.starts_at.desc())
    ).all()
    upcoming = [e for e in events if not e.is_past][:2]
    if len(upcoming) < 2 or organiser is None:
        raise SystemExit("the demo data has no two upcoming published events")
    for event in upcoming:  # the partner's own events, so that its contacts may be invited
        event.partner = partner
    bench_list = ContactList(partner=partner, name="Benchmark stakeholders")
    db.session.add(bench_list)
    db.session.flush()
    languages = ("pt", "en", "it", "ro")
    groups = [g.code for g in partner.project.stakeholder_groups]
    rows = [
        {
            "partner_id": partner.id,
            "email": f"stakeholder{n:05d}@bench.example",
            "name": f"Stakeholder {n:05d}",
            "organisation": f"Organisation {n % 250}",
            "country": "PT",
            "stakeholder_group": groups[n % len(groups)],
            "language": languages[n % len(languages)],
            "source": "Benchmark",
            "legal_basis": LegalBasis.LEGITIMATE_INTEREST,
        }
        for n in range(invitations)
    ]
    db.session.execute(Contact.__table__.insert(), rows)
    ids = db.session.scalars(select(Contact.id).where(Contact.email.like("%@bench.example"))).all()
    db.session.execute(contact_list_member.insert(), [{"list_id": bench_list.id, "contact_id": i} for i in ids])
    db.session.commit()
    return [e.id for e in upcoming], bench_list.id, organiser.id


def _campaign(event_id: int, list_id: int, organiser_id: int, *, save_the_date: bool) -> tuple[float, float, int]:
    """Seconds to start the campaign, seconds to queue and deliver it, and the campaign id."""
    from seminar_app.accounts.models import User
    from seminar_app.campaigns.batches import run_campaign
    from seminar_app.campaigns.selection import Criteria
    from seminar_app.campaigns.services import start_campaign
    from seminar_app.events.models import Event
    from seminar_app.extensions import db

    event = db.session.get(Event, event_id)
    organiser = db.session.get(User, organiser_id)
    t0 = time.perf_counter()
    campaign = start_campaign(event, Criteria(list_ids=(list_id,)), actor=organiser, save_the_date=save_the_date)
    t1 = time.perf_counter()
    run_campaign(campaign.id)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, campaign.id


def _sent_as_mime(campaign_id: int) -> list[EmailMessage]:
    """The campaign's outbox rows as the standard library's messages (same headers, bodies
    and calendar part), built before the reference's clock starts."""
    from sqlalchemy import select

    from seminar_app.enums import OutboxStatus
    from seminar_app.extensions import db
    from seminar_app.mail.models import OutboxMessage

    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.campaign_id == campaign_id)).all()
    not_sent = [r.id for r in rows if r.status is not OutboxStatus.SENT]
    if not_sent:
        raise SystemExit(f"{len(not_sent)} campaign mails were not sent (first ids {not_sent[:5]})")
    messages = []
    for row in rows:
        mime = EmailMessage()
        mime["From"] = "seminar_app <no-reply@bench.example>"
        mime["To"] = f"{row.to_name} <{row.to_address}>"
        mime["Reply-To"] = row.reply_to
        mime["Subject"] = row.subject
        mime["Message-ID"] = row.message_id
        mime["List-Unsubscribe"] = f"<{row.list_unsubscribe}>"
        mime["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        mime.set_content(row.body_text)
        mime.add_alternative(row.body_html, subtype="html")
        if row.calendar_ics:
            mime.add_attachment(row.calendar_ics.encode(), maintype="text", subtype="calendar", filename="event.ics")
        messages.append(mime)
    return messages


def _reference(messages: list[EmailMessage], port: int) -> float:
    t0 = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for message in messages:
            smtp.send_message(message)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invitations", type=int, default=5000)
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    args = parser.parse_args()

    if args.sqlite:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='seminar-bench-')}/campaign.db"
    else:
        database_url = DB_URL
        ensure_database(database_url)
    sink, port = _start_smtp_sink()
    try:
        app = _app(database_url, port)
        with app.app_context():
            t0 = time.perf_counter()
            (plain_event, ics_event), list_id, organiser_id = _build(args.invitations)
            backend = database_url.split(":")[0]
            print(f"built {args.invitations:,} contacts on {backend} in {time.perf_counter() - t0:.1f} s")
            start, deliver, campaign_id = _campaign(plain_event, list_id, organiser_id, save_the_date=False)
            ics_start, ics_deliver, _ = _campaign(ics_event, list_id, organiser_id, save_the_date=True)
            messages = _sent_as_mime(campaign_id)
            reference = _reference(messages, port)
    finally:
        sink.terminate()
        sink.wait(timeout=10)

    n = len(messages)
    print(f"\n{n:,} invitations to aiosmtpd on loopback\n")
    print(f"{'measure':<16}{'start s':>9}{'queue+send s':>14}{'total s':>9}{'mails/s':>9}{'ratio':>7}")
    for label, begin, send in (
        ("campaign", start, deliver),
        ("campaign + ICS", ics_start, ics_deliver),
        ("smtplib", 0.0, reference),
    ):
        total = begin + send
        print(f"{label:<16}{begin:>9.2f}{send:>14.2f}{total:>9.2f}{n / total:>9.0f}{total / reference:>7.1f}")


if __name__ == "__main__":
    main()
