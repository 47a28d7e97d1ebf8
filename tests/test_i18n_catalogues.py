"""Every shipped catalogue is complete, consistent with the source and with CLDR.

These are the tests that say when a language is ready: a consortium adding its own language
(README, "Adding a language") runs them until they pass.
"""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.plural import _plural_tags

from config import Config
from seminar_app import i18n

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "seminar_app" / "translations"
SHIPPED = [code for code in Config.LANGUAGES if code != i18n.DEFAULT_LANGUAGE]
# Python-format placeholders and str.format fields, as they appear in our sources.
PLACEHOLDER = re.compile(r"%\([A-Za-z_0-9]+\)[sd]|%[sd]|\{[A-Za-z_0-9]*\}")
# The numbers LANGUAGES.md asks every language to be checked with.
NUMBERS = (0, 1, 2, 3, 5, 11, 12, 14, 19, 20, 21, 22, 25, 100, 101, 102, 111, 112, 1000, 1_000_000, 2_000_000)


def _catalogue(code: str) -> Catalog:
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _template() -> Catalog:
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        return read_po(handle)


def _entries(catalogue: Catalog) -> dict[tuple[str | None, str], object]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue if m.id}


def test_every_configured_language_has_a_regional_locale_and_a_catalogue() -> None:
    for code in Config.LANGUAGES:
        assert code in i18n.LOCALES, f"{code} has no regional locale in seminar_app.i18n.LOCALES"
        Locale.parse(i18n.locale_id(code))
    for code in SHIPPED:
        assert (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").exists(), f"no catalogue for {code}"


@pytest.mark.parametrize("code", SHIPPED)
def test_the_catalogue_translates_every_source_string(code: str) -> None:
    template = _entries(_template())
    catalogue = _entries(_catalogue(code))

    missing = sorted(str(key[1])[:60] for key in template if key not in catalogue)
    untranslated = []
    fuzzy = []
    for key, message in catalogue.items():
        if key not in template:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)  # type: ignore[attr-defined]
        if not all(strings):
            untranslated.append(str(key[1])[:60])
        if message.fuzzy:  # type: ignore[attr-defined]
            fuzzy.append(str(key[1])[:60])
    assert not missing, (
        f"{code}: {len(missing)} source strings not in the catalogue (run make messages): {missing[:10]}"
    )
    assert not untranslated, f"{code}: {len(untranslated)} untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_translations_keep_the_placeholders_of_the_source(code: str) -> None:
    wrong = []
    for message in _catalogue(code):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            wanted = set(PLACEHOLDER.findall(message.id[1])) | set(PLACEHOLDER.findall(message.id[0]))
            for form in message.string:
                # A singular form may spell the number out ("Um evento"), never add a placeholder.
                if form and not set(PLACEHOLDER.findall(form)) <= wanted:
                    wrong.append((message.id[0], form))
        elif message.string and set(PLACEHOLDER.findall(message.string)) != set(PLACEHOLDER.findall(message.id)):
            wrong.append((message.id, message.string))
    assert not wrong, f"{code}: placeholders differ from the source in {len(wrong)} entries: {wrong[:5]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_the_plural_rule_is_cldrs_for_the_regional_variant(code: str) -> None:
    """European Portuguese says "0 eventos", Brazil "0 evento": the header follows the region."""
    catalogue = _catalogue(code)
    locale = Locale.parse(i18n.locale_id(code))
    order = [tag for tag in _plural_tags if tag in locale.plural_form.tags or tag == "other"]
    used = {locale.plural_form(n) for n in NUMBERS}
    # Categories no whole number reaches (Polish "other" is for fractions) need no form.
    forms = [tag for tag in order if tag in used]
    assert catalogue.num_plurals == len(forms), f"{code}: {catalogue.num_plurals} forms, CLDR has {forms}"
    for n in NUMBERS:
        assert forms[gettext.c2py(catalogue.plural_expr)(n)] == locale.plural_form(n), f"{code}: n={n}"


def test_every_string_in_the_code_and_templates_is_in_the_template_catalogue(tmp_path: Path) -> None:
    """Run the extraction as `make messages` does and compare: a string added without
    extraction would stay English in every language."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()", "extract", "-F", "babel.cfg",
         "-k", "_l", "-o", str(fresh), "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with fresh.open("rb") as handle:
        extracted = set(_entries(read_po(handle)))
    committed = set(_entries(_template()))

    assert not extracted - committed, f"not extracted into messages.pot: {sorted(extracted - committed)[:10]}"
    assert not committed - extracted, f"stale in messages.pot: {sorted(committed - extracted)[:10]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_a_complete_catalogue_is_offered(app, code: str) -> None:
    with app.app_context():
        assert code in i18n.offered_languages()
