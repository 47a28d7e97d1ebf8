"""Who sees which figures of a project's report.

Administrators and the project's managers see every partner's events. An organiser sees
the events of the partners they act for, never another partner's, however the filter is
written: a filter naming another partner is refused as if that partner did not exist
(`OutsideScope`, a 404), like every other id of another partner in the product, rather
than silently ignored, which would show the organiser's own figures under the other
partner's name. The queries also intersect the filter with the scope, so a caller that
forgets `check` still cannot widen what it sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from seminar_app.accounts.models import User, user_partner, user_project
from seminar_app.enums import Role
from seminar_app.errors import DomainError
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, Project
from seminar_app.reports.filters import PARTNER, ReportFilter


class NoReportAccess(DomainError):
    """The user may not see this project's report; answered as "not found" so that it does
    not reveal what exists."""

    code = "not_found"
    status = 404


class OutsideScope(NoReportAccess):
    """The filter names a partner whose figures the user may not see."""


@dataclass(frozen=True)
class ReportScope:
    """The partners of one project whose events a report may cover.

    `whole_project` is true for administrators and the project's managers; then the scope
    also covers partners added after it was made.
    """

    project_id: int
    partner_ids: tuple[int, ...]
    whole_project: bool

    @classmethod
    def of_project(cls, project: Project) -> ReportScope:
        """Every partner of `project` (for administrators' tools such as the CLI)."""
        return cls(project.id, tuple(p.id for p in project.partners), True)

    def check(self, report_filter: ReportFilter) -> None:
        """Raise `OutsideScope` if the filter names a partner outside this scope."""
        outside = [i for i in report_filter.partner_ids if i not in self.partner_ids]
        if outside:
            raise OutsideScope(_("There is no such partner in your report."), field=PARTNER)

    def partner_ids_for(self, report_filter: ReportFilter) -> tuple[int, ...]:
        """The partners a filtered report covers: those asked for, never beyond the scope."""
        if not report_filter.partner_ids:
            return self.partner_ids
        return tuple(i for i in report_filter.partner_ids if i in self.partner_ids)


def report_scope(user: User, project: Project) -> ReportScope:
    """What `user` may see of `project`'s report. Raises `NoReportAccess` for anyone who is
    neither an administrator, a manager of the project, nor an organiser of one of its
    partners (and for inactive or anonymous users)."""
    if not user.is_authenticated or not user.is_active:
        raise NoReportAccess(_("There is no such report."))
    if user.role is Role.ADMIN or (user.role is Role.MANAGER and any(p.id == project.id for p in user.projects)):
        return ReportScope.of_project(project)
    if user.role is Role.ORGANISER:
        own = tuple(p.id for p in user.partners if p.project_id == project.id)
        if own:
            return ReportScope(project.id, own, False)
    raise NoReportAccess(_("There is no such report."))


def reportable_projects(user: User) -> list[Project]:
    """The projects whose dashboard `user` may open, by acronym."""
    query = select(Project).order_by(Project.acronym)
    if user.role is Role.MANAGER:
        query = query.where(Project.id.in_(select(user_project.c.project_id).where(user_project.c.user_id == user.id)))
    elif user.role is not Role.ADMIN:
        partner_ids = select(user_partner.c.partner_id).where(user_partner.c.user_id == user.id)
        query = query.where(Project.id.in_(select(Partner.project_id).where(Partner.id.in_(partner_ids))))
    return list(db.session.scalars(query))
