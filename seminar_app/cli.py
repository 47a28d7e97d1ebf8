"""`flask` commands. Each command is a thin door to the same services the web uses."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the command groups of every area."""
