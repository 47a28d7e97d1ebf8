"""The rehearsal's load (Locust, headless): people browsing the public pages, programs reading
the API and calendar feeds, and people registering through the form (with its CSRF token) and
through the JSON API, for hybrid events near capacity.

Every request that fails (connection error, 5xx) is retried once by the client, as a browser
user or an API client would; each failure and its retry are logged (JSON lines) to
REHEARSAL_CLIENT_LOG, with every registration the client got a success answer for, so that
figures.py can check them against the database.

Environment: REHEARSAL_EVENTS (seed.py's JSON), REHEARSAL_CLIENT_LOG, REHEARSAL_HOST (the
Host header visitors send: PUBLIC_BASE_URL's host).
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

_SEED = json.loads(Path(os.environ["REHEARSAL_EVENTS"]).read_text())
EVENTS: list[dict[str, Any]] = _SEED["events"]
PROJECTS: list[str] = _SEED["projects"]
HOST_HEADER = os.environ.get("REHEARSAL_HOST", "")
_LOG = open(os.environ["REHEARSAL_CLIENT_LOG"], "a", encoding="utf-8")  # noqa: SIM115 (the process's life)
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def log(kind: str, **values: Any) -> None:
    _LOG.write(json.dumps({"kind": kind, "time": time.time(), **values}) + "\n")
    _LOG.flush()


class Visitor(HttpUser):
    abstract = True

    def on_start(self) -> None:
        if HOST_HEADER:
            self.client.headers["Host"] = HOST_HEADER

    def call(self, method: str, url: str, name: str, ok: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        """One request, retried once after a connection error or a 5xx (logged either way).
        Returns the response, or None when the retry failed too."""
        for attempt in (1, 2):
            with self.client.request(method, url, name=name, catch_response=True, **kwargs) as response:
                status = response.status_code
                if status == 0 or status >= 500:
                    response.failure(f"status {status}")
                    log("failure", name=name, method=method, status=status, attempt=attempt)
                    continue
                if status not in ok:
                    response.failure(f"unexpected status {status}")
                    log("unexpected", name=name, method=method, status=status, attempt=attempt)
                    return None
                response.success()
                if attempt == 2:
                    log("retried_ok", name=name, method=method, status=status)
                return response
        log("failed_after_retry", name=name, method=method)
        return None


class Browser(Visitor):
    """Someone looking at the events: the list, an event page, its stylesheet (from nginx)."""

    weight = 5
    wait_time = between(0.3, 1.5)

    @task(3)
    def event_list(self) -> None:
        self.call("GET", "/", "/ (event list)")

    @task(5)
    def event_page(self) -> None:
        event = random.choice(EVENTS)
        self.call("GET", f"/events/{event['slug']}", "/events/<slug>")

    @task(1)
    def stylesheet(self) -> None:
        self.call("GET", "/static/css/app.css", "/static/css/app.css")


class Reader(Visitor):
    """Programs reading the API and the calendar feeds."""

    weight = 3
    wait_time = between(0.3, 1.5)

    @task(3)
    def api_list(self) -> None:
        self.call("GET", "/api/v1/events", "/api/v1/events")

    @task(3)
    def api_event(self) -> None:
        event = random.choice(EVENTS)
        self.call("GET", f"/api/v1/events/{event['id']}", "/api/v1/events/<id>")

    @task(2)
    def event_ics(self) -> None:
        event = random.choice(EVENTS)
        self.call("GET", f"/events/{event['slug']}/calendar.ics", "/events/<slug>/calendar.ics")

    @task(1)
    def project_feed(self) -> None:
        self.call("GET", f"/feeds/projects/{random.choice(PROJECTS)}.ics", "/feeds/projects/<slug>.ics")


class Registrant(Visitor):
    """Someone registering for a hybrid event, on the form or through the JSON API."""

    weight = 2
    wait_time = between(1.0, 3.0)

    def _person(self, event: dict[str, Any]) -> dict[str, Any]:
        groups = event.get("groups") or [""]
        return {
            "name": "Load Tester",
            "email": f"{uuid.uuid4().hex[:16]}@load.example.org",
            "organisation": "Probation Service",
            "stakeholder_group": random.choice(groups),
            "mode": random.choice(["onsite", "online"]),
        }

    @task
    def register_form(self) -> None:
        event = random.choice(EVENTS)
        path = f"/events/{event['slug']}/register"
        page = self.call("GET", path, "/events/<slug>/register")
        if page is None:
            return
        match = _CSRF.search(page.text)
        if match is None:
            log("unexpected", name="register form without CSRF token", method="GET", status=page.status_code, attempt=1)
            return
        person = self._person(event)
        form = {**person, "csrf_token": match.group(1), "privacy_acknowledged": "y", "website": ""}
        answer = self.call(
            "POST", path, "POST /events/<slug>/register", ok=(302, 303), data=form, allow_redirects=False
        )
        if answer is not None and "/register/done" in answer.headers.get("Location", ""):
            log("registered", event_id=event["id"], email=person["email"], via="form")

    @task
    def register_api(self) -> None:
        event = random.choice(EVENTS)
        person = {**self._person(event), "privacy_acknowledged": True}
        answer = self.call(
            "POST",
            f"/api/v1/events/{event['id']}/registrations",
            "POST /api/v1/events/<id>/registrations",
            ok=(202,),
            json=person,
        )
        if answer is not None:
            log("registered", event_id=event["id"], email=person["email"], via="api")
