"""A project's funding rules, read with their defaults.

A project that never saved its rules is under the Erasmus+ 2014-2020 Strategic Partnerships
defaults (100 EUR per local participant, 200 EUR per international one, capped at 30,000 EUR,
partner staff not counted). `PRESETS` also holds the 2021-2027 lump-sum model, where delivery
is compared with the plan without an amount per head. Every figure is a project setting.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from seminar_app.enums import FundingModel
from seminar_app.extensions import db
from seminar_app.funding.models import FundingRules
from seminar_app.projects.models import Project

_COMMON: dict[str, Any] = {
    "currency": "EUR",
    "partner_staff_count": False,
    "min_online_minutes": 30,
    "needs_agenda": True,
    "needs_material": True,
}

PRESETS: dict[str, dict[str, Any]] = {
    "erasmus_2014_2020": {
        **_COMMON,
        "model": FundingModel.UNIT_COSTS.value,
        "amount_local": Decimal("100"),
        "amount_international": Decimal("200"),
        "cap": Decimal("30000"),
        "needs_signed_sheet": True,
        "needs_online_report": True,
    },
    "erasmus_2021_2027": {
        **_COMMON,
        "model": FundingModel.LUMP_SUM.value,
        "amount_local": Decimal("0"),
        "amount_international": Decimal("0"),
        "cap": None,
        "needs_signed_sheet": True,
        "needs_online_report": True,
    },
}

DEFAULT_PRESET = "erasmus_2014_2020"


def rules_for(project: Project) -> FundingRules:
    """The project's saved rules, or an unsaved row with the default preset's values (not
    added to the session: reading the rules never writes)."""
    saved = db.session.scalar(select(FundingRules).where(FundingRules.project_id == project.id))
    if saved is not None:
        return saved
    return FundingRules(project_id=project.id, **PRESETS[DEFAULT_PRESET])


def pays_per_head(rules: FundingRules) -> bool:
    return rules.model == FundingModel.UNIT_COSTS.value
