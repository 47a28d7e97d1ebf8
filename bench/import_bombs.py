"""Peak memory of the contacts import reading hostile workbooks (issue 13, point 7).

Each workbook from tests/xlsx_bombs.py is read by `contacts.imports.read_table` in a fresh
process, which prints its maximum resident set size before and after and what the import
answered. `--repo DIR` reads with another checkout's code (an older commit, say) so that
both are measured in one run:

    PYTHONPATH=. .venv/bin/python bench/import_bombs.py
    PYTHONPATH=. .venv/bin/python bench/import_bombs.py --repo /tmp/before
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BOMBS = {
    "wide rows (1000 x 5000 cells)": "xlsx_bombs.wide_rows_bomb(1000, 5000)",
    "one 400 MB shared string": "xlsx_bombs.shared_string_bomb()",
    "declared dimension A1:XFD1048576": "xlsx_bombs.declared_dimension_bomb()",
    "directory lying about sizes": "xlsx_bombs.lying_sizes(xlsx_bombs.wide_rows_bomb(1000, 5000))",
}

_CHILD = """
import resource, sys, time
sys.path[:0] = [{tests!r}, {repo!r}]
import xlsx_bombs
data = {make}
from flask import Flask
from flask_babel import Babel
app = Flask("bench")
Babel(app)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with app.app_context():
    from seminar_app.contacts.imports import read_table
    start = time.perf_counter()
    try:
        outcome = f"read {{len(read_table(data).rows)}} rows"
    except Exception as exc:
        outcome = f"refused ({{type(exc).__name__}})"
    seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
memory = f"max RSS {{before / 1024:.0f}} -> {{after / 1024:.0f}} MB"
print(f"{{len(data) / 1e6:.2f}} MB zip | {{seconds:.1f}} s | {{memory}} | {{outcome}}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", type=Path, default=ROOT, help="checkout whose import code reads the workbooks")
    parser.add_argument("--timeout", type=int, default=600, help="seconds one read may take")
    args = parser.parse_args()
    print(f"code: {args.repo}")
    for name, make in BOMBS.items():
        child = _CHILD.format(tests=str(ROOT / "tests"), repo=str(args.repo.resolve()), make=make)
        try:
            done = subprocess.run(
                [sys.executable, "-c", child], capture_output=True, text=True, timeout=args.timeout, check=False
            )
            line = done.stdout.strip() or done.stderr.strip().splitlines()[-1]
        except subprocess.TimeoutExpired:
            line = f"still reading after {args.timeout} s"
        print(f"{name:36} {line}")


if __name__ == "__main__":
    main()
