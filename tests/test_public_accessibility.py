"""The accessibility statement says what was tested and how, with the axe-core version the
browser tests really use (tests/tools/package.json)."""

from __future__ import annotations

import json
from pathlib import Path


def test_the_statement_names_the_pinned_axe_version_the_screens_and_what_was_not_tested(client) -> None:  # type: ignore[no-untyped-def]
    package = json.loads((Path(__file__).parent / "tools" / "package.json").read_text())
    page = client.get("/accessibility").get_data(as_text=True)

    assert f"axe-core {package['dependencies']['axe-core']}" in page, "the statement names the version the tests use"
    assert "WCAG 2.0 and 2.1 at levels A and AA" in page
    assert "390 pixels wide" in page and "3:1" in page and "24 by 24 pixels" in page
    assert "Not yet tested" in page and "screen readers" in page
