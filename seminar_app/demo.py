"""A realistic demo consortium, loaded through the same services as the web pages.

Loading is idempotent: projects are keyed by slug, results by code, partners by short
name, events by slug and users by e-mail; whatever exists already is left alone. Event
dates are relative to today, so upcoming events stay upcoming.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.accounts.services import UserInput, create_user
from seminar_app.agenda.services import AgendaItemInput, SpeakerInput, add_agenda_item, add_speaker
from seminar_app.contacts.models import Contact, ContactList
from seminar_app.enums import AgendaItemKind as K
from seminar_app.enums import EventFormat, EventKind, EventStatus, LegalBasis, Role
from seminar_app.events.models import Event
from seminar_app.events.services import EventInput, change_status, create_event
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, Project, ProjectResult
from seminar_app.projects.services import (
    PartnerInput,
    ProjectInput,
    ResultInput,
    add_result,
    create_partner,
    create_project,
    publish_privacy_notice,
)
from seminar_app.registration.services import RegistrationInput, offered_modes, register

DEMO_PASSWORD = "demo-password-2026"

PROJECT = ProjectInput(
    name="PRISM – Preventing Radicalisation through Inter-agency Support and Mentoring",
    acronym="PRISM",
    slug="prism",
    funding_programme="Erasmus+ KA220-ADU – Cooperation partnerships in adult education",
    grant_number="2023-1-PT01-KA220-ADU-000154321",
    funding_statement="Co-funded by the European Union",
    disclaimer=(
        "Funded by the European Union. Views and opinions expressed are however those of the author(s) only and "
        "do not necessarily reflect those of the European Union or the European Education and Culture Executive "
        "Agency (EACEA). Neither the European Union nor EACEA can be held responsible for them."
    ),
    default_language="en",
)

PRIVACY_NOTICE = """\
## Privacy notice of the PRISM seminars

The partner organising the seminar you register for is the controller of your data; the coordinator,
Instituto Aurora para a Reinserção Social, receives anonymous counts only.

- **What we collect:** your name, e-mail, organisation, role and country, whether you attend on site or online,
  and, only if you tell us, access needs (deleted after the event).
- **Why:** to run the seminar, send you the joining details and a feedback request, and prove to the
  European Commission that the seminar took place (attendance lists are kept for five years after the
  project's final payment, then deleted).
- **Your rights:** you can see, download, correct or erase your data at any time from the private link in
  every e-mail we send you, or write to the organiser.
"""

RESULTS = [
    ResultInput("PR1", "State of the Art report", "WP2"),
    ResultInput("PR2", "Risk and Needs Assessment", "WP2"),
    ResultInput("PR3", "Mentoring Model and Programme", "WP3"),
    ResultInput("PR4", "Training programme", "WP4"),
    ResultInput("PR5", "Multi-agency cooperation guide", "WP5"),
]

PARTNERS = [
    PartnerInput("Instituto Aurora para a Reinserção Social", "AURORA", "PT", "Europe/Lisbon",
                 "seminarios@aurora-reinsercao.example", "Lisboa", "pt"),
    PartnerInput("Fondazione Ponte Nuovo per la Giustizia di Comunità", "PONTE", "IT", "Europe/Rome",
                 "seminari@pontenuovo.example", "Bologna", "it"),
    PartnerInput("Asociația Orizont Comun", "ORIZONT", "RO", "Europe/Bucharest",
                 "contact@orizontcomun.example", "Cluj-Napoca", "ro"),
    PartnerInput("Köprü Toplum ve Adalet Araştırmaları Derneği", "KOPRU", "TR", "Europe/Istanbul",
                 "seminer@kopru-dernek.example", "Ankara", "tr"),
    PartnerInput("Siltamo – Rikosseuraamusalan tutkimus- ja kehittämiskeskus", "SILTAMO", "FI", "Europe/Helsinki",
                 "seminaari@siltamo.example", "Tampere", "fi"),
]  # fmt: skip

ORGANISER_EMAILS = {
    "AURORA": "organiser.pt@demo.example",
    "PONTE": "organiser.it@demo.example",
    "ORIZONT": "organiser.ro@demo.example",
    "KOPRU": "organiser.tr@demo.example",
    "SILTAMO": "organiser.fi@demo.example",
}


@dataclass
class DemoEvent:
    partner: str
    slug: str
    title: str
    format: EventFormat
    days_ahead: int
    status: EventStatus
    summary: str
    speakers: list[tuple[str, str]]
    # (day of the event counted from 0, start "HH:MM", end "HH:MM", kind, title, indexes into `speakers`)
    agenda: list[tuple[int, str, str, K, str, list[int]]]
    results: list[str]
    audiences: list[str]
    kind: EventKind = EventKind.SEMINAR
    venue: tuple[str, str] = ("", "")
    platform: str = ""
    status_note: str = ""
    outcome: str = ""


def _online(slug: str) -> str:
    return f"https://meet.demo.example/{slug}"


EVENTS = [
    DemoEvent(
        "AURORA", "prism-seminario-nacional-lisboa", "Seminário nacional PRISM: mentoria e reinserção",
        EventFormat.HYBRID, -40, EventStatus.DELIVERED,
        "Os resultados do projeto PRISM apresentados a técnicos de reinserção, guardas prisionais e ONG.",
        [("Helena Vasconcelos", "Instituto Aurora"), ("Rui Almeida", "Universidade Atlântica de Lisboa"),
         ("Marta Fonseca", "Instituto Aurora"), ("Carlos Teixeira", "Equipa de Reinserção de Setúbal")],
        [(0, "09:30", "09:45", K.WELCOME, "Boas-vindas e apresentação do projeto", [0]),
         (0, "09:45", "10:30", K.TALK, "Estado da arte: radicalização em contexto prisional", [1]),
         (0, "10:30", "11:15", K.TALK, "O Modelo de Mentoria PRISM", [2]),
         (0, "11:15", "11:30", K.BREAK, "Pausa para café", []),
         (0, "11:30", "12:30", K.PANEL, "Painel: da prisão à comunidade", [1, 2, 3]),
         (0, "12:30", "13:00", K.DISCUSSION, "Debate e conclusões", [0])],
        ["PR1", "PR3"], ["prison_probation", "ngo_community", "researchers"],
        venue=("Auditório do Instituto Aurora", "Rua de São Bento 120"), platform="Zoom",
        outcome="62 participantes (38 presenciais, 24 online); forte interesse no programa de mentoria.",
    ),
    DemoEvent(
        "PONTE", "prism-seminario-nazionale-bologna",
        "Seminario nazionale PRISM: valutazione del rischio e cooperazione multi-agenzia",
        EventFormat.IN_PERSON, -20, EventStatus.DELIVERED,
        "Due giornate per operatori penitenziari, forze dell'ordine e servizi sociali.",
        [("Giulia Ferraresi", "Fondazione Ponte Nuovo"), ("Prof. Marco Lanzoni", "Università di Emilia Centrale"),
         ("Isp. Davide Russo", "Polizia Locale di Bologna"),
         ("Elena Martelli", "Ufficio di Esecuzione Penale Esterna")],
        [(0, "09:30", "10:00", K.WELCOME, "Apertura dei lavori", [0]),
         (0, "10:00", "11:30", K.TALK, "Lo strumento PRISM di valutazione dei rischi e dei bisogni", [1]),
         (0, "11:30", "12:00", K.BREAK, "Pausa caffè", []),
         (0, "14:00", "17:00", K.PANEL, "Tavola rotonda: carcere, probation e territorio", [1, 2, 3]),
         (1, "09:00", "10:30", K.TALK, "La guida PRISM alla cooperazione multi-agenzia", [3]),
         (1, "10:30", "12:30", K.DISCUSSION, "Laboratorio: casi di studio", [0, 2]),
         (1, "12:30", "13:00", K.OTHER, "Conclusioni e prossimi passi", [0])],
        ["PR2", "PR5"], ["prison_probation", "law_enforcement", "policy_makers"],
        venue=("Sala Convegni Ponte Nuovo", "Via dell'Indipendenza 44"),
        outcome="48 partecipanti nelle due giornate; richiesta di una formazione regionale.",
    ),
    DemoEvent(
        "ORIZONT", "prism-seminar-national-cluj", "Seminar național PRISM: prevenirea radicalizării în comunitate",
        EventFormat.ONLINE, 14, EventStatus.PUBLISHED,
        "Seminar online pentru profesioniști din penitenciare, probațiune și ONG-uri.",
        [("Andreea Mureșan", "Asociația Orizont Comun"), ("Dr. Ioan Pop", "Universitatea de Vest a Transilvaniei"),
         ("Cristina Dobre", "Serviciul de Probațiune Cluj")],
        [(0, "10:00", "10:15", K.WELCOME, "Cuvânt de bun venit", [0]),
         (0, "10:15", "11:00", K.TALK, "Raportul privind stadiul actual al cercetării", [1]),
         (0, "11:00", "11:45", K.TALK, "Evaluarea riscurilor și nevoilor în probațiune", [2]),
         (0, "11:45", "12:30", K.DISCUSSION, "Întrebări și discuții", [0, 1, 2])],
        ["PR1", "PR2", "PR3"], ["prison_probation", "ngo_community", "students"], platform="Zoom",
    ),
    DemoEvent(
        "KOPRU", "prism-ulusal-seminer-ankara", "PRISM Ulusal Semineri: mentorluk ve eğitim programı",
        EventFormat.HYBRID, 30, EventStatus.PUBLISHED,
        "Cezaevi ve denetimli serbestlik personeli için PRISM mentorluk modeli ve eğitim programı.",
        [("Dr. Elif Yıldırım", "Köprü Derneği"), ("Murat Kaya", "Ankara Denetimli Serbestlik Müdürlüğü"),
         ("Doç. Dr. Zeynep Arslan", "Orta Anadolu Üniversitesi")],
        [(0, "10:00", "10:20", K.WELCOME, "Açılış konuşması", [0]),
         (0, "10:20", "11:10", K.TALK, "PRISM Mentorluk Modeli ve Programı", [2]),
         (0, "11:10", "11:30", K.BREAK, "Kahve arası", []),
         (0, "11:30", "12:30", K.TALK, "PRISM Eğitim Programı: modüller ve uygulama", [0]),
         (0, "13:30", "14:30", K.PANEL, "Panel: sahadan deneyimler", [0, 1, 2]),
         (0, "14:30", "15:00", K.DISCUSSION, "Soru-cevap ve kapanış", [0])],
        ["PR3", "PR4"], ["prison_probation", "researchers", "ngo_community"],
        venue=("Köprü Konferans Salonu", "Kızılay Mahallesi, Atatürk Bulvarı 101"), platform="Microsoft Teams",
    ),
    DemoEvent(
        "SILTAMO", "prism-kansallinen-seminaari-tampere", "PRISM-kansallinen seminaari: moniammatillinen yhteistyö",
        EventFormat.IN_PERSON, 45, EventStatus.PUBLISHED,
        "Seminaari vankeinhoidon, poliisin ja kuntien ammattilaisille.",
        [("Anna Virtanen", "Siltamo"), ("Dos. Mikko Laine", "Pirkanmaan yliopisto"),
         ("Sari Heikkinen", "Tampereen kaupungin sosiaalipalvelut")],
        [(0, "12:00", "12:15", K.WELCOME, "Tervetuloa", [0]),
         (0, "12:15", "13:00", K.TALK, "PRISM-koulutusohjelma ammattilaisille", [1]),
         (0, "13:00", "13:20", K.BREAK, "Kahvitauko", []),
         (0, "13:20", "14:45", K.PANEL, "Paneeli: moniammatillinen yhteistyöopas käytännössä", [0, 1, 2]),
         (0, "14:45", "16:00", K.DISCUSSION, "Keskustelu ja yhteenveto", [0])],
        ["PR4", "PR5"], ["law_enforcement", "prison_probation", "policy_makers"],
        venue=("Siltamon seminaarisali", "Hämeenkatu 25"),
    ),
    DemoEvent(
        "AURORA", "prism-workshop-formacao-mentores", "Workshop PRISM: formação de mentores",
        EventFormat.IN_PERSON, 75, EventStatus.DRAFT,
        "Workshop prático do programa de formação PRISM para futuros mentores.",
        [("Marta Fonseca", "Instituto Aurora"), ("Sofia Nogueira", "Associação Caminhos Novos")],
        [(0, "14:00", "14:15", K.WELCOME, "Boas-vindas", [0]),
         (0, "14:15", "15:30", K.TALK, "Módulo 1: o papel do mentor", [0]),
         (0, "15:30", "15:45", K.BREAK, "Pausa", []),
         (0, "15:45", "17:30", K.DISCUSSION, "Exercícios práticos e debate", [0, 1])],
        ["PR4"], ["prison_probation", "ngo_community"], kind=EventKind.WORKSHOP,
        venue=("Centro Comunitário de Marvila", "Rua Direita de Marvila 48"),
    ),
    DemoEvent(
        "SILTAMO", "prism-verkkoseminaari-riskiarviointi", "PRISM-verkkoseminaari: riskien ja tarpeiden arviointi",
        EventFormat.ONLINE, 21, EventStatus.POSTPONED,
        "Verkkoseminaari PRISM-riskinarviointityökalusta.",
        [("Anna Virtanen", "Siltamo"), ("Juha Mäkelä", "Rikosseuraamuslaitoksen arviointikeskus")],
        [(0, "09:00", "09:10", K.WELCOME, "Avaus", [0]),
         (0, "09:10", "09:50", K.TALK, "Riskien ja tarpeiden arviointi PRISM-mallissa", [1]),
         (0, "09:50", "10:20", K.DISCUSSION, "Kysymykset ja keskustelu", [0, 1]),
         (0, "10:20", "10:30", K.OTHER, "Yhteenveto ja palaute", [0])],
        ["PR2"], ["prison_probation", "researchers"], kind=EventKind.WEBINAR, platform="Teams",
        status_note="Siirretty myöhemmäksi puhujan esteen vuoksi; uusi päivä ilmoitetaan pian.",
    ),
]  # fmt: skip


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, Role]] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def _local(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes))


def _ensure_project(summary: DemoSummary) -> Project:
    project = db.session.scalar(select(Project).where(Project.slug == PROJECT.slug))
    if project is None:
        project = create_project(PROJECT)
        summary.count("projects")
    if project.current_privacy_notice is None:
        publish_privacy_notice(project, PRIVACY_NOTICE)
        summary.count("privacy notices")
    existing = {r.code for r in project.results}
    for result in RESULTS:
        if result.code not in existing:
            add_result(project, result)
            summary.count("results")
    return project


def _ensure_partners(project: Project, summary: DemoSummary) -> dict[str, Partner]:
    partners = {p.short_name: p for p in project.partners}
    for data in PARTNERS:
        if data.short_name not in partners:
            partners[data.short_name] = create_partner(project, data)
            summary.count("partners")
    return partners


def _create_event(spec: DemoEvent, partner: Partner, results: dict[str, ProjectResult]) -> Event:
    first_day = datetime.now(ZoneInfo(partner.timezone)).date() + timedelta(days=spec.days_ahead)
    last_item = max(spec.agenda, key=lambda item: (item[0], item[2]))
    online = spec.format.is_online
    event = create_event(
        partner,
        EventInput(
            title=spec.title,
            slug=spec.slug,
            kind=spec.kind,
            starts_local=_local(first_day, spec.agenda[0][1]),
            ends_local=_local(first_day + timedelta(days=last_item[0]), last_item[2]),
            timezone=partner.timezone,
            language=partner.default_language,
            format=spec.format,
            summary=spec.summary,
            description=f"{spec.summary}\n\n{', '.join(results[c].label for c in spec.results)}.",
            venue_name=spec.venue[0],
            address=spec.venue[1],
            city=partner.city if spec.format.has_venue else "",
            country=partner.country,
            online_platform=spec.platform if online else "",
            joining_url=_online(spec.slug) if online else "",
            capacity_onsite=60 if spec.format.has_venue else None,
            capacity_online=150 if online else None,
            target_audiences=spec.audiences,
            objective=f"Present {', '.join(spec.results)} to practitioners in {partner.city}.",
            outcome=spec.outcome,
            result_ids=[results[c].id for c in spec.results],
        ),
    )
    speakers = [add_speaker(event, SpeakerInput(name, affiliation)) for name, affiliation in spec.speakers]
    for day, start, end, kind, title, who in spec.agenda:
        on = first_day + timedelta(days=day)
        item = AgendaItemInput(
            title, _local(on, start), _local(on, end), kind, speaker_ids=[speakers[i].id for i in who]
        )
        add_agenda_item(event, item)
    if spec.status is not EventStatus.DRAFT:
        change_status(event, EventStatus.PUBLISHED)
    if spec.status in (EventStatus.DELIVERED, EventStatus.POSTPONED, EventStatus.CANCELLED):
        change_status(event, spec.status, note=spec.status_note)
    return event


DEMO_ATTENDEES = [
    ("Marta Ferreira", "Direção-Geral de Reinserção e Serviços Prisionais", "prison_probation"),
    ("Luca Bianchi", "Università di Bologna", "researchers"),
    ("Elena Popescu", "Asociația Pas cu Pas", "ngo_community"),
    ("Mehmet Yılmaz", "Ankara Emniyet Müdürlüğü", "law_enforcement"),
    ("Aino Virtanen", "Rikosseuraamuslaitos", "prison_probation"),
    ("Sofia Costa", "Universidade do Porto", "students"),
]


def _register_demo_attendees(event: Event) -> None:
    """A few registrations through the public rules, so lists, counts and mail have content."""
    modes = offered_modes(event)
    for n, (name, organisation, group) in enumerate(DEMO_ATTENDEES):
        email = name.lower().replace(" ", ".").encode("ascii", "ignore").decode() + f"@attendee{n}.example"
        data = RegistrationInput(
            name=name,
            email=email,
            organisation=organisation,
            organisation_country=event.country,
            stakeholder_group=group,
            mode=modes[n % len(modes)],
            privacy_acknowledged=True,
            consent_news=n % 2 == 0,
            language=event.language,
        )
        register(event, data)


def _ensure_events(project: Project, partners: dict[str, Partner], summary: DemoSummary) -> None:
    results = {r.code: r for r in project.results}
    existing = set(db.session.scalars(select(Event.slug).where(Event.slug.in_([e.slug for e in EVENTS]))))
    for spec in EVENTS:
        if spec.slug not in existing:
            event = _create_event(spec, partners[spec.partner], results)
            summary.count("events")
            if event.registration_open():
                _register_demo_attendees(event)
                summary.count("registrations", len(DEMO_ATTENDEES))


DEMO_CONTACTS = [
    ("Ana Ribeiro", "Direção-Geral de Reinserção", "prison_probation"),
    ("Bruno Lopes", "Polícia de Segurança Pública", "law_enforcement"),
    ("Carla Mendes", "Associação Nova Vida", "ngo_community"),
    ("Diogo Faria", "Universidade de Coimbra", "researchers"),
    ("Eva Santos", "Ministério da Justiça", "policy_makers"),
    ("Filipe Moura", "Estabelecimento Prisional de Lisboa", "prison_probation"),
    ("Gabriela Nunes", "Cáritas Diocesana", "ngo_community"),
    ("Hugo Teixeira", "Escola Superior de Educação", "students"),
]
CONTACT_LANGUAGES = {"PT": "pt", "IT": "it", "RO": "ro"}


def _ensure_contacts(partners: dict[str, Partner], summary: DemoSummary) -> None:
    """A list of national stakeholders per partner, for trying an invitation campaign."""
    for partner in partners.values():
        if db.session.scalar(select(ContactList.id).where(ContactList.partner_id == partner.id)) is not None:
            continue
        domain = f"{partner.short_name.lower()}-stakeholders.example"
        contacts = [
            Contact(
                partner=partner,
                email=name.lower().replace(" ", ".") + f"@{domain}",
                name=name,
                organisation=organisation,
                country=partner.country,
                stakeholder_group=group,
                language=CONTACT_LANGUAGES.get(partner.country, "en"),
                source="Demo data",
                legal_basis=LegalBasis.LEGITIMATE_INTEREST,
            )
            for name, organisation, group in DEMO_CONTACTS
        ]
        db.session.add(ContactList(partner=partner, name="National stakeholders", contacts=contacts))
        summary.count("contacts", len(contacts))
    db.session.commit()


def _ensure_user(summary: DemoSummary, email: str, name: str, role: Role, **links: list[int]) -> None:
    summary.logins.append((email, role))
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is None:
        create_user(UserInput(email=email, name=name, role=role, password=DEMO_PASSWORD, **links))
        summary.count("users")


def load_demo_data() -> DemoSummary:
    """Create whatever part of the demo consortium is missing; returns what was created
    and the demo log-ins (all with `DEMO_PASSWORD`)."""
    summary = DemoSummary()
    project = _ensure_project(summary)
    partners = _ensure_partners(project, summary)
    _ensure_events(project, partners, summary)
    _ensure_contacts(partners, summary)
    _ensure_user(summary, "admin@demo.example", "Demo Administrator", Role.ADMIN)
    _ensure_user(summary, "manager@demo.example", "Demo Project Manager", Role.MANAGER, project_ids=[project.id])
    for short_name, email in ORGANISER_EMAILS.items():
        partner = partners[short_name]
        _ensure_user(summary, email, f"Demo organiser {partner.short_name}", Role.ORGANISER, partner_ids=[partner.id])
    return summary
