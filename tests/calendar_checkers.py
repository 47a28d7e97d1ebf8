"""pytest plugin: three independent iCalendar checkers that real clients use.

- ``libical``: libical (Evolution, many CalDAV servers) through the system Python's
  ICalGLib bindings; parses the text and runs libical's iTIP restriction check (RFC 5546
  property counts per METHOD). See tests/tools/libical_check.py.
- ``icaljs``: ical.js (Thunderbird, many web calendars) under node; parses the text and
  reports each VEVENT with ical.js's own UTC conversion of its start and end.
  See tests/tools/icaljs_parse.mjs.
- ``caldav``: a real Radicale CalDAV server on 127.0.0.1 with one empty calendar; ``put``
  stores an object the way a client saving an invitation would and returns the HTTP status.

Each fixture is session-scoped and skips (a failure under SEMINAR_STRICT_TESTS=1) when its
tool is not installed: ``.ci/run`` and ``make test`` install them.
"""

from __future__ import annotations

import base64
import http.client
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

TOOLS = Path(__file__).resolve().parent / "tools"
SYSTEM_PYTHON = "/usr/bin/python3"
TIMEOUT = 30  # seconds for one checker run or HTTP request

ICalendar = bytes | str


class CalendarCheckError(AssertionError):
    """A checker could not run, or could not read the calendar at all."""


def _as_bytes(ics: ICalendar) -> bytes:
    return ics.encode("utf-8") if isinstance(ics, str) else ics


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.splitlines()[-lines:])


# --- libical ---------------------------------------------------------------------------


def _libical_available() -> bool:
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    probe = 'import gi; gi.require_version("ICalGLib", "3.0"); from gi.repository import ICalGLib'
    result = subprocess.run([SYSTEM_PYTHON, "-I", "-c", probe], capture_output=True, timeout=TIMEOUT, check=False)
    return result.returncode == 0


def run_libical(ics: ICalendar) -> dict[str, Any]:
    """Run tests/tools/libical_check.py on *ics*: ``{"parsed", "method", "restriction_ok", "errors"}``."""
    result = subprocess.run(
        [SYSTEM_PYTHON, "-I", str(TOOLS / "libical_check.py")],
        input=_as_bytes(ics),
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise CalendarCheckError(f"libical checker crashed (exit {result.returncode}):\n{result.stderr.decode()}")
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def libical() -> Callable[[ICalendar], dict[str, Any]]:
    """``check(ics) -> {"parsed": bool, "method": str, "restriction_ok": bool, "errors": [str]}``.

    A calendar is clean for libical when ``parsed and restriction_ok and not errors``:
    ``errors`` holds every X-LIC-ERROR (values libical could not parse and dropped, stray
    lines, failed iTIP restrictions) as "VCALENDAR/VEVENT: ERRORTYPE: text".
    """
    if not _libical_available():
        pytest.skip("libical (gir1.2-ical-3.0, python3-gi) not installed")
    return run_libical


# --- ical.js ---------------------------------------------------------------------------


def run_icaljs(ics: ICalendar, node: str = "node") -> dict[str, Any]:
    """Run tests/tools/icaljs_parse.mjs on *ics*; raise CalendarCheckError if ical.js cannot parse it."""
    result = subprocess.run(
        [node, str(TOOLS / "icaljs_parse.mjs")],
        input=_as_bytes(ics),
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    try:
        out = json.loads(result.stdout)
    except ValueError:
        raise CalendarCheckError(
            f"ical.js checker crashed (exit {result.returncode}):\n{result.stderr.decode()}"
        ) from None
    if result.returncode != 0 or "error" in out:
        raise CalendarCheckError(f"ical.js could not parse the calendar: {out.get('error')}")
    return out


@pytest.fixture(scope="session")
def icaljs() -> Callable[[ICalendar], dict[str, Any]]:
    """``parse(ics) -> {"method", "calname", "timezones", "warnings", "events": [...]}``.

    Each event has uid, sequence, summary, status, location, description, start_utc and
    end_utc (ISO 8601 in UTC, as ical.js computes them), start_tz/end_tz ("UTC", "floating"
    or the TZID), all_day, recurrence_id, rrule, organizer and attendees (``{"value":
    "mailto:...", "cn", "role", "partstat", "rsvp", "cutype"}``). ``warnings`` lists TZIDs
    that no VTIMEZONE defines (ical.js then reads the time as floating). Raises
    CalendarCheckError when ical.js rejects the text.
    """
    node = shutil.which("node")
    if node is None or not (TOOLS / "node_modules" / "ical.js" / "package.json").is_file():
        pytest.skip("ical.js checker needs node and `npm ci --prefix tests/tools`")
    return lambda ics: run_icaljs(ics, node)


# --- Radicale (CalDAV) -----------------------------------------------------------------

_METHOD_LINE = re.compile(rb"^METHOD[;:]", re.IGNORECASE)


def without_method(ics: ICalendar) -> bytes:
    """Drop the METHOD property (and its folded continuation lines), as a client does before
    storing an iTIP message in a calendar: RFC 4791 §4.1 forbids METHOD in CalDAV resources."""
    out: list[bytes] = []
    skipping = False
    for line in _as_bytes(ics).splitlines(keepends=True):
        if skipping and line[:1] in (b" ", b"\t"):
            continue
        skipping = bool(_METHOD_LINE.match(line))
        if not skipping:
            out.append(line)
    return b"".join(out)


class CalDAVServer:
    """A Radicale server with one calendar collection, ``/<user>/calendar/``."""

    user = "seminar"

    def __init__(self, storage: Path) -> None:
        self.storage = storage
        self.log_path = storage / "radicale.log"
        self.port = 0
        self.collection = f"/{self.user}/calendar/"
        self._proc: subprocess.Popen[bytes] | None = None
        self._auth = "Basic " + base64.b64encode(f"{self.user}:unused".encode()).decode()

    # -- lifecycle --

    def start(self) -> None:
        for _ in range(3):  # another process may grab the free port before Radicale binds it
            self.port = _free_port()
            with self.log_path.open("ab") as log:
                self._proc = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "radicale",
                        "--config",
                        "",
                        "--server-hosts",
                        f"127.0.0.1:{self.port}",
                        "--storage-filesystem-folder",
                        str(self.storage / "collections"),
                        "--auth-type",
                        "none",
                        "--rights-type",
                        "owner_only",
                        "--web-type",
                        "none",
                        "--logging-level",
                        "warning",
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={k: v for k, v in os.environ.items() if k != "RADICALE_CONFIG"},
                )
            if self._wait_until_up():
                break
            self.stop()
        else:
            raise CalendarCheckError(f"Radicale did not start:\n{self.log()}")
        status, body = self.request("MKCALENDAR", self.collection, _MKCALENDAR_BODY, "application/xml; charset=utf-8")
        if status != 201:
            raise CalendarCheckError(f"MKCALENDAR {self.collection} answered {status}: {body!r}\n{self.log()}")

    def _wait_until_up(self, timeout: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                return False
            try:
                self.request("OPTIONS", "/")
            except OSError:
                time.sleep(0.05)
            else:
                return True
        return False

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    # -- HTTP --

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.collection}"

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> tuple[int, bytes]:
        """Send one request as the calendar's owner; return (status, body)."""
        headers = {"Authorization": self._auth}
        if content_type:
            headers["Content-Type"] = content_type
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def put(self, ics: ICalendar, name: str | None = None, *, strip_method: bool = True) -> int:
        """PUT *ics* as ``<name>`` (default: a fresh ``<uuid>.ics``) in the calendar; return the status.

        201 = stored, 204 = replaced an existing *name*, 400 = Radicale rejected the object
        (the reason is in :meth:`log`). With ``strip_method`` (default) the METHOD property is
        removed first, as clients do when they file an invitation.
        """
        data = without_method(ics) if strip_method else _as_bytes(ics)
        status, _ = self.request(
            "PUT", self._path(name or f"{uuid.uuid4().hex}.ics"), data, "text/calendar; charset=utf-8"
        )
        return status

    def get(self, name: str) -> bytes:
        """The stored object ``<name>`` as Radicale serves it."""
        status, body = self.request("GET", self._path(name))
        if status != 200:
            raise CalendarCheckError(f"GET {self._path(name)} answered {status}")
        return body

    def delete(self, name: str) -> int:
        """DELETE ``<name>``; return the status (200 or 204 when it existed)."""
        status, _ = self.request("DELETE", self._path(name))
        return status

    def log(self, lines: int = 20) -> str:
        """The last lines of Radicale's log: why a PUT was refused."""
        try:
            return _tail(self.log_path.read_text(errors="replace"), lines)
        except FileNotFoundError:
            return ""

    def _path(self, name: str) -> str:
        if "/" in name or not name:
            raise ValueError(f"bad resource name {name!r}")
        return self.collection + name


_MKCALENDAR_BODY = b"""<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:set><D:prop><D:displayname>Seminars</D:displayname></D:prop></D:set>
</C:mkcalendar>
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def caldav(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CalDAVServer]:
    """A running Radicale server: ``caldav.put(ics, name=None, strip_method=True) -> status``,
    ``caldav.get(name) -> bytes``, ``caldav.log()`` for the reason of a refusal."""
    if importlib.util.find_spec("radicale") is None:
        pytest.skip("radicale not installed (pip install -r requirements-dev.txt)")
    server = CalDAVServer(tmp_path_factory.mktemp("radicale"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
