import pytest
from sqlalchemy import select

from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, Project, ProjectResult

ADMIN_GET_URLS = [
    "/admin/",
    "/admin/projects/new",
    "/admin/projects/{project}",
    "/admin/projects/{project}/edit",
    "/admin/projects/{project}/privacy",
    "/admin/projects/{project}/results",
    "/admin/projects/{project}/results/{result}/edit",
    "/admin/projects/{project}/partners/new",
    "/admin/partners/{partner}/edit",
]
ADMIN_POST_URLS = [
    "/admin/projects/new",
    "/admin/projects/{project}/edit",
    "/admin/projects/{project}/privacy",
    "/admin/projects/{project}/results",
    "/admin/projects/{project}/results/{result}/edit",
    "/admin/projects/{project}/results/{result}/delete",
    "/admin/projects/{project}/partners/new",
    "/admin/partners/{partner}/edit",
]
UNKNOWN_ID_URLS = [
    "/admin/projects/9999",
    "/admin/projects/9999/edit",
    "/admin/projects/9999/privacy",
    "/admin/projects/9999/results",
    "/admin/projects/{project}/results/9999/edit",
    "/admin/projects/9999/partners/new",
    "/admin/partners/9999/edit",
]


@pytest.fixture
def world(make_partner):
    partner = make_partner(short_name="AUR")
    return {"project": partner.project_id, "partner": partner.id, "result": partner.project.results[0].id}


@pytest.fixture
def admin(make_user, login):
    user = make_user(Role.ADMIN)
    login(user)
    return user


def partner_form(**overrides):
    data = {
        "name": "Asociația Exemplu",
        "short_name": "EX",
        "country": "RO",
        "city": "Cluj-Napoca",
        "timezone": "Europe/Bucharest",
        "default_language": "ro",
        "contact_email": "contact@exemplu.example",
    }
    data.update(overrides)
    return data


def project_form(**overrides):
    data = {
        "name": "Bridges out of radicalisation",
        "acronym": "BRIDGE",
        "slug": "bridge",
        "funding_programme": "Erasmus+ KA220-ADU",
        "grant_number": "2024-1-IT01-KA220-ADU-000000001",
        "funding_statement": "Co-funded by the European Union",
        "disclaimer": "Views are the authors' only.",
        "default_language": "it",
        "feedback_min_answers": "5",
    }
    data.update(overrides)
    return data


# --- permissions -----------------------------------------------------------------------


@pytest.mark.parametrize("url", ADMIN_GET_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, world, url):
    response = client.get(url.format(**world))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.MANAGER])
@pytest.mark.parametrize("url", ADMIN_GET_URLS)
def test_organisers_and_managers_are_forbidden_to_view(client, world, make_user, login, role, url):
    partner = db.session.get(Partner, world["partner"])
    login(make_user(role, partners=[partner], projects=[partner.project]))
    assert client.get(url.format(**world)).status_code == 403


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.MANAGER])
@pytest.mark.parametrize("url", ADMIN_POST_URLS)
def test_organisers_and_managers_are_forbidden_to_change(client, world, make_user, login, role, url):
    partner = db.session.get(Partner, world["partner"])
    login(make_user(role, partners=[partner], projects=[partner.project]))
    assert client.post(url.format(**world), data=project_form()).status_code == 403
    assert db.session.scalar(select(Project).where(Project.slug == "bridge")) is None
    assert db.session.get(ProjectResult, world["result"]) is not None


@pytest.mark.parametrize("url", ADMIN_GET_URLS)
def test_admins_see_every_admin_page(client, world, admin, url):
    response = client.get(url.format(**world))
    assert response.status_code == 200
    assert "<form" in response.get_data(as_text=True) or "/admin/" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", UNKNOWN_ID_URLS)
def test_unknown_ids_give_404(client, world, admin, url):
    assert client.get(url.format(**world)).status_code == 404


def test_result_of_another_project_gives_404(client, world, admin, make_project):
    other = make_project()
    url = f"/admin/projects/{other.id}/results/{world['result']}/edit"
    assert client.get(url).status_code == 404
    assert client.post(f"/admin/projects/{other.id}/results/{world['result']}/delete").status_code == 404
    assert db.session.get(ProjectResult, world["result"]) is not None


# --- projects --------------------------------------------------------------------------


def test_admin_index_lists_projects_with_counts(client, admin, make_project, make_partner, make_event):
    project = make_project(acronym="PRISM", name="Preventing radicalisation")
    partner = make_partner(project)
    make_partner(project)
    make_event(partner)
    page = client.get("/admin/").get_data(as_text=True)
    assert "PRISM" in page and "Preventing radicalisation" in page
    row = page[page.index("PRISM") :]
    assert '<td class="text-end">2</td>' in row and '<td class="text-end">1</td>' in row
    assert "/admin/users" in page


def test_create_project_then_land_on_its_page(client, admin):
    response = client.post("/admin/projects/new", data=project_form())
    project = db.session.scalar(select(Project).where(Project.slug == "bridge"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/projects/{project.id}"
    assert project.grant_number == "2024-1-IT01-KA220-ADU-000000001"
    assert "BRIDGE created" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_taken_slug_is_shown_next_to_the_field_with_the_input_kept(client, admin, make_project):
    make_project(slug="bridge")
    response = client.post("/admin/projects/new", data=project_form(name="My new project"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already used by another project" in page
    assert 'id="slug-error"' in page
    assert 'value="My new project"' in page


def test_missing_acronym_is_refused_by_the_form(client, admin):
    response = client.post("/admin/projects/new", data=project_form(acronym=""))
    assert response.status_code == 422
    assert 'id="acronym-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Project.id)) is None


def test_edit_project(client, admin, make_project):
    project = make_project()
    assert f'value="{project.name}"' in client.get(f"/admin/projects/{project.id}/edit").get_data(as_text=True)
    response = client.post(f"/admin/projects/{project.id}/edit", data=project_form(slug=project.slug))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, project.id).name == "Bridges out of radicalisation"


def test_feedback_threshold_is_edited_and_bad_values_are_refused(client, admin, make_project):
    project = make_project()
    assert 'name="feedback_min_answers" type="number" value="5"' in client.get(
        f"/admin/projects/{project.id}/edit"
    ).get_data(as_text=True)
    for bad in ("0", "", "-3"):
        response = client.post(
            f"/admin/projects/{project.id}/edit", data=project_form(slug=project.slug, feedback_min_answers=bad)
        )
        assert response.status_code == 422
        assert 'id="feedback_min_answers-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Project, project.id).feedback_min_answers == 5
    client.post(f"/admin/projects/{project.id}/edit", data=project_form(slug=project.slug, feedback_min_answers="3"))
    db.session.expire_all()
    assert db.session.get(Project, project.id).feedback_min_answers == 3


# --- privacy notice --------------------------------------------------------------------


def test_saving_the_privacy_notice_adds_a_version_and_keeps_the_old_one(client, admin, make_project):
    project = make_project()
    old_text = project.current_privacy_notice.text
    response = client.post(f"/admin/projects/{project.id}/privacy", data={"text": "We now keep lists for 5 years."})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Current version: 2" in page
    assert "We now keep lists for 5 years." in page
    assert "Earlier versions" in page and old_text in page
    db.session.expire_all()
    assert [n.version for n in db.session.get(Project, project.id).privacy_notices] == [1, 2]


def test_unchanged_privacy_notice_is_refused(client, admin, make_project):
    project = make_project()
    response = client.post(f"/admin/projects/{project.id}/privacy", data={"text": project.current_privacy_notice.text})
    assert response.status_code == 422
    assert "same as the current version" in response.get_data(as_text=True)


def test_project_without_privacy_notice_is_flagged(client, admin, make_project):
    project = make_project()
    project.privacy_notices.clear()
    db.session.commit()
    assert "Missing" in client.get("/admin/").get_data(as_text=True)


# --- results ---------------------------------------------------------------------------


def test_add_result_and_see_it_listed(client, admin, world):
    url = f"/admin/projects/{world['project']}/results"
    response = client.post(url, data={"code": "PR3", "title": "Mentoring Model", "work_package": "WP3"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "PR3" in page and "Mentoring Model" in page and "WP3" in page


def test_duplicate_result_code_is_shown_next_to_the_field(client, admin, world):
    response = client.post(f"/admin/projects/{world['project']}/results", data={"code": "PR1", "title": "Again"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "PR1 is already a result of this project" in page and 'value="Again"' in page


def test_edit_result(client, admin, world):
    url = f"/admin/projects/{world['project']}/results/{world['result']}/edit"
    response = client.post(url, data={"code": "PR1", "title": "State of the Art, revised", "work_package": "WP2"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProjectResult, world["result"]).title == "State of the Art, revised"


def test_delete_unused_result(client, admin, world):
    url = f"/admin/projects/{world['project']}/results/{world['result']}/delete"
    response = client.post(url, follow_redirects=True)
    assert "Result PR1 deleted" in response.get_data(as_text=True)
    assert db.session.get(ProjectResult, world["result"]) is None


def test_delete_of_a_presented_result_is_refused_with_a_message(client, admin, world, make_event):
    partner = db.session.get(Partner, world["partner"])
    make_event(partner, title="Lisbon seminar", result_ids=[world["result"]])
    url = f"/admin/projects/{world['project']}/results/{world['result']}/delete"
    page = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "cannot be deleted" in page and "Lisbon seminar" in page
    assert db.session.get(ProjectResult, world["result"]) is not None


# --- partners --------------------------------------------------------------------------


def test_add_partner_then_see_it_on_the_project_page(client, admin, world):
    response = client.post(f"/admin/projects/{world['project']}/partners/new", data=partner_form())
    assert response.status_code == 302
    partner = db.session.scalar(select(Partner).where(Partner.short_name == "EX"))
    assert (partner.country, partner.timezone, partner.project_id) == ("RO", "Europe/Bucharest", world["project"])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Asociația Exemplu" in page and "Europe/Bucharest" in page


def test_unknown_time_zone_is_shown_next_to_the_field_with_the_input_kept(client, admin, world):
    response = client.post(
        f"/admin/projects/{world['project']}/partners/new", data=partner_form(timezone="Europe/Atlantis")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Europe/Atlantis is not a known time zone" in page and 'id="timezone-error"' in page
    assert 'value="Asociația Exemplu"' in page


def test_short_name_taken_in_the_project_is_refused(client, admin, world):
    response = client.post(f"/admin/projects/{world['project']}/partners/new", data=partner_form(short_name="aur"))
    assert response.status_code == 422
    assert "already a partner of this project" in response.get_data(as_text=True)


def test_edit_partner_form_is_prefilled_and_saves(client, admin, world):
    url = f"/admin/partners/{world['partner']}/edit"
    assert 'value="AUR"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data=partner_form(short_name="AUR", country="IT", timezone="Europe/Rome"))
    assert response.status_code == 302
    db.session.expire_all()
    partner = db.session.get(Partner, world["partner"])
    assert (partner.short_name, partner.country, partner.timezone) == ("AUR", "IT", "Europe/Rome")
