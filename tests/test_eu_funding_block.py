"""The EU funding block speaks the reader's language: pages, mails and PDFs show the
Commission's official statement and disclaimer in that language, with the emblem beside the
statement; a project's own wording is shown only in the project's default language."""

from __future__ import annotations

import io

import pytest
from flask_babel import refresh
from pypdf import PdfReader
from sqlalchemy import select

from seminar_app.attendance import evidence
from seminar_app.enums import AttendanceMode, Role
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.sender import build_message
from seminar_app.projects.models import Project
from seminar_app.registration.services import RegistrationInput, register
from tests.mail_rows import write_pending_mail

OWN_STATEMENT = "With the support of the Erasmus+ programme"
OWN_DISCLAIMER = "This page reflects the views of its authors only."
PT_STATEMENT = "Cofinanciado pela União Europeia"
PT_DISCLAIMER_START = "Cofinanciado pela União Europeia. Os pontos de vista e as opiniões expressas"
PT_NAMED = "ou da Agência de Execução Europeia da Educação e da Cultura (EACEA)"


@pytest.fixture
def project(make_project):  # type: ignore[no-untyped-def]
    return make_project(funding_statement=OWN_STATEMENT, disclaimer=OWN_DISCLAIMER, granting_authority="EACEA")


@pytest.fixture
def event(make_event, make_partner, project):  # type: ignore[no-untyped-def]
    return make_event(make_partner(project, default_language="pt"), title="Seminário nacional")


def page_in(client, event, language: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/events/{event.slug}", headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def funding_section(page: str) -> str:
    start = page.index('<section class="funding-block')
    return page[start : page.index("</section>", start)]


def test_the_portuguese_page_shows_the_official_portuguese_wording_not_the_projects_english(client, event):
    block = funding_section(page_in(client, event, "pt-PT"))

    assert f'<p class="mb-0 fw-semibold" lang="pt-PT">{PT_STATEMENT}</p>' in block
    assert PT_DISCLAIMER_START in block and PT_NAMED in block
    assert 'lang="pt-PT"' in block and 'lang="en-GB"' not in block
    assert OWN_STATEMENT not in block and OWN_DISCLAIMER not in block
    assert "Co-funded by the European Union" not in block and "Views and opinions" not in block


def test_the_english_page_shows_the_projects_own_english_wording(client, event):
    block = funding_section(page_in(client, event, "en"))

    assert OWN_STATEMENT in block and OWN_DISCLAIMER in block
    assert PT_STATEMENT not in block


def test_without_own_wording_the_english_page_shows_the_official_english(client, event):
    project = event.project
    project.funding_statement = project.disclaimer = ""
    project.funding_kind = "funded"
    db.session.commit()

    block = funding_section(page_in(client, event, "en"))

    assert ">Funded by the European Union</p>" in block
    assert (
        "Funded by the European Union. Views and opinions expressed are however those of the author(s) only and do "
        "not necessarily reflect those of the European Union or the European Education and Culture Executive Agency "
        "(EACEA). Neither the European Union nor EACEA can be held responsible for them."
    ) in block


def test_the_emblem_stands_beside_the_statement_with_a_translated_alt_text(client, event):
    block = funding_section(page_in(client, event, "pt-PT"))
    row = block[block.index('<div class="funding-emblem') :]
    row = row[: row.index("</div>")]

    assert "/static/img/eu-emblem.svg" in row and PT_STATEMENT in row, "emblem and statement in one row"
    assert 'alt="Emblema da União Europeia"' in row, "the alt text is translated"


def pt_registration(event):  # type: ignore[no-untyped-def]
    data = RegistrationInput(
        name="Ana Ribeiro",
        email="ana.ribeiro@example.pt",
        organisation="Direção-Geral de Reinserção",
        organisation_country="PT",
        stakeholder_group="prison_probation",
        mode=AttendanceMode.ONSITE,
        privacy_acknowledged=True,
        language="pt",
    )
    return register(event, data).registration


def test_a_portuguese_confirmation_mail_has_the_portuguese_statement_and_disclaimer(event):
    pt_registration(event)
    write_pending_mail()
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()

    for body in (mail.body_text, mail.body_html):
        assert PT_STATEMENT in body and PT_DISCLAIMER_START in body
        assert OWN_STATEMENT not in body and OWN_DISCLAIMER not in body
    assert '<img src="cid:eu-emblem"' in mail.body_html, "the emblem travels with the mail"
    sent = build_message(mail)
    [emblem] = [part for part in sent.walk() if part.get_content_type() == "image/png"]
    assert emblem["Content-ID"] == "<eu-emblem>" and emblem.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "eu-emblem.png" not in sent.get_body(preferencelist=("html",)).get_content(), "nothing fetched on opening"
    assert f'lang="pt-PT">{PT_STATEMENT}</td>' in mail.body_html
    assert "&#39;" not in mail.body_text and "&amp;" not in mail.body_text, "plain text is not HTML-escaped"


def test_an_english_mail_of_a_project_in_english_has_its_own_wording(event):
    data = RegistrationInput(
        name="John Smith",
        email="john@example.org",
        organisation="Probation Service",
        organisation_country="IE",
        stakeholder_group="prison_probation",
        mode=AttendanceMode.ONSITE,
        privacy_acknowledged=True,
        language="en",
    )
    register(event, data)
    write_pending_mail()
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()

    assert OWN_STATEMENT in mail.body_text and OWN_DISCLAIMER in mail.body_html
    assert PT_STATEMENT not in mail.body_text


def test_a_portuguese_attendance_sheet_has_the_portuguese_statement_and_disclaimer(event):
    pt_registration(event)
    pdf = evidence.attendance_sheet_pdf(event, event.local_days[0])
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())

    assert PT_STATEMENT in text
    assert "Os pontos de vista e as opiniões expressas são as do(s) autor(es)" in text
    assert OWN_STATEMENT not in text and OWN_DISCLAIMER not in text
    assert "Co-funded by the European Union" not in text


# --- the project form ------------------------------------------------------------------


@pytest.fixture
def admin(client, login, make_user):  # type: ignore[no-untyped-def]
    return login(make_user(Role.ADMIN))


def form_of(project: Project, **overrides: str) -> dict[str, str]:
    data = {
        "name": project.name,
        "acronym": project.acronym,
        "slug": project.slug,
        "funding_programme": project.funding_programme,
        "grant_number": project.grant_number,
        "funding_kind": project.funding_kind,
        "granting_authority": project.granting_authority,
        "funding_statement": project.funding_statement,
        "disclaimer": project.disclaimer,
        "default_language": project.default_language,
        "feedback_min_answers": str(project.feedback_min_answers),
    }
    data.update(overrides)
    return data


def test_the_form_offers_both_statements_and_explains_the_own_wording(admin, project):
    page = admin.get(f"/admin/projects/{project.id}/edit").get_data(as_text=True)

    assert 'type="radio"' in page and 'value="funded"' in page and 'value="co_funded"' in page
    assert "only to readers in the project" in page
    assert "the granting authority" in page


def test_an_admin_sets_the_statement_and_the_granting_authority(admin, project):
    response = admin.post(
        f"/admin/projects/{project.id}/edit",
        data=form_of(project, funding_kind="funded", granting_authority="  Agência Nacional Erasmus+  "),
    )

    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Project, project.id)
    assert (stored.funding_kind, stored.granting_authority) == ("funded", "Agência Nacional Erasmus+")


def test_an_unknown_statement_is_refused_and_nothing_changes(admin, project):
    response = admin.post(f"/admin/projects/{project.id}/edit", data=form_of(project, funding_kind="sponsored"))

    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Project, project.id).funding_kind == "co_funded"


def test_a_too_long_granting_authority_is_refused_with_a_message(admin, project):
    response = admin.post(f"/admin/projects/{project.id}/edit", data=form_of(project, granting_authority="A" * 201))

    assert response.status_code == 422
    assert "200 characters" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Project, project.id).granting_authority == "EACEA"


def test_in_portuguese_the_form_offers_the_official_portuguese_statements(admin, project):
    refresh()  # the fixtures ran in this test's app context, which keeps the locale they used
    page = admin.get(f"/admin/projects/{project.id}/edit", headers={"Accept-Language": "pt-PT"}).get_data(as_text=True)

    assert "Cofinanciado pela União Europeia</label>" in page and "Financiado pela União Europeia</label>" in page


def test_the_project_page_says_which_statement_applies_and_who_grants(admin, project):
    page = admin.get(f"/admin/projects/{project.id}").get_data(as_text=True)

    assert 'lang="en-GB">With the support of the Erasmus+ programme</dd>' in page
    assert '<dd class="col-sm-9">EACEA</dd>' in page
