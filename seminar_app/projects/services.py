"""Business rules for projects, their privacy notices, results and partners.

The admin pages, the CLI and the demo data all come through here. Every function
validates the whole input, raises `ValidationFailed` (field -> messages) or a
`DomainError`, and commits on success. A rejected call changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from seminar_app import geo, i18n
from seminar_app.accounts.models import User
from seminar_app.enums import TargetAudience
from seminar_app.errors import DomainError, ValidationFailed
from seminar_app.extensions import db
from seminar_app.projects.eu_wording import FundingKind
from seminar_app.projects.models import (
    Partner,
    PrivacyNotice,
    PrivacyNoticeText,
    Project,
    ProjectResult,
    StakeholderGroup,
)
from seminar_app.validation import FieldErrors, is_email, slugify

# --- projects --------------------------------------------------------------------------


@dataclass
class ProjectInput:
    name: str
    acronym: str
    slug: str = ""
    funding_programme: str = ""
    grant_number: str = ""
    funding_statement: str = ""
    disclaimer: str = ""
    default_language: str = "en"
    feedback_min_answers: int = 5
    funding_kind: str = FundingKind.CO_FUNDED
    granting_authority: str = ""

    @classmethod
    def from_project(cls, project: Project) -> ProjectInput:
        return cls(
            name=project.name,
            acronym=project.acronym,
            slug=project.slug,
            funding_programme=project.funding_programme,
            grant_number=project.grant_number,
            funding_statement=project.funding_statement,
            disclaimer=project.disclaimer,
            default_language=project.default_language,
            feedback_min_answers=project.feedback_min_answers,
            funding_kind=project.funding_kind,
            granting_authority=project.granting_authority,
        )


def _project_slug(data: ProjectInput) -> str:
    slug = data.slug.strip().lower()
    if slug:
        return slug
    return slugify(data.acronym, max_length=80)


def _check_project(data: ProjectInput, *, project_id: int | None = None) -> str:
    errors = FieldErrors()
    errors.require("name", data.name, _("Give the project's full name."), max_length=200)
    errors.require("acronym", data.acronym, _("Give the project's acronym."), max_length=40)
    slug = _project_slug(data)
    if not slug:
        errors.add("slug", _("Give a web address (slug) for the project."))
    elif len(slug) > 80:
        errors.add("slug", ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.", 80))
    elif slugify(slug, max_length=80) != slug:
        errors.add("slug", _("Use only lower-case letters, digits and single hyphens."))
    else:
        query = select(Project.id).where(Project.slug == slug)
        if project_id is not None:
            query = query.where(Project.id != project_id)
        if db.session.scalar(query) is not None:
            errors.add("slug", _("The address “%(slug)s” is already used by another project.", slug=slug))
    errors.fit_all(
        data, Project, "funding_programme", "grant_number", "funding_statement", "disclaimer", "granting_authority"
    )
    if data.funding_kind not in set(FundingKind):
        errors.add("funding_kind", _("Choose whether the project is funded or co-funded by the European Union."))
    if data.default_language not in geo.EVENT_LANGUAGES:
        errors.add("default_language", _("Choose a language from the list."))
    if not 1 <= data.feedback_min_answers <= 1000:
        errors.add("feedback_min_answers", _("Give a whole number from 1 to 1000."))
    errors.raise_if_any()
    return slug


def _apply_project(project: Project, data: ProjectInput, slug: str) -> None:
    project.name = data.name.strip()
    project.acronym = data.acronym.strip()
    project.slug = slug
    project.funding_programme = data.funding_programme.strip()
    project.grant_number = data.grant_number.strip()
    project.funding_statement = data.funding_statement.strip()
    project.disclaimer = data.disclaimer.strip()
    project.funding_kind = FundingKind(data.funding_kind).value
    project.granting_authority = data.granting_authority.strip()
    project.default_language = data.default_language
    project.feedback_min_answers = data.feedback_min_answers


def create_project(data: ProjectInput, *, actor: User | None = None) -> Project:
    """Create a project. An empty slug is made from the acronym. Raises `ValidationFailed`
    (for example when the slug is taken)."""
    slug = _check_project(data)
    project = Project()
    _apply_project(project, data, slug)
    project.stakeholder_groups = default_stakeholder_groups()
    db.session.add(project)
    db.session.commit()
    return project


def default_stakeholder_groups() -> list[StakeholderGroup]:
    """The groups DOMAIN.md names (the same vocabulary as events' target audiences)."""
    with i18n.force_language("en"):
        return [StakeholderGroup(code=a.value, label=a.label, position=n) for n, a in enumerate(TargetAudience)]


def update_project(project: Project, data: ProjectInput, *, actor: User | None = None) -> Project:
    """Change a project's details. Raises `ValidationFailed`."""
    slug = _check_project(data, project_id=project.id)
    _apply_project(project, data, slug)
    db.session.commit()
    return project


def publish_privacy_notice(project: Project, text: str, *, actor: User | None = None) -> PrivacyNotice:
    """Add a new version of the project's privacy notice. Versions are never edited, so
    every consent keeps naming the text that was shown. Raises `ValidationFailed` for an
    empty text, one with control characters, or one identical to the current version."""
    text = text.strip()
    current = project.current_privacy_notice
    errors = FieldErrors()
    errors.fit("text", text, PrivacyNotice.text, required=_l("Write the text of the privacy notice."))
    errors.raise_if_any()
    if current is not None and current.text.strip() == text:
        raise ValidationFailed({"text": [_("This text is the same as the current version; change it first.")]})
    latest = db.session.scalar(select(func.max(PrivacyNotice.version)).where(PrivacyNotice.project_id == project.id))
    notice = PrivacyNotice(
        project=project, version=(latest or 0) + 1, text=text, language=project.default_language or "en"
    )
    db.session.add(notice)
    db.session.commit()
    return notice


def add_privacy_notice_text(
    notice: PrivacyNotice, language: str, text: str, *, actor: User | None = None
) -> PrivacyNoticeText:
    """Add the text of the project's current notice version in one more shipped language.

    A text, once added, is never edited (as the version's own text): a correction is a new
    version. Raises `ValidationFailed` for a language the product does not ship, a language
    the version already has, an empty text or one with control characters, and for a
    version that is no longer the current one."""
    text = text.strip()
    language = (language or "").strip()
    errors = FieldErrors()
    current = notice.project.current_privacy_notice
    if current is None or current.id != notice.id:
        errors.add(
            "text",
            _(
                "Version %(version)d is no longer the current privacy notice; add texts to the current version.",
                version=notice.version,
            ),
        )
    if not i18n.is_shipped(language):
        errors.add("language", _("Choose one of the languages of the list."))
    elif language in notice.languages:
        errors.add("language", _already_in(notice, language))
    errors.fit("text", text, PrivacyNoticeText.text, required=_l("Write the text of the privacy notice."))
    errors.raise_if_any()
    added = PrivacyNoticeText(notice=notice, language=language, text=text)
    db.session.add(added)
    try:
        db.session.commit()
    except IntegrityError:
        # The same language was added a moment ago (a double click, another administrator).
        db.session.rollback()
        raise ValidationFailed({"language": [_already_in(notice, language)]}) from None
    return added


def _already_in(notice: PrivacyNotice, language: str) -> str:
    return _(
        "Version %(version)d already has its text in %(language)s. Published texts are never changed: "
        "publish a new version to correct it.",
        version=notice.version,
        language=geo.language_name(language),
    )


# --- results ---------------------------------------------------------------------------


@dataclass
class ResultInput:
    code: str
    title: str
    work_package: str = ""


def _check_result(project: Project, data: ResultInput, *, result_id: int | None = None) -> None:
    errors = FieldErrors()
    errors.require("code", data.code, _("Give the result a code, such as PR1."), max_length=20)
    errors.require("title", data.title, _("Give the result a title."), max_length=300)
    errors.limit("work_package", data.work_package, 40)
    code = data.code.strip()
    if code and "code" not in errors.by_field:
        query = select(ProjectResult.id).where(
            ProjectResult.project_id == project.id, func.lower(ProjectResult.code) == code.lower()
        )
        if result_id is not None:
            query = query.where(ProjectResult.id != result_id)
        if db.session.scalar(query) is not None:
            errors.add("code", _("%(code)s is already a result of this project.", code=code))
    errors.raise_if_any()


def add_result(project: Project, data: ResultInput, *, actor: User | None = None) -> ProjectResult:
    """Add a result; its code is unique within the project. Raises `ValidationFailed`."""
    _check_result(project, data)
    result = ProjectResult(
        project=project, code=data.code.strip(), title=data.title.strip(), work_package=data.work_package.strip()
    )
    db.session.add(result)
    db.session.commit()
    return result


def update_result(result: ProjectResult, data: ResultInput, *, actor: User | None = None) -> ProjectResult:
    _check_result(result.project, data, result_id=result.id)
    result.code, result.title = data.code.strip(), data.title.strip()
    result.work_package = data.work_package.strip()
    db.session.commit()
    return result


def remove_result(result: ProjectResult, *, actor: User | None = None) -> None:
    """Delete a result that no event presents. A result that events present is refused
    (`DomainError` code "result_in_use"): detaching it would silently change what those
    events report to the funder."""
    from seminar_app.events.models import Event, event_result

    titles = list(
        db.session.scalars(
            select(Event.title)
            .join(event_result, event_result.c.event_id == Event.id)
            .where(event_result.c.result_id == result.id)
            .order_by(Event.starts_at)
        )
    )
    if titles:
        raise DomainError(
            _(
                "%(code)s cannot be deleted: %(count)d event(s) present it, such as “%(title)s”. "
                "Remove it from those events first.",
                code=result.code,
                count=len(titles),
                title=titles[0],
            ),
            code="result_in_use",
        )
    db.session.delete(result)
    db.session.commit()


# --- partners --------------------------------------------------------------------------


@dataclass
class PartnerInput:
    name: str
    short_name: str
    country: str
    timezone: str
    contact_email: str
    city: str = ""
    default_language: str = "en"

    @classmethod
    def from_partner(cls, partner: Partner) -> PartnerInput:
        return cls(
            name=partner.name,
            short_name=partner.short_name,
            country=partner.country,
            timezone=partner.timezone,
            contact_email=partner.contact_email,
            city=partner.city,
            default_language=partner.default_language,
        )


def _check_partner(project: Project, data: PartnerInput, *, partner_id: int | None = None) -> None:
    errors = FieldErrors()
    errors.require("name", data.name, _("Give the organisation's name."), max_length=200)
    errors.require("short_name", data.short_name, _("Give a short name, such as the acronym."), max_length=40)
    short_name = data.short_name.strip()
    if short_name and "short_name" not in errors.by_field:
        query = select(Partner.id).where(
            Partner.project_id == project.id, func.lower(Partner.short_name) == short_name.lower()
        )
        if partner_id is not None:
            query = query.where(Partner.id != partner_id)
        if db.session.scalar(query) is not None:
            errors.add("short_name", _("%(name)s is already a partner of this project.", name=short_name))
    if not geo.is_country(data.country.strip()):
        errors.add("country", _("Choose a country from the list (ISO 3166 code such as PT)."))
    errors.limit("city", data.city, 120)
    if not geo.is_timezone(data.timezone.strip()):
        errors.add("timezone", _("%(zone)s is not a known time zone.", zone=data.timezone.strip() or "—"))
    if data.default_language not in geo.EVENT_LANGUAGES:
        errors.add("default_language", _("Choose a language from the list."))
    if not is_email(data.contact_email):
        errors.add("contact_email", _("Give a valid e-mail address."))
    errors.raise_if_any()


def _apply_partner(partner: Partner, data: PartnerInput) -> None:
    partner.name = data.name.strip()
    partner.short_name = data.short_name.strip()
    partner.country = data.country.strip().upper()
    partner.city = data.city.strip()
    partner.timezone = data.timezone.strip()
    partner.default_language = data.default_language
    partner.contact_email = data.contact_email.strip()


def create_partner(project: Project, data: PartnerInput, *, actor: User | None = None) -> Partner:
    """Add a partner organisation to `project`. Its short name is unique within the project;
    country and time zone must be real. Raises `ValidationFailed`."""
    _check_partner(project, data)
    partner = Partner(project=project)
    _apply_partner(partner, data)
    db.session.add(partner)
    db.session.commit()
    return partner


def update_partner(partner: Partner, data: PartnerInput, *, actor: User | None = None) -> Partner:
    """Change a partner's details. Existing events keep their own time zone and language."""
    _check_partner(partner.project, data, partner_id=partner.id)
    _apply_partner(partner, data)
    db.session.commit()
    return partner
