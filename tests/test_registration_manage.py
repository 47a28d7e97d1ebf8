"""The organiser's Registrations tab: counts, the searchable list, actions, adding by hand,
who may see what; and the event form's approval switch and capacity growth."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from seminar_app.enums import AttendanceMode, EventFormat, EventStatus, RegistrationStatus, Role
from seminar_app.events import services as event_services
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput
from tests.test_events_routes import edit_data

S = RegistrationStatus


def person(n: int, **overrides) -> RegistrationInput:  # type: ignore[no-untyped-def]
    values = {
        "name": f"Person {n:02d}",
        "email": f"person{n}@probation.example",
        "organisation": f"Probation Service {n}",
        "organisation_country": "PT",
        "stakeholder_group": "prison_probation",
        "mode": AttendanceMode.ONSITE,
        "privacy_acknowledged": True,
    }
    values.update(overrides)
    return RegistrationInput(**values)


def mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner(name="Centro de Prevenção Lisboa")


@pytest.fixture
def organiser(make_user, partner):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[partner])


@pytest.fixture
def event(make_event, partner):  # type: ignore[no-untyped-def]
    return make_event(partner, capacity_onsite=2, capacity_online=1)


@pytest.fixture
def as_organiser(client, login, organiser):  # type: ignore[no-untyped-def]
    login(organiser)
    return client


def register(event, n: int, **overrides) -> Registration:  # type: ignore[no-untyped-def]
    return services.register(event, person(n, **overrides)).registration


def url(event, suffix: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/manage/events/{event.id}/registrations{suffix}"


# --- the list ----------------------------------------------------------------------------


def _counts_row(page: str, label: str) -> list[str]:
    """The cells of the numbers table's row headed `label`."""
    match = re.search(rf"<th scope=\"row\"[^>]*>{re.escape(label)}</th>(.*?)</tr>", page, re.S)
    assert match, f"no row {label!r}"
    return re.findall(r"<td[^>]*>([^<]*)</td>", match.group(1))


def test_numbers_per_status_and_mode_with_seats_left(as_organiser, event) -> None:
    for n in (1, 2, 3):
        register(event, n)
    register(event, 4, mode=AttendanceMode.ONLINE)
    cancelled = register(event, 5, mode=AttendanceMode.ONLINE)
    services.cancel_registration(cancelled)

    page = as_organiser.get(url(event)).get_data(as_text=True)

    # Columns: on site, online, total.
    assert _counts_row(page, "Confirmed") == ["2", "1", "3"]
    assert _counts_row(page, "On the waiting list") == ["1", "0", "1"]
    assert _counts_row(page, "Cancelled") == ["0", "1", "1"]
    assert _counts_row(page, "Capacity")[:2] == ["2", "1"]
    assert _counts_row(page, "Seats left")[:2] == ["0", "0"]


def test_table_shows_each_person_with_waiting_list_position_and_local_time(as_organiser, event) -> None:
    for n in (1, 2, 3, 4):
        register(event, n)
    page = as_organiser.get(url(event)).get_data(as_text=True)
    assert "Person 01" in page and "person1@probation.example" in page and "Probation Service 1" in page
    assert "On the waiting list (number 1)" in page
    assert "On the waiting list (number 2)" in page
    assert "Portugal" in page and "Prison and probation staff" in page
    assert f"Times are in {event.timezone}." in page


def test_search_matches_name_email_or_organisation_in_any_case(as_organiser, event) -> None:
    register(event, 1, name="Ana Sousa", organisation="Prisão de Lisboa")
    register(event, 2, name="Bruno Costa", email="bruno@ngo.example", organisation="NGO Porto")
    register(event, 3, name="Carla Dias", organisation="University 100%")

    def names(q: str) -> list[str]:
        page = as_organiser.get(url(event), query_string={"q": q}).get_data(as_text=True)
        return [n for n in ("Ana Sousa", "Bruno Costa", "Carla Dias") if n in page]

    assert names("ana sou") == ["Ana Sousa"]
    assert names("NGO.EXAMPLE") == ["Bruno Costa"]
    assert names("lisboa") == ["Ana Sousa"]
    assert names("100%") == ["Carla Dias"]
    assert names("%") == ["Carla Dias"], "a % typed by the user is a character, not a wildcard"
    assert "Nobody matches" in as_organiser.get(url(event), query_string={"q": "zzz"}).get_data(as_text=True)


def test_search_finds_accented_names_in_any_case_with_or_without_accents(as_organiser, event) -> None:
    register(event, 1, name="Ângela Sousa", organisation="Prisão de Évora")
    register(event, 2, name="Bruno Costa")
    for q in ("ângela", "ÂNGELA", "angela", "ÉVORA", "prisao"):
        page = as_organiser.get(url(event), query_string={"q": q}).get_data(as_text=True)
        assert "Ângela Sousa" in page and "Bruno Costa" not in page, q


def _order(page: str, names: list[str]) -> list[str]:
    return sorted(names, key=page.index)


def test_sorting_by_name_organisation_status_and_time(as_organiser, make_event, partner) -> None:
    event = make_event(partner, capacity_onsite=1)
    register(event, 1, name="Bruno Xavier", organisation="Zeta")
    register(event, 2, name="ana Yates", organisation="Alpha")
    register(event, 3, name="Carla Zed", organisation="Mid")
    names = ["Bruno Xavier", "ana Yates", "Carla Zed"]

    def order(**args: str) -> list[str]:
        page = as_organiser.get(url(event), query_string=args).get_data(as_text=True)
        return _order(page.split("<tbody>", 1)[1], names)

    assert order() == ["Bruno Xavier", "ana Yates", "Carla Zed"]
    assert order(sort="created", dir="desc") == ["Carla Zed", "ana Yates", "Bruno Xavier"]
    assert order(sort="name") == ["ana Yates", "Bruno Xavier", "Carla Zed"]
    assert order(sort="name", dir="desc") == ["Carla Zed", "Bruno Xavier", "ana Yates"]
    assert order(sort="organisation") == ["ana Yates", "Carla Zed", "Bruno Xavier"]
    # Confirmed first, then the waiting list; within a status, always in order of arrival.
    assert order(sort="status") == ["Bruno Xavier", "ana Yates", "Carla Zed"]
    assert order(sort="status", dir="desc") == ["ana Yates", "Carla Zed", "Bruno Xavier"]


def test_sort_header_announces_the_current_order(as_organiser, event) -> None:
    register(event, 1)
    page = as_organiser.get(url(event), query_string={"sort": "name", "dir": "desc"}).get_data(as_text=True)
    assert 'aria-sort="descending"' in page


def test_erased_registration_shows_as_erased_without_personal_data(as_organiser, event) -> None:
    reg = register(event, 1, name="Forgotten Person", organisation="Secret Org")
    services.erase_registration(reg)
    page = as_organiser.get(url(event)).get_data(as_text=True)
    assert "Erased" in page
    assert "Forgotten Person" not in page and "person1@probation.example" not in page and "Secret Org" not in page
    assert "Resend private link" not in page


def test_names_are_escaped(as_organiser, event) -> None:
    register(event, 1, name="<script>alert(1)</script>")
    page = as_organiser.get(url(event)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


@contextmanager
def counting_queries():  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)


def test_the_list_runs_a_bounded_number_of_queries(as_organiser, make_event, partner) -> None:
    small = make_event(partner, capacity_onsite=2, capacity_online=2)
    large = make_event(partner, capacity_onsite=20, capacity_online=20)
    for n in range(3):
        register(small, n, mode=AttendanceMode.ONLINE if n % 2 else AttendanceMode.ONSITE)
    for n in range(60):
        register(large, n, mode=AttendanceMode.ONLINE if n % 2 else AttendanceMode.ONSITE)
    services.erase_registration(
        db.session.scalars(select(Registration).where(Registration.event_id == large.id)).first()
    )
    db.session.expire_all()

    counts = []
    for ev, expected in ((small, "Person 02"), (large, "Person 59")):
        db.session.expire_all()
        with counting_queries() as statements:
            page = as_organiser.get(url(ev)).get_data(as_text=True)
        assert expected in page
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[1] < 20


# --- actions -----------------------------------------------------------------------------


def test_approve_tells_who_gets_the_mail_and_sends_it(as_organiser, make_event, partner) -> None:
    event = make_event(partner, capacity_onsite=5, requires_approval=True)
    reg = register(event, 1, name="Pending Person")
    assert reg.status is S.PENDING
    page = as_organiser.get(url(event)).get_data(as_text=True)
    assert "Approve (sends an e-mail to Pending Person)" in page

    response = as_organiser.post(url(event, f"/{reg.id}/approve"), follow_redirects=True)
    assert "Pending Person is approved; the confirmation goes to person1@probation.example." in response.get_data(
        as_text=True
    )
    db.session.refresh(reg)
    assert reg.status is S.CONFIRMED
    assert [m.to_address for m in mails("approved")] == ["person1@probation.example"]


def test_approving_a_confirmed_person_is_refused_with_a_message(as_organiser, event) -> None:
    reg = register(event, 1)
    response = as_organiser.post(url(event, f"/{reg.id}/approve"), follow_redirects=True)
    assert "Only a registration awaiting approval can be approved." in response.get_data(as_text=True)
    assert mails("approved") == []


def test_decline_page_names_who_is_told_then_declines_with_the_reason(as_organiser, make_event, partner) -> None:
    event = make_event(partner, capacity_onsite=1, requires_approval=True)
    pending = register(event, 1, name="Pending Person")
    waiting = register(event, 2, name="Waiting Person")
    assert (pending.status, waiting.status) == (S.PENDING, S.WAITLISTED)

    page = as_organiser.get(url(event, f"/{pending.id}/decline")).get_data(as_text=True)
    assert "Decline the registration of Pending Person?" in page
    assert "Pending Person, at person1@probation.example." in page
    assert "Waiting Person, first on the waiting list (On site), who gets the free seat" in page
    assert mails("declined") == []

    response = as_organiser.post(
        url(event, f"/{pending.id}/decline"), data={"reason": "The event is for probation staff only."}
    )
    assert response.status_code == 302
    page = as_organiser.get(url(event)).get_data(as_text=True)
    assert "Pending Person is declined and told at person1@probation.example." in page
    assert "Waiting Person moved up from the waiting list" in page
    db.session.expire_all()
    assert (pending.status, waiting.status) == (S.DECLINED, S.PENDING)
    assert "The event is for probation staff only." in mails("declined")[0].body_text


def test_decline_reason_too_long_comes_back_next_to_the_field(as_organiser, make_event, partner) -> None:
    event = make_event(partner, requires_approval=True)
    pending = register(event, 1)
    response = as_organiser.post(url(event, f"/{pending.id}/decline"), data={"reason": "x" * 1001})
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    db.session.refresh(pending)
    assert pending.status is S.PENDING


def test_move_from_waiting_list_gives_a_seat_beyond_capacity(as_organiser, event) -> None:
    register(event, 1)
    register(event, 2)
    waiting = register(event, 3, name="Waiting Person")
    page = as_organiser.get(url(event)).get_data(as_text=True)
    assert "Give a seat now (sends an e-mail to Waiting Person)" in page

    response = as_organiser.post(url(event, f"/{waiting.id}/move"), follow_redirects=True)
    assert "Waiting Person is off the waiting list and is told at person3@probation.example." in response.get_data(
        as_text=True
    )
    db.session.refresh(waiting)
    assert waiting.status is S.CONFIRMED
    assert [m.to_address for m in mails("promoted")] == ["person3@probation.example"]


def test_cancel_confirms_first_then_promotes_the_next_person(as_organiser, event) -> None:
    first = register(event, 1, name="First Person")
    register(event, 2)
    waiting = register(event, 3, name="Waiting Person")

    page = as_organiser.get(url(event, f"/{first.id}/cancel")).get_data(as_text=True)
    assert "Cancel the registration of First Person?" in page
    assert "Waiting Person, first on the waiting list (On site)" in page
    assert mails("cancelled") == []

    response = as_organiser.post(url(event, f"/{first.id}/cancel"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The registration of First Person is cancelled; they are told at person1@probation.example." in page
    assert "Waiting Person moved up from the waiting list (Confirmed) and is told by e-mail." in page
    db.session.expire_all()
    assert (first.status, waiting.status) == (S.CANCELLED, S.CONFIRMED)
    # The organiser's pages are in English, the person's mail in the (Portuguese) event's language.
    assert "O organizador cancelou a sua inscrição." in mails("cancelled")[0].body_text
    assert [m.to_address for m in mails("promoted")] == ["person3@probation.example"]


def test_cancel_page_names_nobody_else_when_no_one_is_waiting(as_organiser, event) -> None:
    reg = register(event, 1)
    page = as_organiser.get(url(event, f"/{reg.id}/cancel")).get_data(as_text=True)
    assert "first on the waiting list" not in page


def test_resend_sends_the_private_link_again(as_organiser, event) -> None:
    reg = register(event, 1, name="Ana")
    response = as_organiser.post(url(event, f"/{reg.id}/resend"), follow_redirects=True)
    assert "The private link of Ana is sent again to person1@probation.example." in response.get_data(as_text=True)
    assert [m.to_address for m in mails("link_again")] == ["person1@probation.example"]


def test_a_registration_of_another_event_answers_404(as_organiser, event, make_event, partner) -> None:
    other = make_event(partner)
    reg = register(other, 1)
    for suffix, method in (
        ("approve", "post"),
        ("move", "post"),
        ("resend", "post"),
        ("cancel", "get"),
        ("cancel", "post"),
        ("decline", "get"),
        ("decline", "post"),
    ):
        response = getattr(as_organiser, method)(url(event, f"/{reg.id}/{suffix}"))
        assert response.status_code == 404, (suffix, method)
    db.session.refresh(reg)
    assert reg.status is S.CONFIRMED
    assert mails("link_again") == [] and mails("cancelled") == []


# --- adding a person by hand ---------------------------------------------------------------


def add_data(**overrides) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "name": "Phoned In",
        "email": "phoned@ngo.example",
        "organisation": "NGO Lisboa",
        "organisation_city": "Lisboa",
        "organisation_country": "PT",
        "function_role": "Mentor",
        "stakeholder_group": "ngo_community",
        "mode": "online",
        "access_needs": "",
    }
    data.update(overrides)
    return data


def test_organiser_adds_a_person_by_hand(as_organiser, event) -> None:
    page = as_organiser.get(url(event, "/new")).get_data(as_text=True)
    assert "the person gets an e-mail at the address you give" in page
    assert 'name="mode"' in page

    response = as_organiser.post(url(event, "/new"), data=add_data(is_partner_staff="y"))
    assert response.status_code == 302
    reg = db.session.scalar(select(Registration).where(Registration.email == "phoned@ngo.example"))
    assert reg is not None
    assert (reg.status, reg.mode, reg.source, reg.is_partner_staff) == (
        S.CONFIRMED,
        AttendanceMode.ONLINE,
        "organiser",
        True,
    )
    assert reg.consents == []
    page = as_organiser.get(url(event)).get_data(as_text=True)
    assert (
        "Phoned In is registered (Confirmed) and gets an e-mail with their private link at phoned@ngo.example." in page
    )
    assert [m.to_address for m in mails("registration_confirmed")] == ["phoned@ngo.example"]


def test_adding_someone_already_registered_creates_nothing(as_organiser, event) -> None:
    register(event, 1)
    response = as_organiser.post(
        url(event, "/new"), data=add_data(email="PERSON1@probation.example"), follow_redirects=True
    )
    assert "was already registered, so nothing new was created" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Registration)).all()) == 1


def test_bad_input_comes_back_next_to_the_field_with_the_input_kept(as_organiser, event) -> None:
    response = as_organiser.post(url(event, "/new"), data=add_data(email="not-an-address", name="Kept Name"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and "Give a valid e-mail address" in page
    assert 'value="Kept Name"' in page
    assert "Please correct the following" in page
    assert db.session.scalars(select(Registration)).all() == []


def test_hybrid_event_needs_a_mode_and_single_mode_event_does_not_ask(as_organiser, event, make_event, partner) -> None:
    response = as_organiser.post(url(event, "/new"), data=add_data(mode=""))
    assert response.status_code == 422
    assert 'id="mode-error"' in response.get_data(as_text=True)

    online = make_event(partner, format=EventFormat.ONLINE, venue_name="", city="")
    assert 'name="mode"' not in as_organiser.get(url(online, "/new")).get_data(as_text=True)
    assert as_organiser.post(url(online, "/new"), data=add_data(mode="")).status_code == 302
    reg = db.session.scalar(select(Registration).where(Registration.event_id == online.id))
    assert reg.mode is AttendanceMode.ONLINE


def test_people_cannot_be_added_to_a_draft(as_organiser, make_event, partner) -> None:
    draft = make_event(partner, status=EventStatus.DRAFT)
    assert "Add a person" not in as_organiser.get(url(draft)).get_data(as_text=True)
    response = as_organiser.post(url(draft, "/new"), data=add_data())
    assert response.status_code == 409
    assert "People can be added only to a published event." in response.get_data(as_text=True)
    assert db.session.scalars(select(Registration)).all() == []


# --- who may see what --------------------------------------------------------------------


def test_registrations_tab_is_linked_from_the_workspace(as_organiser, event) -> None:
    page = as_organiser.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert f'href="/manage/events/{event.id}/registrations"' in page


def test_project_manager_sees_numbers_but_no_personal_data(client, login, make_user, event) -> None:
    reg = register(event, 1, name="Private Person")
    login(make_user(Role.MANAGER, projects=[event.project]))
    page = client.get(url(event)).get_data(as_text=True)
    assert _counts_row(page, "Confirmed")[0] == "1"
    assert "Private Person" not in page and "person1@probation.example" not in page
    assert "You see the numbers only" in page
    for method, suffix in (
        ("get", "/new"),
        ("post", "/new"),
        ("post", f"/{reg.id}/resend"),
        ("get", f"/{reg.id}/cancel"),
        ("post", f"/{reg.id}/cancel"),
    ):
        response = getattr(client, method)(url(event, suffix), data=add_data())
        assert response.status_code == 403, (method, suffix)
        assert "Private Person" not in response.get_data(as_text=True)
    assert mails("link_again") == [] and mails("cancelled") == []


NEEDS = "Access needs: Wheelchair access, step-free entrance"


def _check_in_page(client, event) -> str:  # type: ignore[no-untyped-def]
    return client.get(f"/manage/events/{event.id}/attendance").get_data(as_text=True)


def test_access_needs_show_in_the_list_and_at_check_in_for_the_partner(as_organiser, event) -> None:
    register(event, 1, access_needs="Wheelchair access, step-free entrance")
    register(event, 2)
    assert NEEDS in as_organiser.get(url(event)).get_data(as_text=True)
    check_in = _check_in_page(as_organiser, event)
    assert NEEDS in check_in and check_in.count("Access needs:") == 1


def test_access_needs_are_hidden_from_a_manager_without_a_grant_and_shown_with_one(
    client, login, make_user, organiser, event
) -> None:
    from seminar_app.privacy.services import grant_personal_data

    register(event, 1, access_needs="Wheelchair access, step-free entrance")
    manager = make_user(Role.MANAGER, projects=[event.project])
    login(manager)
    assert "Wheelchair" not in client.get(url(event)).get_data(as_text=True)
    response = client.get(f"/manage/events/{event.id}/attendance")
    assert response.status_code == 403 and "Wheelchair" not in response.get_data(as_text=True)

    grant_personal_data(event.partner, manager, actor=organiser)
    assert NEEDS in client.get(url(event)).get_data(as_text=True)
    assert NEEDS in _check_in_page(client, event)


def test_access_needs_deleted_after_the_event_are_no_longer_shown(as_organiser, organiser, make_event, partner) -> None:
    from seminar_app.jobs.services import run_due_jobs

    ended = make_event(partner, days_ahead=-2)
    services.register(ended, person(1, access_needs="Wheelchair access, step-free entrance"), actor=organiser)
    assert NEEDS in as_organiser.get(url(ended)).get_data(as_text=True)
    run_due_jobs()
    assert "Access needs:" not in as_organiser.get(url(ended)).get_data(as_text=True)
    assert "Access needs:" not in _check_in_page(as_organiser, ended)


def test_admin_sees_the_people(client, login, make_user, event) -> None:
    register(event, 1, name="Visible Person")
    login(make_user(Role.ADMIN))
    assert "Visible Person" in client.get(url(event)).get_data(as_text=True)


def test_organiser_of_another_partner_gets_404_everywhere(client, login, make_user, make_partner, event) -> None:
    reg = register(event, 1)
    login(make_user(Role.ORGANISER, partners=[make_partner(event.project)]))
    for method, suffix in (
        ("get", ""),
        ("get", "/new"),
        ("post", "/new"),
        ("post", f"/{reg.id}/approve"),
        ("post", f"/{reg.id}/move"),
        ("post", f"/{reg.id}/resend"),
        ("get", f"/{reg.id}/cancel"),
        ("post", f"/{reg.id}/cancel"),
        ("get", f"/{reg.id}/decline"),
        ("post", f"/{reg.id}/decline"),
    ):
        response = getattr(client, method)(url(event, suffix), data=add_data())
        assert response.status_code == 404, (method, suffix)
        assert "person1@probation.example" not in response.get_data(as_text=True)


def test_anonymous_is_sent_to_log_in(client, event) -> None:
    response = client.get(url(event))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the event form: approval and capacity -------------------------------------------------


def test_event_form_switches_approval_on_and_new_registrations_wait(as_organiser, event) -> None:
    page = as_organiser.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert "Registrations need my approval" in page
    response = as_organiser.post(
        f"/manage/events/{event.id}",
        data=edit_data(event, capacity_onsite="2", capacity_online="1", requires_approval="y"),
    )
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.requires_approval is True
    assert register(event, 1).status is S.PENDING
    assert event_services.EventInput.from_event(event).requires_approval is True


def test_growing_capacity_seats_the_waiting_list_and_tells_them(event) -> None:
    regs = [register(event, n) for n in range(1, 5)]
    assert [r.status for r in regs] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    data = event_services.EventInput.from_event(event)
    data.capacity_onsite = 3
    event_services.update_event(event, data)
    db.session.expire_all()
    assert [r.status for r in regs] == [S.CONFIRMED, S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    assert [m.to_address for m in mails("promoted")] == ["person3@probation.example"]


def test_unchanged_capacity_promotes_nobody(event) -> None:
    for n in range(1, 4):
        register(event, n)
    data = event_services.EventInput.from_event(event)
    data.title = "A new title"
    event_services.update_event(event, data)
    assert mails("promoted") == []


def test_removing_the_limit_seats_everyone_waiting(event) -> None:
    regs = [register(event, n) for n in range(1, 5)]
    data = event_services.EventInput.from_event(event)
    data.capacity_onsite = None
    event_services.update_event(event, data)
    db.session.expire_all()
    assert all(r.status is S.CONFIRMED for r in regs)
    assert len(mails("promoted")) == 2


def test_shrinking_capacity_removes_no_one(event) -> None:
    regs = [register(event, n) for n in range(1, 3)]
    data = event_services.EventInput.from_event(event)
    data.capacity_onsite = 1
    event_services.update_event(event, data)
    db.session.expire_all()
    assert [r.status for r in regs] == [S.CONFIRMED, S.CONFIRMED]
