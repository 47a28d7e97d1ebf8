import pytest
from sqlalchemy import func, select

from seminar_app.accounts.models import User
from seminar_app.enums import Role
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, Project, ProjectResult

PASSWORD = "a long enough passphrase"


def user_by_email(email):
    return db.session.scalar(select(User).where(User.email == email))


def create_user(runner, *args, password=PASSWORD):
    base = ["create-user", "--email", "Ana@Example.org", "--name", "Ana Sousa"]
    return runner.invoke(args=[*base, *args, "--password", password])


# --- create-user -----------------------------------------------------------------------


def test_create_admin_with_password_option(runner):
    result = create_user(runner, "--role", "admin")
    assert result.exit_code == 0, result.output
    assert "Created admin ana@example.org" in result.output
    user = user_by_email("ana@example.org")
    assert user.role is Role.ADMIN and user.check_password(PASSWORD)


def test_password_is_prompted_hidden_with_confirmation(runner):
    result = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--name", "A", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output
    assert user_by_email("a@example.org").check_password(PASSWORD)


def test_create_organiser_for_a_partner_by_short_name(runner, make_partner):
    partner = make_partner(short_name="AURORA")
    result = create_user(runner, "--role", "organiser", "--partner", "aurora")
    assert result.exit_code == 0, result.output
    assert [p.id for p in user_by_email("ana@example.org").partners] == [partner.id]


def test_ambiguous_partner_short_name_asks_for_the_project(runner, make_project, make_partner):
    first, second = make_project(slug="alpha"), make_project(slug="beta")
    make_partner(first, short_name="AUR")
    wanted = make_partner(second, short_name="AUR")
    result = create_user(runner, "--role", "organiser", "--partner", "AUR")
    assert result.exit_code != 0
    assert "several projects (alpha, beta)" in result.output
    result = create_user(runner, "--role", "organiser", "--partner", "beta:AUR")
    assert result.exit_code == 0, result.output
    assert [p.id for p in user_by_email("ana@example.org").partners] == [wanted.id]


def test_create_manager_of_a_project(runner, make_project):
    project = make_project(slug="prism")
    result = create_user(runner, "--role", "manager", "--project", "prism")
    assert result.exit_code == 0, result.output
    assert [p.id for p in user_by_email("ana@example.org").projects] == [project.id]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "organiser"], "--partner: An organiser must act for at least one partner."),
        (["--role", "manager"], "--project: A manager must manage at least one project."),
        (["--role", "organiser", "--partner", "NOPE"], "There is no partner “NOPE”"),
        (["--role", "manager", "--project", "nope"], "There is no project with the slug “nope”"),
        (["--role", "superuser"], "Invalid value for '--role'"),
    ],
)
def test_bad_input_gives_a_clear_message_and_a_non_zero_exit(runner, args, message):
    result = create_user(runner, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert user_by_email("ana@example.org") is None


def test_short_password_is_refused(runner):
    result = create_user(runner, "--role", "admin", password="short")
    assert result.exit_code == 1
    assert "--password: Use at least 12 characters." in result.output


def test_duplicate_email_is_refused(runner, make_user):
    existing = make_user()
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            existing.email.upper(),
            "--name",
            "X",
            "--role",
            "admin",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 1
    assert "Another account already uses" in result.output


# --- projects, partners, results, users -----------------------------------------------


def test_projects_create_and_list(runner):
    result = runner.invoke(
        args=["projects", "create", "--slug", "prism", "--name", "Preventing radicalisation", "--acronym", "PRISM",
              "--programme", "Erasmus+ KA220-ADU", "--grant", "2023-1-PT01-KA220-ADU-000154321"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    project = db.session.scalar(select(Project).where(Project.slug == "prism"))
    assert (project.acronym, project.grant_number) == ("PRISM", "2023-1-PT01-KA220-ADU-000154321")
    listing = runner.invoke(args=["projects", "list"])
    assert "prism" in listing.output and "PRISM" in listing.output and "0 partners" in listing.output


def test_projects_create_with_taken_slug_fails(runner, make_project):
    make_project(slug="prism")
    result = runner.invoke(args=["projects", "create", "--slug", "prism", "--name", "X", "--acronym", "X"])
    assert result.exit_code == 1
    assert "--slug: The address “prism” is already used by another project." in result.output
    assert db.session.scalar(select(func.count(Project.id))) == 1


def test_partners_add_and_list(runner, make_project):
    make_project(slug="prism")
    result = runner.invoke(
        args=["partners", "add", "--project", "prism", "--short-name", "AURORA", "--name", "Instituto Aurora",
              "--country", "pt", "--city", "Lisboa", "--timezone", "Europe/Lisbon", "--language", "pt",
              "--email", "info@aurora.example"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    partner = db.session.scalar(select(Partner).where(Partner.short_name == "AURORA"))
    assert (partner.country, partner.timezone, partner.default_language) == ("PT", "Europe/Lisbon", "pt")
    listing = runner.invoke(args=["partners", "list", "--project", "prism"])
    assert "AURORA" in listing.output and "Europe/Lisbon" in listing.output


def test_partners_add_with_bad_country_and_zone_names_both_options(runner, make_project):
    make_project(slug="prism")
    result = runner.invoke(
        args=["partners", "add", "--project", "prism", "--short-name", "X", "--name", "X", "--country", "XX",
              "--timezone", "Mars/Olympus", "--email", "x@x.example"]
    )  # fmt: skip
    assert result.exit_code == 1
    assert "--country:" in result.output and "--timezone: Mars/Olympus is not a known time zone." in result.output
    assert db.session.scalar(select(Partner.id)) is None


def test_partners_add_to_unknown_project_fails(runner):
    result = runner.invoke(
        args=["partners", "add", "--project", "nope", "--short-name", "X", "--name", "X", "--country", "PT",
              "--timezone", "Europe/Lisbon", "--email", "x@x.example"]
    )  # fmt: skip
    assert result.exit_code == 1
    assert "There is no project with the slug “nope”" in result.output


def test_partners_list_of_every_project(runner, make_project, make_partner):
    make_partner(make_project(slug="alpha"), short_name="A1")
    make_partner(make_project(slug="beta"), short_name="B1")
    output = runner.invoke(args=["partners", "list"]).output
    assert "alpha" in output and "A1" in output and "beta" in output and "B1" in output


def test_results_add(runner, make_project):
    project = make_project(slug="prism")
    result = runner.invoke(
        args=["results", "add", "--project", "prism", "--code", "PR3", "--title", "Mentoring Model", "--wp", "WP3"]
    )
    assert result.exit_code == 0, result.output
    added = db.session.scalar(
        select(ProjectResult).where(ProjectResult.project_id == project.id, ProjectResult.code == "PR3")
    )
    assert (added.title, added.work_package) == ("Mentoring Model", "WP3")


def test_results_add_duplicate_code_fails(runner, make_project):
    make_project(slug="prism")  # has PR1
    result = runner.invoke(args=["results", "add", "--project", "prism", "--code", "PR1", "--title", "Again"])
    assert result.exit_code == 1
    assert "--code: PR1 is already a result of this project." in result.output


def test_users_list_shows_role_and_scope(runner, make_user, make_partner):
    partner = make_partner(short_name="AURORA")
    organiser = make_user(Role.ORGANISER, partners=[partner])
    admin = make_user(Role.ADMIN, active=False)
    output = runner.invoke(args=["users", "list"]).output
    assert f"{organiser.email}" in output and "organiser" in output and "AURORA" in output
    assert admin.email in output and "(deactivated)" in output
