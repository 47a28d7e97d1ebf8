import re

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.agenda.models import AgendaItem, Speaker
from seminar_app.contacts.models import ContactList
from seminar_app.demo import DEMO_PASSWORD
from seminar_app.enums import EventFormat, EventStatus, Role
from seminar_app.events.models import Event, EventTranslation
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, PrivacyNotice, Project, ProjectResult

COUNTED = (Project, Partner, ProjectResult, PrivacyNotice, Event, AgendaItem, Speaker, User)


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    return result


def counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def events():
    return list(db.session.scalars(select(Event).order_by(Event.starts_at)))


def test_one_project_with_funding_texts_privacy_notice_and_five_results(demo):
    project = db.session.scalar(select(Project))
    assert counts()["Project"] == 1
    # No own wording: every reader gets the Commission's official wording in their language.
    assert (project.funding_statement, project.disclaimer) == ("", "")
    assert project.funding_kind == "co_funded" and project.grant_number
    assert project.granting_authority == "Agência Nacional Erasmus+ Educação e Formação"
    assert [n.version for n in project.privacy_notices] == [1]
    assert [(r.code, r.title) for r in project.results] == [
        ("PR1", "State of the Art report"),
        ("PR2", "Risk and Needs Assessment"),
        ("PR3", "Mentoring Model and Programme"),
        ("PR4", "Training programme"),
        ("PR5", "Multi-agency cooperation guide"),
    ]


def test_five_partners_in_five_countries_and_five_time_zones_including_lisbon(demo):
    partners = list(db.session.scalars(select(Partner)))
    assert len(partners) == 5
    assert len({p.country for p in partners}) == 5
    zones = {p.timezone for p in partners}
    assert len(zones) == 5 and "Europe/Lisbon" in zones


def test_every_partner_holds_a_seminar_in_its_own_language(demo):
    for partner in db.session.scalars(select(Partner)):
        assert any(e.language == partner.default_language and e.timezone == partner.timezone for e in partner.events)


def test_events_mix_past_and_upcoming_formats_statuses_and_lengths(demo):
    all_events = events()
    past = [e for e in all_events if e.is_past]
    upcoming = [e for e in all_events if not e.is_past]
    assert past and all(e.status is EventStatus.DELIVERED for e in past)
    assert any(e.status is EventStatus.PUBLISHED for e in upcoming)
    assert {e.format for e in all_events} == set(EventFormat)
    assert any(e.is_multi_day for e in all_events)
    statuses = {e.status for e in all_events}
    assert EventStatus.DRAFT in statuses
    assert statuses & {EventStatus.POSTPONED, EventStatus.CANCELLED}


def test_every_event_has_an_agenda_with_speakers_audiences_and_results(demo):
    for event in events():
        assert 4 <= len(event.agenda_items) <= 7, event.slug
        assert event.speakers, event.slug
        assert any(item.speakers for item in event.agenda_items), event.slug
        assert all(event.starts_at <= i.starts_at and i.ends_at <= event.ends_at for i in event.agenda_items)
        assert event.target_audiences and event.results, event.slug


def test_running_twice_changes_nothing(runner, demo):
    before = counts()
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 0, again.output
    assert "nothing was changed" in again.output
    assert counts() == before


def test_output_lists_the_demo_log_ins(demo):
    assert DEMO_PASSWORD in demo.output
    for email in ("admin@demo.example", "manager@demo.example", "organiser.pt@demo.example"):
        assert email in demo.output


def test_demo_users_have_the_right_roles_and_can_log_in(client, demo):
    users = {u.email: u for u in db.session.scalars(select(User))}
    assert users["admin@demo.example"].role is Role.ADMIN
    assert [p.slug for p in users["manager@demo.example"].projects] == ["prism"]
    organisers = [u for u in users.values() if u.role is Role.ORGANISER]
    assert len(organisers) == 5 and all(len(u.partners) == 1 for u in organisers)
    for email in ("admin@demo.example", "manager@demo.example", "organiser.pt@demo.example"):
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/logout")


def test_portuguese_organiser_sees_only_their_partners_events(client, demo):
    client.post("/login", data={"email": "organiser.pt@demo.example", "password": DEMO_PASSWORD})
    page = client.get("/manage/events").get_data(as_text=True)
    assert "Seminário nacional PRISM" in page
    assert "Seminario nazionale PRISM" not in page


def test_upcoming_events_stay_upcoming(demo):
    published = [e for e in events() if e.status is EventStatus.PUBLISHED]
    assert published and not any(e.is_past for e in published)


# --- each partner's language -------------------------------------------------------------

COUNTRY_LANGUAGE = {"PT": "pt", "IT": "it", "RO": "ro", "TR": "tr", "FI": "fi"}
ENGLISH_WORDS = re.compile(r"\b(the|and|of|for|with|to|by|are|will|present|practitioners)\b", re.I)
# Letters or words that only the partner's language has among the five, so that a seminar in
# the wrong language (or in English) is noticed.
MARKERS = {
    "pt": re.compile(r"[ãõç]|\b(d[oa]s?|para|com)\b", re.I),
    "it": re.compile(r"\b(dell[aoe']|degli|della|gli|per|nell[ao'])\b|à", re.I),
    "ro": re.compile(r"[ăâîșț]"),
    "tr": re.compile(r"[ğışİ]|\b(ve|için)\b"),
    "fi": re.compile(r"\b(ja|on)\b|[äö]"),
}


def content_texts(event):  # type: ignore[no-untyped-def]
    texts = [event.title, event.summary, event.description, event.objective]
    for item in event.agenda_items:
        texts += [item.title, item.description]
    return [t for t in texts if t]


def test_every_demo_partners_seminar_is_in_its_countrys_language(demo):
    for event in events():
        assert event.language == COUNTRY_LANGUAGE[event.partner.country], event.slug
        assert event.language == event.partner.default_language
        assert event.description and event.objective, event.slug
        assert all(item.description or item.kind.value == "break" for item in event.agenda_items), event.slug
        texts = content_texts(event)
        english = [t for t in texts if ENGLISH_WORDS.search(t.replace("Erasmus+", ""))]
        assert english == [], f"{event.slug} has English text"
        assert MARKERS[event.language].search(" ".join(texts)), event.slug
    assert {e.partner.country for e in events()} == set(COUNTRY_LANGUAGE)


def test_two_seminars_have_a_complete_english_translation(demo):
    translations = list(db.session.scalars(select(EventTranslation).where(EventTranslation.language == "en")))
    assert len(translations) >= 2
    for translation in translations:
        event = translation.event
        assert event.language != "en"
        assert translation.title and translation.summary and translation.description and translation.objective
        assert MARKERS[event.language].search(translation.title) is None or event.language == "fi"
        for item in event.agenda_items:
            english = [t for t in item.translations if t.language == "en"]
            assert len(english) == 1 and english[0].title != item.title, item.title


def test_the_english_translation_is_offered_on_the_portuguese_seminar(client, demo):
    page = client.get("/events/prism-seminario-nacional-lisboa", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert "PRISM national seminar: mentoring and reintegration" in text
    assert "The PRISM Mentoring Model" in text


def test_demo_people_and_lists_are_named_in_the_partners_language(demo):
    organisers = {u.email: u.name for u in db.session.scalars(select(User).where(User.role == Role.ORGANISER))}
    assert not any("Demo" in name for name in organisers.values())
    assert organisers["organiser.tr@demo.example"] == "Elif Yıldırım"
    lists = {cl.partner.country: cl for cl in db.session.scalars(select(ContactList))}
    assert lists["PT"].name == "Partes interessadas nacionais"
    assert lists["FI"].name == "Kansalliset sidosryhmät"
    assert {c.language for c in lists["TR"].contacts} == {"tr"}
    assert all(c.email.isascii() for cl in lists.values() for c in cl.contacts)
    assert "Ayşe Demir" in {c.name for c in lists["TR"].contacts}


def test_the_portuguese_organiser_sees_the_standard_stakeholder_groups_in_portuguese(client, demo):
    """The groups are project data in English, shared by all partners; a standard group left
    with its English label is shown through the catalogue in the reader's language."""
    client.post("/login", data={"email": "organiser.pt@demo.example", "password": DEMO_PASSWORD})
    with client.session_transaction() as session:
        session["lang"] = "pt"
    refresh()  # the demo loaded in this test's app context left its locale cached there
    partner = db.session.scalar(select(Partner).where(Partner.short_name == "AURORA"))
    page = client.get(f"/partners/{partner.id}/contacts").get_data(as_text=True)
    assert "Profissionais prisionais e de reinserção" in page
    assert "Prison and probation staff" not in page
    assert "Partes interessadas nacionais" in page


def test_a_renamed_stakeholder_group_is_shown_as_the_project_wrote_it(app, demo):
    from seminar_app import i18n

    project = db.session.scalar(select(Project))
    group = next(g for g in project.stakeholder_groups if g.code == "students")
    group.label = "Estudantes de Criminologia"
    db.session.commit()
    with i18n.force_language("pt"):
        labels = {g.code: g.display_label for g in project.stakeholder_groups}
    assert labels["students"] == "Estudantes de Criminologia"
    assert labels["researchers"] == "Investigadores"


# --- the funder's ledger ------------------------------------------------------------------


def test_the_plan_has_five_multiplier_events_one_per_country_and_one_still_lacks_its_sheet(demo):
    from seminar_app.funding.evidence_status import evidence_for_events
    from seminar_app.funding.models import EvidenceFile, PlannedEvent
    from seminar_app.funding.rules import rules_for

    project = db.session.scalar(select(Project))
    rules = rules_for(project)
    assert rules.id is not None and rules.min_online_minutes == 30 and rules.cap == 30000
    plan = list(db.session.scalars(select(PlannedEvent).order_by(PlannedEvent.code)))
    assert [p.code for p in plan] == ["E1", "E2", "E3", "E4", "E5"]
    assert len({p.country for p in plan}) == 5 and all(p.budget and p.planned_local for p in plan)
    delivered_by = {p.code: [e for e in events() if e.planned_event_id == p.id] for p in plan}
    assert all(delivered_by.values()), "every planned event has a seminar"
    assert len(delivered_by["E2"]) == 2, "the Bologna seminar and its repeat in Ferrara"
    lacking = {}
    for code, delivered in delivered_by.items():
        status = evidence_for_events(delivered, rules)
        lacking[code] = [item for s in status.values() for item in s.missing]
    assert [code for code, items in lacking.items() if items] == ["E2"]
    assert [item.kind.value for item in lacking["E2"]] == ["signed_sheet"]
    sheets = db.session.scalars(select(EvidenceFile).where(EvidenceFile.kind == "signed_sheet")).all()
    assert sheets and all(f.content_type == "application/pdf" and f.content.startswith(b"%PDF") for f in sheets)


def test_the_demo_ledger_agrees_with_a_count_made_from_the_raw_rows(demo, runner, tmp_path):
    """The demo's eligible participants and grant, counted here with plain SQL and the
    Erasmus+ 2014-2020 rules written out again (attended on site or online from 30 minutes,
    partner staff out, local by the organisation's country against the event's, each person
    once per event, cancelled events delivering nothing), equal the ledger's CSV from the CLI."""
    import csv
    import io
    from collections import defaultdict
    from decimal import Decimal

    from sqlalchemy import text

    rows = db.session.execute(
        text(
            "SELECT p.code, e.id, e.country, r.id, r.organisation_country, r.is_partner_staff,"
            " a.mode, a.minutes, r.erased_at IS NOT NULL"
            " FROM planned_event p JOIN event e ON e.planned_event_id = p.id"
            " JOIN attendance a ON a.event_id = e.id JOIN registration r ON r.id = a.registration_id"
            " WHERE e.status <> 'cancelled'"
        )
    ).all()
    present: dict[tuple[int, int], tuple[str, str, str, bool]] = {}
    for code, event_id, event_country, reg_id, country, staff, mode, minutes, _erased in rows:
        if mode == "onsite" or minutes is None or minutes >= 30:
            present[(event_id, reg_id)] = (code, event_country, country, staff)
    local: dict[str, int] = defaultdict(int)
    international: dict[str, int] = defaultdict(int)
    for code, event_country, country, staff in present.values():
        if staff or not country:
            continue
        if country == event_country:
            local[code] += 1
        else:
            international[code] += 1
    assert sum(local.values()) + sum(international.values()) > 0, "the demo has eligible participants"

    out = tmp_path / "ledger.csv"
    project = db.session.scalar(select(Project))
    result = runner.invoke(
        args=["report", "export", "--project", project.slug, "--table", "ledger", "--format", "csv", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    header, lines = table[0], [row for row in table[1:] if re.fullmatch(r"E\d+", row[0])]
    at = {name: header.index(name) for name in ("Local participants", "International participants", "Grant (EUR)")}
    shown = {row[0]: (int(row[at["Local participants"]]), int(row[at["International participants"]])) for row in lines}
    assert shown == {code: (local[code], international[code]) for code in ("E1", "E2", "E3", "E4", "E5")}
    for row in lines:
        expected = Decimal(100 * local[row[0]] + 200 * international[row[0]])
        assert Decimal(row[at["Grant (EUR)"]] or "0") == expected, row[0]
