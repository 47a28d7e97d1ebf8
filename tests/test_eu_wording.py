"""The Commission's official funding statement and disclaimer exist in every shipped language."""

from __future__ import annotations

import pytest

from config import Config
from seminar_app.projects import eu_wording
from seminar_app.projects.eu_wording import DISCLAIMERS, STATEMENTS, FundingKind, disclaimer, funding_block, statement

EU_OFFICIAL_LANGUAGES = {
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
}  # fmt: skip


@pytest.mark.parametrize("code", list(Config.LANGUAGES))
def test_every_shipped_language_has_both_statements_and_the_disclaimer(code):
    assert set(STATEMENTS[code]) == set(FundingKind)
    assert all(text.strip() for text in STATEMENTS[code].values())
    assert code in DISCLAIMERS
    for kind in FundingKind:
        generic = disclaimer(kind, code)
        named = disclaimer(kind, code, "Agência Nacional Erasmus+")
        assert generic.startswith(DISCLAIMERS[code].lead[kind])
        assert "{" not in generic and "{" not in named, "no placeholder is left"
        assert "Agência Nacional Erasmus+" in named and "Agência Nacional Erasmus+" not in generic
        assert "EACEA" in disclaimer(kind, code, "eacea")


def test_the_statement_exists_in_all_24_official_languages_and_turkish():
    assert set(STATEMENTS) == EU_OFFICIAL_LANGUAGES | {"tr"}


def test_english_is_the_commissions_wording_word_for_word():
    assert statement(FundingKind.CO_FUNDED, "en") == "Co-funded by the European Union"
    assert statement(FundingKind.FUNDED, "en") == "Funded by the European Union"
    assert disclaimer(FundingKind.FUNDED, "en") == (
        "Funded by the European Union. Views and opinions expressed are however those of the author(s) only and do "
        "not necessarily reflect those of the European Union or the granting authority. Neither the European Union "
        "nor the granting authority can be held responsible for them."
    )
    assert disclaimer(FundingKind.FUNDED, "en", "EACEA") == (
        "Funded by the European Union. Views and opinions expressed are however those of the author(s) only and do "
        "not necessarily reflect those of the European Union or the European Education and Culture Executive Agency "
        "(EACEA). Neither the European Union nor EACEA can be held responsible for them."
    )
    assert disclaimer(FundingKind.CO_FUNDED, "en").startswith("Co-funded by the European Union. Views and opinions")


def test_portuguese_names_a_national_agency_after_the_generic_term():
    text = disclaimer(FundingKind.CO_FUNDED, "pt", "Agência Nacional Erasmus+ Educação e Formação")
    assert text.startswith("Cofinanciado pela União Europeia. Os pontos de vista e as opiniões expressas")
    assert "ou da autoridade que concede a subvenção (Agência Nacional Erasmus+ Educação e Formação)." in text


def test_turkish_uses_the_turkish_national_agencys_wording():
    assert statement(FundingKind.FUNDED, "tr") == "Avrupa Birliği tarafından finanse edilmektedir"
    assert disclaimer(FundingKind.FUNDED, "tr").endswith("Avrupa Birliği ve hibe makamı bunlardan sorumlu tutulamaz.")


def test_a_language_without_official_wording_gets_english():
    assert eu_wording.statement_language("xx") == eu_wording.disclaimer_language("xx") == "en"
    assert statement(FundingKind.CO_FUNDED, "xx") == "Co-funded by the European Union"


class Project:
    def __init__(self, **values: str) -> None:
        self.funding_kind = values.get("funding_kind", "co_funded")
        self.granting_authority = values.get("granting_authority", "")
        self.funding_statement = values.get("funding_statement", "")
        self.disclaimer = values.get("disclaimer", "")
        self.default_language = values.get("default_language", "en")


def test_own_wording_is_shown_only_in_the_projects_default_language():
    project = Project(funding_statement="With the support of the EU", disclaimer="Our own words.")
    english = funding_block(project, "en")
    portuguese = funding_block(project, "pt")
    assert (english.statement, english.disclaimer, english.statement_language) == (
        "With the support of the EU",
        "Our own words.",
        "en",
    )
    assert portuguese.statement == "Cofinanciado pela União Europeia"
    assert portuguese.disclaimer.startswith("Financiado pela União Europeia.") is False
    assert portuguese.disclaimer.startswith("Cofinanciado pela União Europeia. Os pontos de vista")
    assert (portuguese.statement_language, portuguese.disclaimer_language) == ("pt", "pt")


def test_an_empty_own_wording_falls_back_to_the_official_one_even_in_the_default_language():
    block = funding_block(Project(funding_kind="funded", default_language="pt"), "pt")
    assert block.statement == "Financiado pela União Europeia"
    assert block.disclaimer.startswith("Financiado pela União Europeia. Os pontos de vista")


def test_a_language_with_the_official_statement_only_is_marked_so():
    """Greek (a consortium may add it) has the Commission's statement here but no disclaimer yet."""
    block = funding_block(Project(), "el")
    assert block.statement == "Με τη συγχρηματοδότηση της Ευρωπαϊκής Ένωσης"
    assert block.disclaimer.startswith("Co-funded by the European Union. Views")
    assert (block.statement_language, block.disclaimer_language) == ("el", "en")
