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
        return str(_LABELS.get(self, self.value))

    @property
    def lazy_label(self) -> object:
        """The label translated when shown, not when read: for form fields defined at import time."""
        return _LABELS.get(self, self.value)

    @property
    def source_label(self) -> str:
        """The English label (the catalogue's source text), whatever the language being spoken."""
        label = _LABELS.get(self, self.value)
        args = getattr(label, "_args", None)
        return str(args[0]) if args else str(label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


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


_LABELS: dict[LabelledEnum, object] = {
    RegistrationStatus.PENDING: _l("Awaiting approval"),
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("On the waiting list"),
    RegistrationStatus.DECLINED: _l("Declined"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
    AttendanceMode.ONSITE: _l("On site"),
    AttendanceMode.ONLINE: _l("Online"),
    CheckInSource.MANUAL: _l("Ticked by the organiser"),
    CheckInSource.QR: _l("QR code"),
    CheckInSource.WALK_IN: _l("Walk-in"),
    CheckInSource.IMPORT: _l("Imported from the video-conference report"),
    QuestionKind.SCALE: _l("Scale from 1 to 5"),
    QuestionKind.SINGLE: _l("Single choice"),
    QuestionKind.MULTIPLE: _l("Multiple choice"),
    QuestionKind.TEXT: _l("Text"),
    ConsentPurpose.PRIVACY_NOTICE: _l("I have read the privacy notice"),
    ConsentPurpose.PHOTOS: _l("Photos and recording of me may be taken and used to report on the event"),
    ConsentPurpose.ATTENDEE_LIST: _l(
        "My name and organisation may appear on the attendee list shared with participants"
    ),
    ConsentPurpose.NEWS: _l("Send me news about the project"),
    OutboxStatus.QUEUED: _l("Queued"),
    OutboxStatus.SENDING: _l("Sending"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
    Role.ADMIN: _l("Administrator"),
    Role.MANAGER: _l("Project manager"),
    Role.ORGANISER: _l("Partner organiser"),
    EventKind.SEMINAR: _l("Seminar"),
    EventKind.CONFERENCE: _l("Conference"),
    EventKind.WORKSHOP: _l("Workshop"),
    EventKind.TRAINING: _l("Training"),
    EventKind.WEBINAR: _l("Webinar"),
    EventKind.MEETING: _l("Meeting"),
    EventFormat.IN_PERSON: _l("In person"),
    EventFormat.ONLINE: _l("Online"),
    EventFormat.HYBRID: _l("Hybrid"),
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.POSTPONED: _l("Postponed"),
    EventStatus.CANCELLED: _l("Cancelled"),
    EventStatus.DELIVERED: _l("Delivered"),
    AgendaItemKind.TALK: _l("Talk"),
    AgendaItemKind.PANEL: _l("Panel"),
    AgendaItemKind.DISCUSSION: _l("Discussion"),
    AgendaItemKind.BREAK: _l("Break"),
    AgendaItemKind.WELCOME: _l("Welcome"),
    AgendaItemKind.OTHER: _l("Other"),
    TargetAudience.RESEARCHERS: _l("Researchers"),
    TargetAudience.LAW_ENFORCEMENT: _l("Law-enforcement officers"),
    TargetAudience.PRISON_PROBATION: _l("Prison and probation staff"),
    TargetAudience.NGO_COMMUNITY: _l("NGO and community members"),
    TargetAudience.POLICY_MAKERS: _l("Policy makers"),
    TargetAudience.STUDENTS: _l("University students"),
    TargetAudience.OTHER: _l("Other practitioners"),
    LegalBasis.CONSENT: _l("Consent"),
    LegalBasis.LEGITIMATE_INTEREST: _l("Legitimate interest"),
    LegalBasis.PUBLIC_TASK: _l("Public task"),
    LegalBasis.CONTRACT: _l("Contract"),
    InvitationStatus.INVITED: _l("Invited, no answer yet"),
    InvitationStatus.REGISTERED: _l("Registered"),
    InvitationStatus.DECLINED: _l("Cannot come"),
    InvitationStatus.UNSUBSCRIBED: _l("Unsubscribed"),
    SuppressionReason.UNSUBSCRIBED: _l("Unsubscribed"),
    SuppressionReason.ERASED: _l("Data erased on request"),
}
