#!/usr/bin/python3
"""Check an iCalendar object with libical, the C library behind Evolution and many CalDAV servers.

Run with the *system* Python (``/usr/bin/python3``), which has PyGObject and the ICalGLib
typelib (Debian: python3-gi, gir1.2-ical-3.0); the project's venv has neither.

Reads the calendar on stdin and prints one JSON object on stdout::

    {"parsed": true, "method": "REQUEST", "restriction_ok": true, "errors": []}

- ``parsed``: libical built a VCALENDAR from the text.
- ``method``: the METHOD value ("" when the calendar has none).
- ``restriction_ok``: ``icalrestriction_check`` passed, i.e. the property counts of each
  component fit the iTIP method (RFC 5546 tables; without METHOD, RFC 5545 rules).
- ``errors``: every X-LIC-ERROR that libical attached anywhere in the tree, from parsing
  (bad values, unknown lines) and from the restriction check, as
  "VCALENDAR/VEVENT[2]: ERRORTYPE: text". A value libical cannot parse is dropped with a
  VALUE-PARSE-ERROR, so ``restriction_ok`` alone does not mean the calendar is clean.
  libical itself stops the restriction check at the first failing subcomponent; when it
  fails, each subcomponent is checked again on its own so that all of them are reported.

Exits 0 whatever the verdict; a non-zero exit means the checker itself failed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402


def _kind(component: Any) -> str:
    return ICalGLib.Component.kind_to_string(component.isa()) or "?"


def _children(component: Any) -> list[tuple[str, Any]]:
    """The direct subcomponents with a label such as "VEVENT[2]" (1-based among their kind)."""
    seen: dict[str, int] = {}
    children = []
    child = component.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    while child is not None:
        kind = _kind(child)
        seen[kind] = seen.get(kind, 0) + 1
        children.append((f"{kind}[{seen[kind]}]", child))
        child = component.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    return children


def _collect_errors(component: Any, label: str, errors: list[str]) -> None:
    """Append every X-LIC-ERROR of *component* and its subcomponents, once each."""
    prop = component.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while prop is not None:
        text = prop.get_xlicerror() or ""
        param = prop.get_first_parameter(ICalGLib.ParameterKind.XLICERRORTYPE_PARAMETER)
        kind = param.as_ical_string().partition("=")[2] if param is not None else ""
        error = f"{label}: {kind}: {text}" if kind else f"{label}: {text}"
        if error not in errors:
            errors.append(error)
        prop = component.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    for child_label, child in _children(component):
        _collect_errors(child, f"{label}/{child_label}", errors)


def _method(component: Any) -> str:
    prop = component.get_first_property(ICalGLib.PropertyKind.METHOD_PROPERTY)
    return (prop.get_value_as_string() or "") if prop is not None else ""


def _restriction_errors_per_child(calendar: Any, errors: list[str]) -> None:
    """libical stops checking a calendar's subcomponents at the first one that fails
    (``valid = valid && check(child)``), so check each one in a calendar of its own too:
    a feed with several bad events then reports all of them."""
    for label, child in _children(calendar):
        shell = calendar.clone()
        for _, other in _children(shell):
            shell.remove_component(other)
        shell.add_component(child.clone())
        ICalGLib.restriction_check(shell)
        (only,) = (c for _, c in _children(shell))
        collected: list[str] = []
        _collect_errors(only, f"VCALENDAR/{label}", collected)
        errors.extend(e for e in collected if "INVALID-ITIP" in e and e not in errors)


def check(text: str) -> dict[str, Any]:
    """Parse *text* with libical, run the iTIP restriction check and gather all X-LIC-ERRORs."""
    try:
        component = ICalGLib.Component.new_from_string(text)
    except TypeError:  # PyGObject: "constructor returned NULL"
        component = None
    if component is None:
        return {"parsed": False, "method": "", "restriction_ok": False, "errors": ["libical could not parse the text"]}
    if component.isa() != ICalGLib.ComponentKind.VCALENDAR_COMPONENT:
        errors: list[str] = [f"top-level component is {_kind(component)}, not VCALENDAR"]
        _collect_errors(component, _kind(component), errors)
        return {"parsed": False, "method": "", "restriction_ok": False, "errors": errors}
    pristine = component.clone()
    restriction_ok = bool(ICalGLib.restriction_check(component))
    errors = []
    _collect_errors(component, "VCALENDAR", errors)
    if not restriction_ok:
        _restriction_errors_per_child(pristine, errors)
    return {"parsed": True, "method": _method(component), "restriction_ok": restriction_ok, "errors": errors}


def main() -> int:
    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    json.dump(check(text), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
