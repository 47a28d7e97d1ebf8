"""The European Commission's official funding statement and disclaimer, per language.

These are official texts, kept verbatim as data (not gettext strings): a translator must
not "improve" them, and the lead can see in one place which languages have them
(`tests/test_eu_wording.py` fails when a shipped language lacks one).

What the Commission asks (Communicating and raising EU visibility,
commission.europa.eu/funding-tenders/managing-your-project/communicating-and-raising-eu-visibility_en,
and "The use of the EU emblem in the context of EU programmes"): the EU emblem with the
funding statement "Funded by the European Union" or "Co-funded by the European Union"
written next to it, never separated; and, on material about the action, the disclaimer of
the Model Grant Agreement (art. 17): "Funded by the European Union. Views and opinions
expressed are however those of the author(s) only and do not necessarily reflect those of
the European Union or [name of the granting authority]. Neither the European Union nor the
granting authority can be held responsible for them."

The statements (`STATEMENTS`) are the text of the Commission's logo files, one ZIP per
language at the Logo download centre
(ec.europa.eu/regional_policy/information-sources/logo-download-center_en, files
"XX_Co-fundedbytheEU_RGB_POS" / "XX_FundedbytheEU_RGB_POS"). Checked on 2026-12-02 against
copies used by EU-funded projects (alt texts of the logos, and a provenance note of a project
that read the EN, HR, RO and EL files): found for en, el, et, hr, hu, lt, lv, pl, pt, ro and sl
(the co-funded logo) and for de, es, fi, fr and it (the funded wording, as the first sentence
of their disclaimers). Not found in any copy, so to be checked against the ZIPs by the lead:
bg, cs, da, ga, mt, nl, sk, sv, and the co-funded wording of de, es, fi, fr and it.

The disclaimers, language by language (found with the search tool on 2026-12-02):
- en: the Commission's visibility page and the Model Grant Agreement (above); the EACEA
  version names the European Education and Culture Executive Agency.
- pt: the Erasmus+ disclaimer in the form Portuguese beneficiaries publish (Agência
  Nacional Erasmus+; "... ou da Agência de Execução Europeia da Educação e da Cultura
  (EACEA). Nem a União Europeia nem a EACEA podem ser tidos como responsáveis por essas
  opiniões."); European Portuguese spelling (refletem).
- it: Università di Parma, EU GREEN visibility rules (www.unipr.it/eu-green-news), which
  reproduce the EACEA text and "Né l'Unione europea né l'autorità concedente ...".
- ro: the EACEA text as Romanian beneficiaries publish it, and the ANPCDEFP (Romanian
  National Agency) form "Nici Uniunea Europeană și nici autoritatea finanțatoare nu pot
  fi considerate răspunzătoare pentru acestea."
- fi: the EACEA text in Finnish as published by Erasmus+ projects (Opetushallitus, the
  Finnish National Agency, uses the same text).
- tr: Turkish is not an official EU language, so the Commission publishes no Turkish
  wording. Türkiye Ulusal Ajansı (the Turkish National Agency for Erasmus+) publishes
  "Avrupa Birliği tarafından finanse edilmektedir" (and the co-funded "eş finanse" logo),
  and the disclaimer "... Avrupa Birliği'nin veya Türkiye Ulusal Ajansı'nın görüşlerini
  yansıtmak zorunda değildir. Avrupa Birliği ve hibe makamı bunlardan sorumlu tutulamaz."
  That is the wording used here.
- es: the EACEA text in Spanish as SEPIE (Spanish National Agency) beneficiaries publish it;
  "la autoridad otorgante" as in the Commission's Spanish grant texts.
- fr: the EACEA text in French; "l'autorité octroyante" as in the Commission's French
  grant texts.
- de: the text the German National Agencies (NA beim BIBB, JUGEND für Europa) publish:
  "... spiegeln nicht zwingend die der Europäischen Union oder der Nationalen Agentur
  wider. Weder die Europäische Union noch die Bewilligungsbehörde können dafür
  verantwortlich gemacht werden."
- pl: the text of the Fundacja Rozwoju Systemu Edukacji (Polish National Agency):
  "Sfinansowane ze środków UE. Wyrażone poglądy i opinie są jedynie opiniami autora lub
  autorów i niekoniecznie odzwierciedlają poglądy i opinie Unii Europejskiej lub ...".

The lead should have each text checked once against the Commission's language versions of
the Model Grant Agreement before a release (they could not be opened from the machine
this was written on); a correction is a change to this file only.

Each disclaimer exists in two forms: naming the granting authority the project gave
(`Project.granting_authority`), or, when it gave none, the generic "the granting
authority" of the Model Grant Agreement in that language. EACEA has its own published
wording in every language (`EACEA`), used when the project's authority is "EACEA".
A national agency's name is put after the generic term in brackets, as the published
texts do with "(EACEA)": a name cannot be declined into the cases that Finnish,
Romanian, Polish, Turkish or German need at that place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class FundingKind(StrEnum):
    """Which funding statement goes next to the EU emblem (the grant agreement says)."""

    CO_FUNDED = "co_funded"
    FUNDED = "funded"


# The statement next to the emblem (co-funded, funded), in the 24 official EU languages and Turkish.
_STATEMENTS: dict[str, tuple[str, str]] = {
    "bg": ("Съфинансирано от Европейския съюз", "Финансирано от Европейския съюз"),
    "cs": ("Spolufinancováno Evropskou unií", "Financováno Evropskou unií"),
    "da": ("Medfinansieret af Den Europæiske Union", "Finansieret af Den Europæiske Union"),
    "de": ("Kofinanziert von der Europäischen Union", "Finanziert von der Europäischen Union"),
    "el": ("Με τη συγχρηματοδότηση της Ευρωπαϊκής Ένωσης", "Χρηματοδοτείται από την Ευρωπαϊκή Ένωση"),
    "en": ("Co-funded by the European Union", "Funded by the European Union"),
    "es": ("Cofinanciado por la Unión Europea", "Financiado por la Unión Europea"),
    "et": ("Kaasrahastanud Euroopa Liit", "Rahastanud Euroopa Liit"),
    "fi": ("Euroopan unionin osarahoittama", "Euroopan unionin rahoittama"),
    "fr": ("Cofinancé par l’Union européenne", "Financé par l’Union européenne"),
    "ga": ("Arna chómhaoiniú ag an Aontas Eorpach", "Arna mhaoiniú ag an Aontas Eorpach"),
    "hr": ("Sufinancira Europska unija", "Financira Europska unija"),
    "hu": ("Az Európai Unió társfinanszírozásával", "Az Európai Unió finanszírozásával"),
    "it": ("Cofinanziato dall’Unione europea", "Finanziato dall’Unione europea"),
    "lt": ("Bendrai finansuoja Europos Sąjunga", "Finansuoja Europos Sąjunga"),
    "lv": ("Līdzfinansē Eiropas Savienība", "Finansē Eiropas Savienība"),
    "mt": ("Kofinanzjat mill-Unjoni Ewropea", "Iffinanzjat mill-Unjoni Ewropea"),
    "nl": ("Medegefinancierd door de Europese Unie", "Gefinancierd door de Europese Unie"),
    "pl": ("Współfinansowane przez Unię Europejską", "Sfinansowane przez Unię Europejską"),
    "pt": ("Cofinanciado pela União Europeia", "Financiado pela União Europeia"),
    "ro": ("Cofinanțat de Uniunea Europeană", "Finanțat de Uniunea Europeană"),
    "sk": ("Spolufinancované Európskou úniou", "Financované Európskou úniou"),
    "sl": ("Sofinancira Evropska unija", "Financira Evropska unija"),
    "sv": ("Medfinansieras av Europeiska unionen", "Finansieras av Europeiska unionen"),
    "tr": ("Avrupa Birliği tarafından eş finanse edilmektedir", "Avrupa Birliği tarafından finanse edilmektedir"),
}  # fmt: skip
STATEMENTS: dict[str, dict[FundingKind, str]] = {
    code: {FundingKind.CO_FUNDED: co_funded, FundingKind.FUNDED: funded}
    for code, (co_funded, funded) in _STATEMENTS.items()
}


@dataclass(frozen=True)
class Disclaimer:
    """One language's disclaimer.

    `lead` is its first sentence per funding kind (Polish says "ze środków UE" there, not
    the emblem's wording); `body` names the authority through `{authority}`;
    `granting_authority` is the generic term at that place, `eacea` the published text
    naming EACEA (used as it is, after the lead sentence).
    """

    lead: dict[FundingKind, str]
    body: str
    granting_authority: str
    eacea: str
    # Put a named authority after the generic term in brackets (False: the name replaces it).
    bracket_name: bool = True


DISCLAIMERS: dict[str, Disclaimer] = {
    "en": Disclaimer(
        lead={
            FundingKind.FUNDED: "Funded by the European Union.",
            FundingKind.CO_FUNDED: "Co-funded by the European Union.",
        },
        body=(
            "Views and opinions expressed are however those of the author(s) only and do not necessarily reflect "
            "those of the European Union or {authority}. Neither the European Union nor the granting authority "
            "can be held responsible for them."
        ),
        granting_authority="the granting authority",
        eacea=(
            "Views and opinions expressed are however those of the author(s) only and do not necessarily reflect "
            "those of the European Union or the European Education and Culture Executive Agency (EACEA). Neither "
            "the European Union nor EACEA can be held responsible for them."
        ),
        bracket_name=False,
    ),
    "pt": Disclaimer(
        lead={
            FundingKind.FUNDED: "Financiado pela União Europeia.",
            FundingKind.CO_FUNDED: "Cofinanciado pela União Europeia.",
        },
        body=(
            "Os pontos de vista e as opiniões expressas são as do(s) autor(es) e não refletem necessariamente a "
            "posição da União Europeia ou da {authority}. Nem a União Europeia nem a autoridade que concede a "
            "subvenção podem ser tidas como responsáveis por essas opiniões."
        ),
        granting_authority="autoridade que concede a subvenção",
        eacea=(
            "Os pontos de vista e as opiniões expressas são as do(s) autor(es) e não refletem necessariamente a "
            "posição da União Europeia ou da Agência de Execução Europeia da Educação e da Cultura (EACEA). Nem a "
            "União Europeia nem a EACEA podem ser tidos como responsáveis por essas opiniões."
        ),
    ),
    "it": Disclaimer(
        lead={
            FundingKind.FUNDED: "Finanziato dall’Unione europea.",
            FundingKind.CO_FUNDED: "Cofinanziato dall’Unione europea.",
        },
        body=(
            "I punti di vista e le opinioni espressi sono tuttavia esclusivamente quelli dell’autore o degli autori "
            "e non riflettono necessariamente quelli dell’Unione europea o dell’{authority}. Né l’Unione europea "
            "né l’autorità concedente possono essere ritenute responsabili."
        ),
        granting_authority="autorità concedente",
        eacea=(
            "I punti di vista e le opinioni espressi sono tuttavia esclusivamente quelli dell’autore o degli autori "
            "e non riflettono necessariamente quelli dell’Unione europea o dell’Agenzia esecutiva europea per "
            "l’istruzione e la cultura (EACEA). Né l’Unione europea né l’EACEA possono essere ritenute responsabili."
        ),
    ),
    "ro": Disclaimer(
        lead={
            FundingKind.FUNDED: "Finanțat de Uniunea Europeană.",
            FundingKind.CO_FUNDED: "Cofinanțat de Uniunea Europeană.",
        },
        body=(
            "Punctele de vedere și opiniile exprimate aparțin însă exclusiv autorului (autorilor) și nu reflectă "
            "neapărat punctele de vedere și opiniile Uniunii Europene sau ale {authority}. Nici Uniunea Europeană "
            "și nici autoritatea finanțatoare nu pot fi considerate răspunzătoare pentru acestea."
        ),
        granting_authority="autorității finanțatoare",
        eacea=(
            "Punctele de vedere și opiniile exprimate aparțin însă exclusiv autorului (autorilor) și nu reflectă "
            "neapărat punctele de vedere și opiniile Uniunii Europene sau ale Agenției Executive Europene pentru "
            "Educație și Cultură (EACEA). Nici Uniunea Europeană și nici EACEA nu pot fi considerate răspunzătoare "
            "pentru acestea."
        ),
    ),
    "fi": Disclaimer(
        lead={
            FundingKind.FUNDED: "Euroopan unionin rahoittama.",
            FundingKind.CO_FUNDED: "Euroopan unionin osarahoittama.",
        },
        body=(
            "Esitetyt näkemykset ja mielipiteet ovat kuitenkin ainoastaan tekijän (tekijöiden) omia eivätkä "
            "välttämättä vastaa Euroopan unionin tai {authority} näkemyksiä. Euroopan unioni tai tuen myöntävä "
            "viranomainen ei ole vastuussa niistä."
        ),
        granting_authority="tuen myöntävän viranomaisen",
        eacea=(
            "Esitetyt näkemykset ja mielipiteet ovat kuitenkin ainoastaan tekijän (tekijöiden) omia eivätkä "
            "välttämättä vastaa Euroopan unionin tai Euroopan koulutuksen ja kulttuurin toimeenpanoviraston (EACEA) "
            "näkemyksiä. Euroopan unioni tai EACEA ei ole vastuussa niistä."
        ),
    ),
    "tr": Disclaimer(
        lead={
            FundingKind.FUNDED: "Avrupa Birliği tarafından finanse edilmektedir.",
            FundingKind.CO_FUNDED: "Avrupa Birliği tarafından eş finanse edilmektedir.",
        },
        body=(
            "Ancak burada ifade edilen görüş ve düşünceler yalnızca yazar(lar)a aittir ve Avrupa Birliği'nin veya "
            "{authority} görüşlerini yansıtmak zorunda değildir. Avrupa Birliği ve hibe makamı bunlardan sorumlu "
            "tutulamaz."
        ),
        granting_authority="hibe makamının",
        eacea=(
            "Ancak burada ifade edilen görüş ve düşünceler yalnızca yazar(lar)a aittir ve Avrupa Birliği'nin veya "
            "Avrupa Eğitim ve Kültür Yürütme Ajansı'nın (EACEA) görüşlerini yansıtmak zorunda değildir. Avrupa "
            "Birliği ve hibe makamı bunlardan sorumlu tutulamaz."
        ),
    ),
    "es": Disclaimer(
        lead={
            FundingKind.FUNDED: "Financiado por la Unión Europea.",
            FundingKind.CO_FUNDED: "Cofinanciado por la Unión Europea.",
        },
        body=(
            "Las opiniones y puntos de vista expresados solo comprometen a su(s) autor(es) y no reflejan "
            "necesariamente los de la Unión Europea o los de la {authority}. Ni la Unión Europea ni la autoridad "
            "otorgante pueden ser consideradas responsables de ellos."
        ),
        granting_authority="autoridad otorgante",
        eacea=(
            "Las opiniones y puntos de vista expresados solo comprometen a su(s) autor(es) y no reflejan "
            "necesariamente los de la Unión Europea o los de la Agencia Ejecutiva Europea de Educación y Cultura "
            "(EACEA). Ni la Unión Europea ni la EACEA pueden ser considerados responsables de ellos."
        ),
    ),
    "fr": Disclaimer(
        lead={
            FundingKind.FUNDED: "Financé par l’Union européenne.",
            FundingKind.CO_FUNDED: "Cofinancé par l’Union européenne.",
        },
        body=(
            "Les points de vue et opinions exprimés n’engagent toutefois que leur(s) auteur(s) et ne reflètent pas "
            "nécessairement ceux de l’Union européenne ou de l’{authority}. Ni l’Union européenne ni l’autorité "
            "octroyante ne peuvent en être tenues pour responsables."
        ),
        granting_authority="autorité octroyante",
        eacea=(
            "Les points de vue et opinions exprimés n’engagent toutefois que leur(s) auteur(s) et ne reflètent pas "
            "nécessairement ceux de l’Union européenne ou de l’Agence exécutive européenne pour l’éducation et la "
            "culture (EACEA). Ni l’Union européenne ni l’EACEA ne peuvent en être tenues pour responsables."
        ),
    ),
    "de": Disclaimer(
        lead={
            FundingKind.FUNDED: "Finanziert von der Europäischen Union.",
            FundingKind.CO_FUNDED: "Kofinanziert von der Europäischen Union.",
        },
        body=(
            "Die geäußerten Ansichten und Meinungen entsprechen jedoch ausschließlich denen des Autors bzw. der "
            "Autoren und spiegeln nicht zwingend die der Europäischen Union oder der {authority} wider. Weder die "
            "Europäische Union noch die Bewilligungsbehörde können dafür verantwortlich gemacht werden."
        ),
        granting_authority="Bewilligungsbehörde",
        eacea=(
            "Die geäußerten Ansichten und Meinungen entsprechen jedoch ausschließlich denen des Autors bzw. der "
            "Autoren und spiegeln nicht zwingend die der Europäischen Union oder der Europäischen Exekutivagentur "
            "für Bildung und Kultur (EACEA) wider. Weder die Europäische Union noch die EACEA können dafür "
            "verantwortlich gemacht werden."
        ),
    ),
    "pl": Disclaimer(
        lead={FundingKind.FUNDED: "Sfinansowane ze środków UE.", FundingKind.CO_FUNDED: "Dofinansowane ze środków UE."},
        body=(
            "Wyrażone poglądy i opinie są jedynie opiniami autora lub autorów i niekoniecznie odzwierciedlają "
            "poglądy i opinie Unii Europejskiej lub {authority}. Unia Europejska ani instytucja przyznająca "
            "finansowanie nie ponoszą za nie odpowiedzialności."
        ),
        granting_authority="instytucji przyznającej finansowanie",
        eacea=(
            "Wyrażone poglądy i opinie są jedynie opiniami autora lub autorów i niekoniecznie odzwierciedlają "
            "poglądy i opinie Unii Europejskiej lub Europejskiej Agencji Wykonawczej ds. Edukacji i Kultury "
            "(EACEA). Unia Europejska ani EACEA nie ponoszą za nie odpowiedzialności."
        ),
    ),
}

FALLBACK_LANGUAGE = "en"


def statement_language(code: str | None) -> str:
    """The language the statement is shown in for `code`: itself when the official wording
    exists in it, else English (a consortium's own added language, until it is added here)."""
    return code if code in STATEMENTS else FALLBACK_LANGUAGE


def disclaimer_language(code: str | None) -> str:
    """The language the disclaimer is shown in for `code` (as `statement_language`)."""
    return code if code in DISCLAIMERS else FALLBACK_LANGUAGE


def statement(kind: FundingKind | str, code: str | None) -> str:
    """The statement next to the emblem, in the language `code` (English if it has none)."""
    return STATEMENTS[statement_language(code)][FundingKind(kind)]


def disclaimer(kind: FundingKind | str, code: str | None, authority: str = "") -> str:
    """The whole disclaimer in the language `code`, naming `authority` if one is given."""
    text = DISCLAIMERS[disclaimer_language(code)]
    authority = authority.strip()
    if authority.casefold() == "eacea":
        body = text.eacea
    elif authority:
        named = f"{text.granting_authority} ({authority})" if text.bracket_name else authority
        body = text.body.format(authority=named)
    else:
        body = text.body.format(authority=text.granting_authority)
    return f"{text.lead[FundingKind(kind)]} {body}"


@dataclass(frozen=True)
class FundingBlock:
    """What a page, mail or PDF shows next to the EU emblem, and the language of each text
    (for lang=): the language asked for, or English where the official wording does not
    exist in it yet."""

    statement: str
    disclaimer: str
    statement_language: str
    disclaimer_language: str


class FundedProject(Protocol):
    funding_kind: str
    granting_authority: str
    funding_statement: str
    disclaimer: str
    default_language: str


def funding_block(project: FundedProject, code: str) -> FundingBlock:
    """The funding statement and disclaimer of `project` in the language `code`.

    The project's own wording (free text) is used only when `code` is the project's default
    language, since it is written in that one language; every other language gets the
    Commission's official wording, and so does the default language wherever the project
    left its own wording empty.
    """
    kind = project.funding_kind or FundingKind.CO_FUNDED
    own = code == project.default_language
    own_statement = project.funding_statement.strip() if own else ""
    own_disclaimer = project.disclaimer.strip() if own else ""
    return FundingBlock(
        statement=own_statement or statement(kind, code),
        disclaimer=own_disclaimer or disclaimer(kind, code, project.granting_authority),
        statement_language=code if own_statement else statement_language(code),
        disclaimer_language=code if own_disclaimer else disclaimer_language(code),
    )
