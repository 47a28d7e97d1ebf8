"""The demo consortium's funder's ledger: the Erasmus+ 2014-2020 rules, the application's
five multiplier events (E1 to E5, one per partner country), the delivered and published
seminars linked to them (the Bologna seminar and its repeat in Ferrara both deliver E2),
the people who came to the delivered ones (every kind the ledger tells apart), and the
evidence of the delivered days: placeholder PDFs standing for the scanned signed
sheets, the online participant report of the hybrid Lisbon seminar, and the material used.
The built agenda of each seminar is its agenda. One line still lacks a sheet, as a real
ledger does before the final report: the second day of the Ferrara repeat (E2).

The demo grant is a KA220 cooperation partnership (2021-2027), which a real project would put
under the lump-sum preset; the demo uses the 2014-2020 unit costs instead so that the grant
column and the cap have figures to show. Switching the preset on the funding page shows the
other model on the same data.

Idempotent like `seminar_app.demo`: rules, planned events (by code), links and files (by
event, kind and day) are only added when missing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from fpdf import FPDF
from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode, CheckInSource, EventStatus, EvidenceKind, RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.funding.evidence_files import upload_evidence
from seminar_app.funding.models import EvidenceFile, FundingRules, PlannedEvent
from seminar_app.funding.rules import DEFAULT_PRESET, PRESETS
from seminar_app.projects.models import Partner, Project
from seminar_app.registration.models import Registration
from seminar_app.registration.services import anonymise

if TYPE_CHECKING:
    from seminar_app.demo import DemoSummary


@dataclass(frozen=True)
class PlannedLine:
    code: str
    partner: str
    title: str
    format: str
    local: int
    international: int
    budget: Decimal
    # The demo events that deliver it (their month is the planned month).
    slugs: tuple[str, ...]


PLAN = [
    PlannedLine("E1", "AURORA", "National multiplier event in Portugal (Lisbon)", "hybrid", 40, 5, Decimal("5000"),
                ("prism-seminario-nacional-lisboa",)),
    PlannedLine("E2", "PONTE", "National multiplier event in Italy (Bologna, repeated in Ferrara)", "in_person",
                60, 4, Decimal("6800"), ("prism-seminario-nazionale-bologna", "prism-seminario-nazionale-ferrara")),
    PlannedLine("E3", "ORIZONT", "National multiplier event in Romania (online)", "online", 50, 5, Decimal("6000"),
                ("prism-seminar-national-cluj",)),
    PlannedLine("E4", "KOPRU", "National multiplier event in Türkiye (Ankara)", "hybrid", 45, 5, Decimal("5500"),
                ("prism-ulusal-seminer-ankara",)),
    PlannedLine("E5", "SILTAMO", "National multiplier event in Finland (Tampere)", "in_person", 35, 5,
                Decimal("4500"), ("prism-kansallinen-seminaari-tampere",)),
]  # fmt: skip

# The one delivered day whose signed sheet the demo leaves missing.
MISSING_SHEET = ("prism-seminario-nazionale-ferrara", 1)


def placeholder_pdf(lines: list[str]) -> bytes:
    """A one-page PDF saying what real file it stands for (the demo has no real scans)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    for line in lines:
        pdf.multi_cell(0, 9, line.encode("latin-1", "replace").decode("latin-1"))
        pdf.ln(2)
    return bytes(pdf.output())


def ensure_funding(project: Project, partners: dict[str, Partner], summary: DemoSummary) -> None:
    _ensure_rules(project, summary)
    events = {e.slug: e for e in db.session.scalars(select(Event).where(Event.slug.in_(_slugs())))}
    _ensure_plan(project, partners, events, summary)
    _ensure_attendance(events, summary)
    _ensure_evidence(events, summary)


def _slugs() -> list[str]:
    return [slug for line in PLAN for slug in line.slugs]


def _ensure_rules(project: Project, summary: DemoSummary) -> None:
    if db.session.scalar(select(FundingRules.id).where(FundingRules.project_id == project.id)) is None:
        db.session.add(FundingRules(project_id=project.id, **{**PRESETS[DEFAULT_PRESET], "min_online_minutes": 30}))
        db.session.commit()
        summary.count("funding rules")


def _ensure_plan(
    project: Project, partners: dict[str, Partner], events: dict[str, Event], summary: DemoSummary
) -> None:
    existing = {
        p.code: p for p in db.session.scalars(select(PlannedEvent).where(PlannedEvent.project_id == project.id))
    }
    for line in PLAN:
        planned = existing.get(line.code)
        if planned is None:
            first = events.get(line.slugs[0])
            month = first.local_start.date().replace(day=1) if first is not None else date.today().replace(day=1)
            planned = PlannedEvent(
                project_id=project.id,
                code=line.code,
                title=line.title,
                partner_id=partners[line.partner].id,
                country=partners[line.partner].country,
                planned_month=month,
                format=line.format,
                planned_local=line.local,
                planned_international=line.international,
                budget=line.budget,
            )
            db.session.add(planned)
            db.session.flush()
            summary.count("planned events")
        for slug in line.slugs:
            event = events.get(slug)
            if event is not None and event.planned_event_id is None:
                event.planned_event_id = planned.id
                summary.count("events linked to the plan")
    db.session.commit()


# Who came to a delivered demo seminar, so that its ledger line has every kind of person:
# (name, organisation, country ("" not given; "*" the event's), partner staff, days present as
# (mode, source, minutes), erased afterwards). Online minutes from the platform's report.
_ON, _OFF = AttendanceMode.ONSITE, AttendanceMode.ONLINE
_HAND, _QR, _WALK, _REPORT = CheckInSource.MANUAL, CheckInSource.QR, CheckInSource.WALK_IN, CheckInSource.IMPORT
PRESENT: list[tuple[str, str, str, bool, tuple[tuple[AttendanceMode, CheckInSource, int | None], ...], bool]] = [
    ("Beatriz Almeida", "Câmara Municipal", "*", False, ((_ON, _QR, None), (_ON, _QR, None)), False),
    ("Giulia Romano", "Ufficio di esecuzione penale esterna", "*", False, ((_ON, _HAND, None),), False),
    ("Rui Carvalho", "Polícia de Segurança Pública", "*", False, ((_ON, _QR, None),), False),
    ("Chiara Greco", "Cooperativa Sociale Insieme", "*", False, ((_ON, _HAND, None),), False),
    ("Ioana Dumitrescu", "Administrația Națională a Penitenciarelor", "RO", False, ((_ON, _HAND, None),), False),
    ("Ayşe Demir", "Adalet Bakanlığı", "TR", False, ((_ON, _QR, None),), False),
    ("Pedro Santos", "Associação Reconstruir", "*", False, ((_ON, _WALK, None),), False),
    ("Matti Korhonen", "Tampereen yliopisto", "FI", False, ((_OFF, _REPORT, 95),), False),
    ("Anna Nieminen", "Kriminaalihuollon tukisäätiö", "*", False, ((_OFF, _REPORT, 12),), False),
    ("Francesca Ricci", "", "", False, ((_ON, _HAND, None),), False),
    ("Demo partner staff", "Demo partner", "*", True, ((_ON, _HAND, None), (_ON, _HAND, None)), False),
    ("Erased participant", "Municipal social services", "*", False, ((_ON, _QR, None),), True),
]


def _ensure_attendance(events: dict[str, Event], summary: DemoSummary) -> None:
    """Attendees with their attendance at each delivered linked seminar that has none yet: on
    site and online, local and from other partner countries, partner staff, a walk-in, a
    person on two days, one online for too few minutes, one without a country, one erased."""
    for event in events.values():
        if event.status is not EventStatus.DELIVERED:
            continue
        if db.session.scalar(select(func.count()).where(Attendance.event_id == event.id)):
            continue
        days = event.local_days
        for n, (name, organisation, country, staff, present, erase) in enumerate(PRESENT):
            online = [d for d in present if d[0] is _OFF]
            if online and not event.format.is_online:
                continue
            registration = Registration(
                event=event,
                status=RegistrationStatus.CONFIRMED,
                mode=online[0][0] if online else _ON,
                name=name,
                email=f"demo.present{n}@{event.slug}.example",
                organisation=organisation,
                organisation_country=event.country if country == "*" else country,
                is_partner_staff=staff,
                language=event.language,
                source="walk_in" if present[0][1] is _WALK else "demo",
                confirmed_at=event.starts_at,
            )
            db.session.add(registration)
            db.session.flush()
            for day, (mode, source, minutes) in zip(days, present, strict=False):
                db.session.add(
                    Attendance(
                        event_id=event.id,
                        registration_id=registration.id,
                        day=day,
                        mode=mode,
                        source=source,
                        minutes=minutes,
                        checked_in_at=event.starts_at,
                    )
                )
            if erase:
                anonymise(registration)
            summary.count("attendances")
        db.session.commit()


def _organiser(event: Event) -> User | None:
    return db.session.scalar(
        select(User).where(User.partners.any(Partner.id == event.partner_id)).order_by(User.id).limit(1)
    )


def _has(event: Event, kind: EvidenceKind, day: date | None) -> bool:
    query = select(func.count()).where(EvidenceFile.event_id == event.id, EvidenceFile.kind == kind.value)
    if day is not None:
        query = query.where(EvidenceFile.day == day)
    return bool(db.session.scalar(query))


def _ensure_evidence(events: dict[str, Event], summary: DemoSummary) -> None:
    """The evidence of every day that is over: sheets (but the one left missing), online
    reports, and the material of each delivered event."""
    for event in events.values():
        if not event.is_past:
            continue
        actor = _organiser(event)
        uploads: list[tuple[EvidenceKind, date | None, str, list[str]]] = []
        for n, day in enumerate(event.local_days):
            if event.format.has_venue and (event.slug, n) != MISSING_SHEET:
                text = [f"Demo placeholder for the scanned attendance sheet signed on {day.isoformat()}", event.slug]
                uploads.append((EvidenceKind.SIGNED_SHEET, day, f"signed-sheet-{day.isoformat()}.pdf", text))
            if event.format.is_online:
                text = [f"Demo placeholder for the online participant report of {day.isoformat()}", event.slug]
                uploads.append((EvidenceKind.ONLINE_REPORT, day, f"online-report-{day.isoformat()}.pdf", text))
        uploads.append(
            (EvidenceKind.MATERIAL, None, "slides.pdf", ["Demo placeholder for the slides used", event.slug])
        )
        for kind, day, name, text in uploads:
            if not _has(event, kind, day):
                upload_evidence(event, kind, day, name, io.BytesIO(placeholder_pdf(text)), actor=actor)
                summary.count("evidence files")
