"""Shared vocabulary: string enums with translatable labels.

Values are stored in the database and used in the API; labels are for people.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum as SAEnum


class LabelledEnum(StrEnum):
    @property
    def label(self) -> str:
        return str(self.lazy_label)

    @property
    def lazy_label(self) -> object:
        """The label translated when shown, not when read: for form fields defined at import time."""
        return _LABELS.get(_key(self), self.value)

    @property
    def source_label(self) -> str:
        """The English label (the catalogue's source text), whatever the language being spoken."""
        label = _LABELS.get(_key(self), self.value)
        args = getattr(label, "_args", None)
        return str(args[0]) if args else str(label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs whose labels are translated when the form is rendered, so a list
        built at import time still speaks the reader's language."""
        return [(m.value, m.lazy_label) for m in cls]  # type: ignore[misc]


def _key(member: LabelledEnum) -> tuple[type, str]:
    # Members of two enums may share a value ("other"): a StrEnum member hashes as its value.
    return (type(member), member.value)


def db_enum(enum_cls: type[StrEnum], name: str) -> SAEnum:
    """A VARCHAR column holding the enum's values, portable across SQLite and PostgreSQL."""
    return SAEnum(
        enum_cls,
        name=name,
        native_enum=False,
        length=20,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )


class Role(LabelledEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    ORGANISER = "organiser"


class EventKind(LabelledEnum):
    SEMINAR = "seminar"
    CONFERENCE = "conference"
    WORKSHOP = "workshop"
    TRAINING = "training"
    WEBINAR = "webinar"
    MEETING = "meeting"


class EventFormat(LabelledEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"

    @property
    def has_venue(self) -> bool:
        return self is not EventFormat.ONLINE

    @property
    def is_online(self) -> bool:
        return self is not EventFormat.IN_PERSON


class EventStatus(LabelledEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    DELIVERED = "delivered"


class AgendaItemKind(LabelledEnum):
    TALK = "talk"
    PANEL = "panel"
    DISCUSSION = "discussion"
    BREAK = "break"
    WELCOME = "welcome"
    OTHER = "other"


class TargetAudience(LabelledEnum):
    RESEARCHERS = "researchers"
    LAW_ENFORCEMENT = "law_enforcement"
    PRISON_PROBATION = "prison_probation"
    NGO_COMMUNITY = "ngo_community"
    POLICY_MAKERS = "policy_makers"
    STUDENTS = "students"
    OTHER = "other"


class RegistrationStatus(LabelledEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class AttendanceMode(LabelledEnum):
    ONSITE = "onsite"
    ONLINE = "online"


class CheckInSource(LabelledEnum):
    """How an attendance was recorded."""

    MANUAL = "manual"
    QR = "qr"
    WALK_IN = "walk_in"
    IMPORT = "import"


class QuestionKind(LabelledEnum):
    SCALE = "scale"  # Likert 1 to 5, low end first
    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"


class ConsentPurpose(LabelledEnum):
    PRIVACY_NOTICE = "privacy_notice"
    PHOTOS = "photos"
    ATTENDEE_LIST = "attendee_list"
    NEWS = "news"


class OutboxStatus(LabelledEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class LegalBasis(LabelledEnum):
    """GDPR Art. 6(1) grounds on which a partner holds a contact (recorded per contact)."""

    CONSENT = "consent"
    LEGITIMATE_INTEREST = "legitimate_interest"
    PUBLIC_TASK = "public_task"
    CONTRACT = "contract"


class InvitationStatus(LabelledEnum):
    """An invitee's answer, from what they did (links, registration), never from tracking pixels."""

    INVITED = "invited"
    REGISTERED = "registered"
    DECLINED = "declined"
    UNSUBSCRIBED = "unsubscribed"


class SuppressionReason(LabelledEnum):
    UNSUBSCRIBED = "unsubscribed"
    ERASED = "erased"


class FundingModel(LabelledEnum):
    """How the programme pays for multiplier events."""

    UNIT_COSTS = "unit_costs"  # Erasmus+ 2014-2020: an amount per eligible participant
    LUMP_SUM = "lump_sum"  # Erasmus+ 2021-2027: delivery compared with the plan, no per-head amount


class EvidenceKind(LabelledEnum):
    """What an uploaded evidence file is."""

    SIGNED_SHEET = "signed_sheet"  # one day's attendance sheet signed by the participants
    ONLINE_REPORT = "online_report"  # the platform's participant report of one online day
    AGENDA = "agenda"  # the agenda as handed out, when it is not the one built in the product
    MATERIAL = "material"  # slides, handouts: the material used


_LABELS: dict[tuple[type, str], object] = {
    _key(RegistrationStatus.PENDING): _l("Awaiting approval"),
    _key(RegistrationStatus.CONFIRMED): _l("Confirmed"),
    _key(RegistrationStatus.WAITLISTED): _l("On the waiting list"),
    _key(RegistrationStatus.DECLINED): _l("Declined"),
    _key(RegistrationStatus.CANCELLED): _l("Cancelled"),
    _key(AttendanceMode.ONSITE): _l("On site"),
    _key(AttendanceMode.ONLINE): _l("Online"),
    _key(CheckInSource.MANUAL): _l("Ticked by the organiser"),
    _key(CheckInSource.QR): _l("QR code"),
    _key(CheckInSource.WALK_IN): _l("Walk-in"),
    _key(CheckInSource.IMPORT): _l("Imported from the video-conference report"),
    _key(QuestionKind.SCALE): _l("Scale from 1 to 5"),
    _key(QuestionKind.SINGLE): _l("Single choice"),
    _key(QuestionKind.MULTIPLE): _l("Multiple choice"),
    _key(QuestionKind.TEXT): _l("Text"),
    _key(ConsentPurpose.PRIVACY_NOTICE): _l("I have read the privacy notice"),
    _key(ConsentPurpose.PHOTOS): _l("Photos and recording of me may be taken and used to report on the event"),
    _key(ConsentPurpose.ATTENDEE_LIST): _l(
        "My name and organisation may appear on the attendee list shared with participants"
    ),
    _key(ConsentPurpose.NEWS): _l("Send me news about the project"),
    _key(OutboxStatus.QUEUED): _l("Queued"),
    _key(OutboxStatus.SENDING): _l("Sending"),
    _key(OutboxStatus.SENT): _l("Sent"),
    _key(OutboxStatus.FAILED): _l("Failed"),
    _key(Role.ADMIN): _l("Administrator"),
    _key(Role.MANAGER): _l("Project manager"),
    _key(Role.ORGANISER): _l("Partner organiser"),
    _key(EventKind.SEMINAR): _l("Seminar"),
    _key(EventKind.CONFERENCE): _l("Conference"),
    _key(EventKind.WORKSHOP): _l("Workshop"),
    _key(EventKind.TRAINING): _l("Training"),
    _key(EventKind.WEBINAR): _l("Webinar"),
    _key(EventKind.MEETING): _l("Meeting"),
    _key(FundingModel.UNIT_COSTS): _l("Unit costs per participant"),
    _key(FundingModel.LUMP_SUM): _l("Lump sum"),
    _key(EvidenceKind.SIGNED_SHEET): _l("Signed attendance sheet"),
    _key(EvidenceKind.ONLINE_REPORT): _l("Online participant report"),
    _key(EvidenceKind.AGENDA): _l("Agenda"),
    _key(EvidenceKind.MATERIAL): _l("Material used"),
    _key(EventFormat.IN_PERSON): _l("In person"),
    _key(EventFormat.ONLINE): _l("Online"),
    _key(EventFormat.HYBRID): _l("Hybrid"),
    _key(EventStatus.DRAFT): _l("Draft"),
    _key(EventStatus.PUBLISHED): _l("Published"),
    _key(EventStatus.POSTPONED): _l("Postponed"),
    _key(EventStatus.CANCELLED): _l("Cancelled"),
    _key(EventStatus.DELIVERED): _l("Delivered"),
    _key(AgendaItemKind.TALK): _l("Talk"),
    _key(AgendaItemKind.PANEL): _l("Panel"),
    _key(AgendaItemKind.DISCUSSION): _l("Discussion"),
    _key(AgendaItemKind.BREAK): _l("Break"),
    _key(AgendaItemKind.WELCOME): _l("Welcome"),
    _key(AgendaItemKind.OTHER): _l("Other"),
    _key(TargetAudience.RESEARCHERS): _l("Researchers"),
    _key(TargetAudience.LAW_ENFORCEMENT): _l("Law-enforcement officers"),
    _key(TargetAudience.PRISON_PROBATION): _l("Prison and probation staff"),
    _key(TargetAudience.NGO_COMMUNITY): _l("NGO and community members"),
    _key(TargetAudience.POLICY_MAKERS): _l("Policy makers"),
    _key(TargetAudience.STUDENTS): _l("University students"),
    _key(TargetAudience.OTHER): _l("Other practitioners"),
    _key(LegalBasis.CONSENT): _l("Consent"),
    _key(LegalBasis.LEGITIMATE_INTEREST): _l("Legitimate interest"),
    _key(LegalBasis.PUBLIC_TASK): _l("Public task"),
    _key(LegalBasis.CONTRACT): _l("Contract"),
    _key(InvitationStatus.INVITED): _l("Invited, no answer yet"),
    _key(InvitationStatus.REGISTERED): _l("Registered"),
    _key(InvitationStatus.DECLINED): _l("Cannot come"),
    _key(InvitationStatus.UNSUBSCRIBED): _l("Unsubscribed"),
    _key(SuppressionReason.UNSUBSCRIBED): _l("Unsubscribed"),
    _key(SuppressionReason.ERASED): _l("Data erased on request"),
}
