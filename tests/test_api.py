"""JSON API v1: public events only, times with their zone's offset, JSON errors, OpenAPI document."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from seminar_app.enums import EventFormat, EventStatus
from seminar_app.public import queries

EVENT_FIELDS = {
    "id", "slug", "title", "kind", "format", "language", "timezone", "start", "end", "status",
    "registration_open", "url", "project", "partner", "country", "city", "venue_name", "online_platform",
    "summary", "target_audiences", "main_language", "available_languages",
}  # fmt: skip
DETAIL_FIELDS = EVENT_FIELDS | {"description_html", "agenda", "speakers", "results"}


def summer_day(hour: int = 10) -> datetime:
    return datetime(datetime.now().year + 1, 7, 7, hour, 0)


def test_list_returns_public_upcoming_events_with_zone_offsets(client, make_event, make_partner):
    partner = make_partner(timezone="Europe/Lisbon", name="Universidade de Lisboa", short_name="ULisboa")
    event = make_event(partner, title="Public seminar", starts_local=summer_day(10), hours=2)
    make_event(partner, title="A draft", status=EventStatus.DRAFT)
    make_event(partner, title="Already held", days_ahead=-5, status=EventStatus.DELIVERED)

    response = client.get("/api/v1/events")

    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in ("page", "per_page", "total", "pages")} == {
        "page": 1,
        "per_page": 20,
        "total": 1,
        "pages": 1,
    }
    [item] = body["items"]
    assert set(item) == EVENT_FIELDS
    assert item["title"] == "Public seminar"
    assert item["start"] == f"{summer_day(10).isoformat()}+01:00"
    assert item["end"] == f"{summer_day(12).isoformat()}+01:00"
    assert item["timezone"] == "Europe/Lisbon"
    assert item["format"] == "hybrid" and item["kind"] == "seminar" and item["status"] == "published"
    assert item["registration_open"] is True
    assert item["url"] == f"{client.application.config['PUBLIC_BASE_URL']}/events/{event.slug}"
    assert item["project"] == {"slug": event.project.slug, "acronym": event.project.acronym, "name": event.project.name}
    assert item["partner"] == {"name": "Universidade de Lisboa", "short_name": "ULisboa", "country": "PT"}
    assert item["venue_name"] == "Auditório Municipal" and item["online_platform"] == "Zoom"
    assert item["target_audiences"] == ["prison_probation", "researchers"]
    assert "zoom.example" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] in ("public, max-age=60", "max-age=60, public")


def test_past_events_most_recent_first(client, make_event, make_partner):
    partner = make_partner()
    make_event(partner, title="Long ago", days_ahead=-30, status=EventStatus.DELIVERED)
    make_event(partner, title="Recently", days_ahead=-2, status=EventStatus.DELIVERED)
    make_event(partner, title="Coming", days_ahead=2)

    titles = [e["title"] for e in client.get("/api/v1/events?when=past").get_json()["items"]]

    assert titles == ["Recently", "Long ago"]


def test_filters(client, make_event, make_partner, make_project):
    lisbon = make_partner(country="PT", timezone="Europe/Lisbon", default_language="pt")
    bucharest = make_partner(
        make_project(slug="ro-project"), country="RO", city="Cluj", timezone="Europe/Bucharest", default_language="ro"
    )
    make_event(lisbon, title="Lisbon")
    make_event(bucharest, title="Cluj online", format=EventFormat.ONLINE, venue_name="")

    for query in ("country=RO", "country=ro", "language=ro", "format=online", "project=ro-project"):
        titles = [e["title"] for e in client.get(f"/api/v1/events?{query}").get_json()["items"]]
        assert titles == ["Cluj online"], query


def test_online_event_has_no_venue(client, make_event):
    make_event(format=EventFormat.ONLINE, venue_name="", online_platform="Jitsi")

    [item] = client.get("/api/v1/events").get_json()["items"]

    assert item["venue_name"] is None and item["online_platform"] == "Jitsi"


def test_pagination(client, make_event, make_partner):
    partner = make_partner()
    for n in range(5):
        make_event(partner, title=f"Event {n}", days_ahead=3 + n)

    body = client.get("/api/v1/events?per_page=2&page=3").get_json()

    assert [e["title"] for e in body["items"]] == ["Event 4"]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (3, 2, 5, 3)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("format=bogus", "format"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("when=soon", "when"),
        ("country=ZZ", "country"),
        ("language=xx", "language"),
    ],
)
def test_bad_parameters_are_400_json_with_a_code(client, query, field):
    response = client.get(f"/api/v1/events?{query}")

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter"
    assert error["message"]
    assert field in error["errors"]


def test_detail_has_agenda_speakers_results_and_safe_html(
    client, make_event, make_partner, make_project, make_agenda_item, make_speaker
):
    project = make_project()
    partner = make_partner(project, timezone="Europe/Bucharest", country="RO", city="Iași", default_language="ro")
    event = make_event(
        partner,
        starts_local=summer_day(9),
        description="**Welcome**<script>alert(1)</script>",
        result_ids=[r.id for r in project.results],
    )
    speaker = make_speaker(event, name="Prof. Ion Popescu", affiliation="UAIC")
    make_agenda_item(event, title="Keynote", start_offset=timedelta(minutes=30), speakers=[speaker])

    response = client.get(f"/api/v1/events/{event.id}")

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == DETAIL_FIELDS
    assert "<strong>Welcome</strong>" in body["description_html"]
    assert "<script" not in body["description_html"]
    assert body["agenda"] == [
        {
            "start": f"{summer_day(9).replace(minute=30).isoformat()}+03:00",
            "end": f"{summer_day(10).isoformat()}+03:00",
            "title": "Keynote",
            "kind": "talk",
            "description": "",
            "speakers": [{"name": "Prof. Ion Popescu", "affiliation": "UAIC"}],
        }
    ]
    assert body["speakers"] == [{"name": "Prof. Ion Popescu", "affiliation": "UAIC", "bio": "Criminologist."}]
    assert [r["code"] for r in body["results"]] == ["PR1", "PR2"]
    assert body["results"][0]["work_package"] == "WP2"
    assert "zoom.example" not in response.get_data(as_text=True)
    assert "max-age=60" in response.headers["Cache-Control"]


def test_detail_is_404_json_for_drafts_and_unknown_ids(client, make_event):
    draft = make_event(status=EventStatus.DRAFT)

    for event_id in (draft.id, 999_999):
        response = client.get(f"/api/v1/events/{event_id}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_other_errors_are_json(app, client, monkeypatch):
    assert client.post("/api/v1/events").get_json()["error"]["code"] == "method_not_allowed"
    assert client.get("/api/v1/nothing-here").get_json()["error"]["code"] == "not_found"

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database on fire")

    monkeypatch.setattr(queries, "list_public_events", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/api/v1/events")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "on fire" not in response.get_data(as_text=True)


# --- OpenAPI ------------------------------------------------------------------------------


@pytest.fixture
def openapi(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _resolve(doc: dict, schema: dict) -> dict:
    ref = schema.get("$ref") or (schema.get("allOf") or [{}])[0].get("$ref")
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def test_openapi_document_describes_paths_schemas_and_enums(openapi):
    assert openapi["openapi"].startswith("3.")
    assert {"title", "version"} <= set(openapi["info"])
    assert {"/api/v1/events", "/api/v1/events/{event_id}", "/api/v1/openapi.json"} <= set(openapi["paths"])
    schemas = openapi["components"]["schemas"]
    assert {"Event", "EventDetail", "EventList", "Error"} <= set(schemas)

    assert set(schemas["Event"]["properties"]) == EVENT_FIELDS
    assert set(schemas["EventDetail"]["properties"]) == DETAIL_FIELDS
    assert set(schemas["Event"]["properties"]["format"]["enum"]) == {"in_person", "online", "hybrid"}
    assert "draft" not in schemas["Event"]["properties"]["status"]["enum"]
    assert schemas["Event"]["properties"]["registration_open"]["type"] == "boolean"
    assert schemas["Event"]["properties"]["start"]["format"] == "date-time"
    assert "error" in schemas["Error"]["properties"]

    list_op = openapi["paths"]["/api/v1/events"]["get"]
    params = {p["name"]: p for p in list_op["parameters"]}
    assert {"project", "country", "language", "format", "when", "page", "per_page", "lang"} <= set(params)
    assert all(p["in"] == "query" for p in params.values())
    assert set(params["format"]["schema"]["enum"]) == {"in_person", "online", "hybrid"}
    assert set(params["when"]["schema"]["enum"]) == {"upcoming", "past"}
    assert (params["per_page"]["schema"]["minimum"], params["per_page"]["schema"]["maximum"]) == (1, 100)
    assert {"200", "400", "500"} <= set(list_op["responses"])
    assert "404" in openapi["paths"]["/api/v1/events/{event_id}"]["get"]["responses"]


def test_real_responses_match_the_documented_properties(client, openapi, make_event, make_agenda_item, make_speaker):
    event = make_event()
    make_agenda_item(event, speakers=[make_speaker(event)])
    schemas = openapi["components"]["schemas"]

    listing = client.get("/api/v1/events").get_json()
    detail = client.get(f"/api/v1/events/{event.id}").get_json()
    error = client.get("/api/v1/events/0").get_json()

    assert set(listing) == set(schemas["EventList"]["properties"])
    assert set(listing["items"][0]) == set(schemas["Event"]["properties"])
    assert set(detail) == set(schemas["EventDetail"]["properties"])
    agenda_schema = _resolve(openapi, schemas["EventDetail"]["properties"]["agenda"]["items"])
    assert set(detail["agenda"][0]) == set(agenda_schema["properties"])
    project_schema = _resolve(openapi, schemas["Event"]["properties"]["project"])
    assert set(detail["project"]) == set(project_schema["properties"])
    error_body = _resolve(openapi, schemas["Error"]["properties"]["error"])
    assert set(error["error"]) <= set(error_body["properties"])


def test_405_names_the_allowed_methods_in_allow(client):
    for url in ("/api/v1/events", "/privacy"):
        response = client.post(url)

        assert response.status_code == 405
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_an_empty_country_or_project_filter_means_no_filter(client, make_event):
    make_event(title="Public seminar")

    for query in ("country=", "project=", "country=&project="):
        response = client.get(f"/api/v1/events?{query}")

        assert response.status_code == 200, query
        assert [e["title"] for e in response.get_json()["items"]] == ["Public seminar"]


@pytest.mark.parametrize("project", ["\x00", "a b", "PREV1;drop", "x" * 81])
def test_a_project_filter_that_is_no_slug_is_a_400_naming_the_parameter(client, project) -> None:
    response = client.get("/api/v1/events", query_string={"project": project})

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and "project" in error["errors"]
