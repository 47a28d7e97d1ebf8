"""The ledger page: who sees which lines, the figures as a reader sees them, the link from
the dashboard."""

from __future__ import annotations

import pytest

from seminar_app.enums import Role
from tests.funding_world import build_world, expected_counts


@pytest.fixture
def world(make_project, make_partner, make_event, make_user):  # type: ignore[no-untyped-def]
    return build_world(make_project, make_partner, make_event, make_user)


def test_a_manager_sees_every_line_the_cap_and_the_warnings(world, make_user, login) -> None:  # type: ignore[no-untyped-def]
    manager = make_user(Role.MANAGER, projects=[world.project])
    page = login(manager).get(f"/projects/{world.project.slug}/ledger").get_data(as_text=True)
    for code in ("E1", "E2", "E3", "E10"):
        assert f'id="line-{code}"' in page
    assert "cap reached" in page
    assert "1,000.00" in page  # the cap, and the grant after it
    assert "1,200.00" in page  # the total before the cap
    assert "E2: sheet for 20 May missing" in page
    assert "E3: no event is scheduled for" in page
    assert "Not in the plan" in page and "Event A9" in page
    assert "<caption" in page and 'scope="col"' in page
    # The manager was not let see attendees: no evidence pack offered.
    assert "evidence-pack.zip" not in page


def test_an_organiser_sees_their_lines_only(world, login) -> None:  # type: ignore[no-untyped-def]
    page = login(world.organiser).get(f"/projects/{world.project.slug}/ledger").get_data(as_text=True)
    assert 'id="line-E1"' in page and 'id="line-E3"' in page
    assert 'id="line-E2"' not in page and "Event B1" not in page
    assert 'id="scope-note"' in page and "cap reached" not in page
    e1 = expected_counts({"A1"})
    assert f'<td class="text-end">{e1["local"]}</td>' in page
    assert "evidence-pack.zip" in page  # their own attendees


@pytest.mark.parametrize("suffix", ["/ledger", "/ledger.xlsx", "/ledger.pdf", "/ledger/evidence-pack.zip"])
def test_strangers_get_not_found(world, make_user, make_partner, login, client, suffix) -> None:  # type: ignore[no-untyped-def]
    url = f"/projects/{world.project.slug}{suffix}"
    assert client.get(url).status_code in (302, 401)
    other = make_partner()
    assert login(make_user(partners=[other])).get(url).status_code == 404
    assert login(make_user(Role.MANAGER, projects=[other.project])).get(url).status_code == 404
    assert login(make_user(Role.ADMIN)).get(f"/projects/nope{suffix}").status_code == 404


def test_the_dashboard_links_to_the_ledger(world, login) -> None:  # type: ignore[no-untyped-def]
    page = login(world.organiser).get(f"/projects/{world.project.slug}/dashboard").get_data(as_text=True)
    assert f'href="/projects/{world.project.slug}/ledger"' in page


def test_the_page_does_a_bounded_number_of_queries(world, make_user, make_event, login) -> None:  # type: ignore[no-untyped-def]
    from seminar_app.extensions import db
    from tests.test_events_content import count_queries

    client = login(make_user(Role.MANAGER, projects=[world.project]))
    url = f"/projects/{world.project.slug}/ledger"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(5):
        make_event(world.partners["A"], title=f"More {n}").planned_event_id = world.plan["E3"].id
    db.session.commit()
    client.get(url)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
