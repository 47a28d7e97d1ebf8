"""The dashboard and the exports at 10,000, 100,000 and 1,000,000 registrations, against
plain SQL queries that write the same rows to CSV with the standard library.

For each size the script builds a project of 300 events on PostgreSQL (a database of its
own, BENCH_REPORTS_DATABASE_URL, default seminar_bench_reports, emptied first) with
`seminar_app.demo_large` (COPY, about two minutes for the million), then measures, each in
a fresh Python process:

- the dashboard page (its queries and the template) through the test client, as a manager:
  "dashboard" with nothing changed since the last view (its cold run, the first view of
  the project, counts every event: `reports.tallies`), and "dashboard+1" with one new
  registration committed before each run, so that one event is counted again;
- the events CSV, every table as CSV in a zip, the XLSX workbook and the PDF summary,
  through their routes, reading the streamed body and throwing it away;
- the reference: one `text()` query of the same event rows (with their registered,
  attended and external counts) written with `csv.writer`;
- the participant-level export of the project's first partner (one row per registration:
  a fifth of the size, so 200,000 rows at the largest) as CSV and XLSX, through their
  routes, as that partner's organiser;
- its reference, "people SQL": one `text()` query of the same fourteen columns (the
  attendance days aggregated by the database) written with `csv.writer`.

The tables are ANALYZEd after the bulk load, as autovacuum would do on a live database;
without statistics PostgreSQL picks nested loops and the reference alone takes seconds.

Time is the best of --repeat warm runs (the first, cold run pays for template compiling
and caches). Memory is measured two ways, because neither alone is honest:

- peak RSS: the kernel's high-water mark of the whole process (/proc/self/status VmHWM,
  reset just before the run through /proc/self/clear_refs) minus the RSS at that moment.
  It sees everything (libpq's result buffers, zlib, lxml) but is page-granular and
  counts first-use caches, so a cold run is included;
- Python heap: tracemalloc's peak during one more run. Exact for Python objects but blind
  to C allocations, and it slows the code down, which is why it has a run of its own.

The event exports have one row per event (300 at every size): what grows is the
registrations the database aggregates. The participant exports grow with the size. Flat
memory from the smallest to the largest size shows that no export holds all its rows.
The references load their whole result (a plain client-side cursor): their memory grows,
which is expected and not a target.

    PYTHONPATH=. .venv/bin/python bench/reports.py [--sizes 10000,100000,1000000] [--repeat 3] [--no-build]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable

from bench.common import DEFAULT_DB, ROOT, ensure_database
from seminar_app.demo import PARTNERS

DB_URL = os.environ.get("BENCH_REPORTS_DATABASE_URL", DEFAULT_DB.rsplit("/", 1)[0] + "/seminar_bench_reports")
EVENTS = 300
MANAGER, PASSWORD = "bench.manager@bench.example", "bench-manager-password"
ORGANISER = "bench.organiser@bench.example"  # acts for the first partner of every project
MEASURES = (
    "reference",
    "dashboard",
    "dashboard+1",
    "events.csv",
    "csv.zip",
    "xlsx",
    "pdf",
    "people SQL",
    "people.csv",
    "people.xlsx",
)
RATIO_TO = {"people.csv": "people SQL", "people.xlsx": "people SQL"}  # the others: "reference"

REFERENCE_SQL = """
SELECT e.id, e.title, p.short_name, e.country, e.kind, e.format, e.status, e.starts_at, e.ends_at, e.timezone,
       e.city, e.online_platform, e.language, e.objective, e.outcome,
       count(r.id) AS registered,
       count(a.registration_id) AS attended,
       count(a.registration_id) FILTER (WHERE NOT r.is_partner_staff) AS attended_external
FROM event e
JOIN partner p ON p.id = e.partner_id
LEFT JOIN registration r ON r.event_id = e.id AND r.status IN ('confirmed', 'pending', 'waitlisted')
LEFT JOIN (SELECT DISTINCT registration_id FROM attendance) a ON a.registration_id = r.id
WHERE p.project_id = :project AND e.status <> 'draft'
GROUP BY e.id, p.short_name
ORDER BY e.starts_at, e.id
"""

PEOPLE_SQL = """
SELECT e.title, (e.starts_at AT TIME ZONE 'UTC' AT TIME ZONE e.timezone)::date AS event_date,
       r.name, r.function_role, r.organisation, r.organisation_city, r.organisation_country, r.email,
       r.stakeholder_group, r.mode, r.status, count(a.id) > 0 AS attended,
       coalesce(string_agg(a.day::text || ' ' || a.mode, '; ' ORDER BY a.day), '') AS days, r.is_partner_staff
FROM registration r
JOIN event e ON e.id = r.event_id
LEFT JOIN attendance a ON a.registration_id = r.id
WHERE e.partner_id = :partner
GROUP BY r.id, e.id
ORDER BY e.starts_at, e.id, r.id
"""


# A copy of the newest registration of the project's first event, under a new address.
ONE_MORE_SQL = """
INSERT INTO registration (event_id, status, mode, name, email, organisation, organisation_city, organisation_country,
                          function_role, stakeholder_group, is_partner_staff, access_needs, language, source,
                          created_at, updated_at, confirmed_at)
SELECT event_id, status, mode, name, gen_random_uuid() || '@bench.example', organisation, organisation_city,
       organisation_country, function_role, stakeholder_group, is_partner_staff, access_needs, language, source,
       created_at, updated_at, confirmed_at
FROM registration
WHERE event_id = (SELECT min(e.id) FROM event e JOIN partner p ON p.id = e.partner_id WHERE p.project_id = :project)
ORDER BY id DESC LIMIT 1
"""


def _app():  # type: ignore[no-untyped-def]
    from seminar_app import create_app

    config = {"SQLALCHEMY_DATABASE_URI": DB_URL, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    return create_app(config)


def build(sizes: list[int]) -> None:
    """A new database, then one project per size and a manager of all of them."""
    from sqlalchemy import select, text

    from seminar_app.accounts.models import User
    from seminar_app.demo_large import build_large_project
    from seminar_app.enums import Role
    from seminar_app.extensions import db
    from seminar_app.projects.models import Project

    ensure_database(DB_URL, empty=True)  # a new database: tables an older version made would be left behind
    app = _app()
    with app.app_context():
        db.create_all()
        manager = User(email=MANAGER, name="Bench manager", role=Role.MANAGER)
        manager.set_password(PASSWORD)
        for size in sizes:
            summary = build_large_project(size, events=EVENTS, slug=f"bench-{size}")
            print(
                f"built bench-{size}: {summary.events} events, {summary.registrations} registrations, "
                f"{summary.attendances} attendances, {summary.feedback_responses} feedback answers "
                f"in {summary.seconds:.1f} s",
                flush=True,
            )
        manager.projects = list(db.session.scalars(select(Project)))
        organiser = User(email=ORGANISER, name="Bench organiser", role=Role.ORGANISER)
        organiser.set_password(PASSWORD)
        organiser.partners = [_first_partner(project) for project in manager.projects]
        db.session.add_all([manager, organiser])
        db.session.commit()
        # Bulk-loaded tables have no planner statistics until autovacuum comes by; a live database has them.
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _first_partner(project):  # type: ignore[no-untyped-def]
    return min(project.partners, key=lambda partner: partner.id)


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        return int(re.search(rf"{field}:\s+(\d+)", status.read()).group(1))  # type: ignore[union-attr]


def _reset_peak() -> int:
    """Reset the process's peak RSS to its current RSS (Linux >= 4.0); returns the RSS in KiB."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    return _rss_kib("VmRSS")


def measure(kind: str, slug: str, repeat: int) -> dict[str, float]:
    """Run one measurement `repeat` times (plus one under tracemalloc) in this process."""
    import fpdf  # noqa: F401  (imported before the runs, like in a running server)
    import openpyxl  # noqa: F401
    from sqlalchemy import select, text

    from seminar_app.extensions import db
    from seminar_app.projects.models import Project

    app = _app()
    with app.app_context():
        project = db.session.scalars(select(Project).where(Project.slug == slug)).one()
        project_id, partner_id = project.id, _first_partner(project).id
        db.session.remove()
    client = app.test_client()
    reader = ORGANISER if kind.startswith("people") else MANAGER
    assert client.post("/login", data={"email": reader, "password": PASSWORD}).status_code == 302
    base = f"/projects/{slug}/dashboard"
    urls = {"dashboard": base, "dashboard+1": base, "events.csv": f"{base}/export/events.csv",
            "csv.zip": f"{base}/export.csv.zip", "xlsx": f"{base}/export.xlsx", "pdf": f"{base}/export.pdf",
            "people.csv": f"/partners/{partner_id}/participants.csv",
            "people.xlsx": f"/partners/{partner_id}/participants.xlsx"}  # fmt: skip

    def through_route() -> int:
        response = client.get(urls[kind], buffered=False)
        assert response.status_code == 200, response.status
        size = sum(len(chunk) for chunk in response.iter_encoded())
        response.close()
        return size

    def reference() -> int:
        sql, parameters = (
            (PEOPLE_SQL, {"partner": partner_id}) if kind == "people SQL" else (REFERENCE_SQL, {"project": project_id})
        )
        with app.app_context(), tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            result = db.session.execute(text(sql), parameters)
            writer.writerow(result.keys())
            writer.writerows(result)
            size = out.tell()
            db.session.remove()
        return size

    def one_more_registration() -> None:
        """A new registration for one of the project's events, committed before the timed run."""
        with app.app_context():
            db.session.execute(text(ONE_MORE_SQL), {"project": project_id})
            db.session.commit()
            db.session.remove()

    run: Callable[[], int] = reference if kind in ("reference", "people SQL") else through_route
    prepare = one_more_registration if kind == "dashboard+1" else lambda: None
    before = _reset_peak()
    times, size = [], 0
    for _ in range(repeat + 1):  # the first run is cold and not timed
        prepare()
        started = time.perf_counter()
        size = run()
        times.append(time.perf_counter() - started)
    peak_rss = (_rss_kib("VmHWM") - before) / 1024
    tracemalloc.start()
    run()
    heap = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"seconds": min(times[1:]), "cold": times[0], "rss": peak_rss, "heap": heap, "bytes": size}


def _subprocess(kind: str, slug: str, repeat: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, __file__, "--measure", kind, "--slug", slug, "--repeat", str(repeat)]
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="Registrations per project, comma-separated.")
    parser.add_argument("--repeat", type=int, default=3, help="Timed warm runs per measurement.")
    parser.add_argument(
        "--no-build", action="store_true", help="Measure the projects an earlier run built (same --sizes)."
    )
    parser.add_argument("--measure", choices=MEASURES, help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.slug, args.repeat)))
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    if not args.no_build:
        build(sizes)
    results = {size: {kind: _subprocess(kind, f"bench-{size}", args.repeat) for kind in MEASURES} for size in sizes}

    print(f"\nPostgreSQL, {EVENTS} events per project; best of {args.repeat} warm runs, each kind in a fresh process")
    print("peak RSS: process high-water mark above the RSS before the runs (cold run included);")
    print("Python heap: tracemalloc peak of one more run. people.*: ratio to people SQL, the others to reference;")
    print(f"people rows: {', '.join(f'{size // len(PARTNERS):,} at {size:,}' for size in sizes)}.")
    header = f"{'registrations':>13}  {'measure':<12}{'seconds':>9}{'cold s':>8}{'peak RSS MiB':>14}"
    print(header + f"{'Python heap MiB':>17}{'output KiB':>12}{'ratio to SQL':>14}")
    for size in sizes:
        for kind, r in results[size].items():
            reference = results[size][RATIO_TO.get(kind, "reference")]["seconds"]
            ratio = "1" if kind in ("reference", "people SQL") else f"{r['seconds'] / reference:.1f}"
            print(
                f"{size:>13,}  {kind:<12}{r['seconds']:>9.3f}{r['cold']:>8.2f}{r['rss']:>14.1f}"
                f"{r['heap']:>17.1f}{r['bytes'] / 1024:>12.0f}{ratio:>14}"
            )
    print("\nmemory from the smallest to the largest size (peak RSS / Python heap, MiB):")
    small, large = sizes[0], sizes[-1]
    for kind in MEASURES:
        a, b = results[small][kind], results[large][kind]
        print(f"  {kind:<12}{a['rss']:>7.1f} -> {b['rss']:<7.1f}  {a['heap']:>7.1f} -> {b['heap']:.1f}")


if __name__ == "__main__":
    main()
