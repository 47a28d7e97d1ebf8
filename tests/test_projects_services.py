import pytest
from sqlalchemy import func, select

from seminar_app.errors import DomainError, ValidationFailed
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, PrivacyNotice, Project, ProjectResult
from seminar_app.projects.services import (
    PartnerInput,
    ProjectInput,
    ResultInput,
    add_result,
    create_partner,
    create_project,
    publish_privacy_notice,
    remove_result,
    update_partner,
    update_project,
    update_result,
)


def project_input(**overrides):
    values = {
        "name": "Bridges out of radicalisation",
        "acronym": "BRIDGE",
        "slug": "bridge",
        "funding_programme": "Erasmus+ KA220-ADU",
        "grant_number": "2024-1-IT01-KA220-ADU-000000001",
        "funding_statement": "Co-funded by the European Union",
        "disclaimer": "Views and opinions expressed are those of the author(s) only.",
        "default_language": "it",
    }
    values.update(overrides)
    return ProjectInput(**values)


def partner_input(**overrides):
    values = {
        "name": "Fondazione Esempio",
        "short_name": "FE",
        "country": "it",
        "timezone": "Europe/Rome",
        "contact_email": "info@fondazione.example",
        "city": "Bologna",
        "default_language": "it",
    }
    values.update(overrides)
    return PartnerInput(**values)


def errors_of(excinfo):
    return excinfo.value.errors


# --- projects --------------------------------------------------------------------------


def test_create_project_stores_every_field(app):
    project = create_project(project_input())
    stored = db.session.get(Project, project.id)
    assert (stored.slug, stored.acronym, stored.default_language) == ("bridge", "BRIDGE", "it")
    assert stored.grant_number == "2024-1-IT01-KA220-ADU-000000001"
    assert stored.funding_statement == "Co-funded by the European Union"


def test_empty_slug_is_made_from_the_acronym(app):
    assert create_project(project_input(slug="", acronym="Re-Entry EU")).slug == "re-entry-eu"


def test_taken_slug_is_refused_with_a_message_on_the_slug(app, make_project):
    make_project(slug="bridge")
    with pytest.raises(ValidationFailed) as excinfo:
        create_project(project_input(slug="bridge"))
    assert "already used" in errors_of(excinfo)["slug"][0]
    assert db.session.scalar(select(func.count(Project.id))) == 1


@pytest.mark.parametrize("slug", ["Has Spaces", "two--hyphens", "trailing-", "ünïcode"])
def test_malformed_slug_is_refused(app, slug):
    with pytest.raises(ValidationFailed) as excinfo:
        create_project(project_input(slug=slug))
    assert "slug" in errors_of(excinfo)


def test_missing_name_acronym_and_unknown_language_are_all_reported(app):
    with pytest.raises(ValidationFailed) as excinfo:
        create_project(project_input(name=" ", acronym="", slug="x", default_language="xx"))
    assert set(errors_of(excinfo)) == {"name", "acronym", "default_language"}


def test_update_project_may_keep_its_own_slug_but_not_take_another(app, make_project):
    other = make_project(slug="other")
    project = create_project(project_input())
    update_project(project, project_input(name="Renamed"))
    assert db.session.get(Project, project.id).name == "Renamed"
    with pytest.raises(ValidationFailed):
        update_project(project, project_input(slug=other.slug))
    db.session.expire_all()
    assert db.session.get(Project, project.id).slug == "bridge"


# --- privacy notices ------------------------------------------------------------------


def test_privacy_notice_versions_are_added_never_edited(app):
    project = create_project(project_input())
    first = publish_privacy_notice(project, "Version one text.")
    second = publish_privacy_notice(project, "Version two text.")
    assert (first.version, second.version) == (1, 2)
    assert project.current_privacy_notice.text == "Version two text."
    assert db.session.get(PrivacyNotice, first.id).text == "Version one text."


def test_privacy_notice_continues_numbering_of_existing_versions(app, make_project):
    project = make_project()  # comes with version 1
    assert publish_privacy_notice(project, "A better notice.").version == 2


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_privacy_notice_is_refused(app, make_project, text):
    project = make_project()
    with pytest.raises(ValidationFailed) as excinfo:
        publish_privacy_notice(project, text)
    assert "text" in errors_of(excinfo)
    assert len(project.privacy_notices) == 1


def test_identical_privacy_notice_is_refused(app, make_project):
    project = make_project()
    with pytest.raises(ValidationFailed) as excinfo:
        publish_privacy_notice(project, project.current_privacy_notice.text + "  ")
    assert "same as the current version" in errors_of(excinfo)["text"][0]


# --- results ---------------------------------------------------------------------------


def test_add_result_and_refuse_a_duplicate_code_in_any_case(app, make_project):
    project = make_project()  # has PR1 and PR2
    result = add_result(project, ResultInput("PR3", "Training programme", "WP4"))
    assert (result.code, result.work_package) == ("PR3", "WP4")
    with pytest.raises(ValidationFailed) as excinfo:
        add_result(project, ResultInput("pr1", "Another"))
    assert "already a result" in errors_of(excinfo)["code"][0]


def test_same_code_is_allowed_in_another_project(app, make_project):
    make_project()
    other = make_project()
    assert add_result(other, ResultInput("PR3", "Guide")).project_id == other.id


def test_update_result_keeps_its_code_unique(app, make_project):
    project = make_project()
    pr1, pr2 = project.results
    update_result(pr1, ResultInput("PR1", "State of the Art report, 2nd edition", "WP2"))
    assert db.session.get(ProjectResult, pr1.id).title.endswith("2nd edition")
    with pytest.raises(ValidationFailed):
        update_result(pr1, ResultInput(pr2.code, "x"))


def test_missing_code_and_title_are_reported(app, make_project):
    with pytest.raises(ValidationFailed) as excinfo:
        add_result(make_project(), ResultInput("", " "))
    assert set(errors_of(excinfo)) == {"code", "title"}


def test_result_nobody_presents_can_be_removed(app, make_project):
    project = make_project()
    result_id = project.results[0].id
    remove_result(project.results[0])
    assert db.session.get(ProjectResult, result_id) is None


def test_result_presented_by_an_event_is_not_removed(app, make_project, make_partner, make_event):
    project = make_project()
    pr2 = project.results[1]
    make_event(make_partner(project), title="Mentoring day", result_ids=[pr2.id])
    with pytest.raises(DomainError) as excinfo:
        remove_result(pr2)
    assert excinfo.value.code == "result_in_use"
    assert "Mentoring day" in excinfo.value.message
    assert db.session.get(ProjectResult, pr2.id) is not None


# --- partners --------------------------------------------------------------------------


def test_create_partner_normalises_country_and_keeps_the_zone(app, make_project):
    project = make_project()
    partner = create_partner(project, partner_input())
    stored = db.session.get(Partner, partner.id)
    assert (stored.country, stored.timezone, stored.project_id) == ("IT", "Europe/Rome", project.id)


def test_partner_short_name_is_unique_per_project_only(app, make_project):
    project, other = make_project(), make_project()
    create_partner(project, partner_input())
    with pytest.raises(ValidationFailed) as excinfo:
        create_partner(project, partner_input(short_name="fe", name="Someone else"))
    assert "already a partner" in errors_of(excinfo)["short_name"][0]
    assert create_partner(other, partner_input()).project_id == other.id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "XX"),
        ("country", "ITA"),
        ("country", ""),
        ("timezone", "Europe/Atlantis"),
        ("timezone", "CET+1"),
        ("contact_email", "not-an-email"),
        ("default_language", "klingon"),
        ("name", ""),
        ("short_name", ""),
    ],
)
def test_invalid_partner_fields_are_refused(app, make_project, field, value):
    project = make_project()
    with pytest.raises(ValidationFailed) as excinfo:
        create_partner(project, partner_input(**{field: value}))
    assert field in errors_of(excinfo)
    assert project.partners == []


def test_update_partner_changes_zone_and_may_keep_its_short_name(app, make_partner):
    partner = make_partner(short_name="AUR")
    update_partner(
        partner, partner_input(short_name="AUR", country="RO", timezone="Europe/Bucharest", default_language="ro")
    )
    db.session.expire_all()
    stored = db.session.get(Partner, partner.id)
    assert (stored.short_name, stored.country, stored.timezone) == ("AUR", "RO", "Europe/Bucharest")


def test_update_partner_cannot_take_another_partners_short_name(app, make_project, make_partner):
    project = make_project()
    make_partner(project, short_name="TAKEN")
    partner = make_partner(project, short_name="MINE")
    with pytest.raises(ValidationFailed):
        update_partner(partner, partner_input(short_name="taken"))
    db.session.expire_all()
    assert db.session.get(Partner, partner.id).short_name == "MINE"
