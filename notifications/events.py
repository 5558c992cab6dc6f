"""Who is told what when something happens to a return or a period: the one place that
decides the recipients and the words of each event's email (issue 18, item 2).

Each function reads what it needs in the caller's session and returns the messages; it
sends nothing. The caller sends them (notifications.mail.send_all) after its own action
has been committed, so an email never goes out for an action that was rolled back.

What every message may carry (issue 18, item 6): what happened, to which of the reader's
own services and quarter, and a link. Never a figure, narrative, officer's comment or
another provider's name: a provider's message names only that provider's own services.
Inactive users get nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reporting.retirement import in_service
from models.rules.formats import format_date
from models.rules.periods import Quarter, before_contract, submission_opens
from models.store.entities import Period, Provider, Return, Service, User
from notifications.mail import Email

# The events, as recorded in MailMessage.event.
RETURN_SUBMITTED = "return-submitted"
RETURN_APPROVED = "return-approved"
RETURN_RETURNED = "return-returned"
RETURN_REOPENED = "return-reopened"
PERIOD_OPENED = "period-opened"

DECISION_EVENTS = {"approve": RETURN_APPROVED, "return": RETURN_RETURNED, "reopen": RETURN_REOPENED}


def lead_officers(session: Session) -> list[User]:
    """Every active lead officer (role admin)."""
    return list(session.scalars(select(User).where(User.role == "admin", User.active.is_(True))
                                .order_by(User.email)))


def provider_users(session: Session, provider_id: int | None) -> list[User]:
    """The active users of one provider; nobody when the return or service has none."""
    if provider_id is None:
        return []
    return list(session.scalars(select(User).where(User.role == "provider",
                                                   User.provider_id == provider_id,
                                                   User.active.is_(True)).order_by(User.email)))


def return_link(public_url: str, service_id: int, period_id: int) -> str:
    """The return's own page (the form: a provider edits it there, an officer reads it)."""
    return f"{public_url}/returns/edit?service={service_id}&period={period_id}"


def _about(session: Session, ret: Return) -> tuple[str, str]:
    """(the service's name, the quarter's label) of a return."""
    service = session.get(Service, ret.service_id)
    period = session.get(Period, ret.period_id)
    return (service.name if service else "a service",
            Quarter(period.year, period.quarter).label if period else "a quarter")


def return_submitted(session: Session, public_url: str, ret: Return) -> list[Email]:
    """A provider submitted a return: each lead officer is asked to review it. The lead
    officers see every provider, so naming the provider here shares nothing new."""
    service, quarter = _about(session, ret)
    provider = session.get(Provider, ret.provider_id) if ret.provider_id else None
    who = provider.name if provider else "A provider"
    return [Email(to=user.email, user_id=user.id, event=RETURN_SUBMITTED,
                  subject=f"Return submitted: {service}, {quarter}",
                  paragraphs=[f"{who} has submitted its return for {service}, {quarter}.",
                              "It is waiting for your review: approve it, or return it to the "
                              "provider with a comment."],
                  link=("Open the review queue", f"{public_url}/review"))
            for user in lead_officers(session)]


def return_decided(session: Session, public_url: str, ret: Return, action: str) -> list[Email]:
    """The lead officer approved, returned or reopened a return: its provider's users are
    told, and the comment (or the reason for reopening) stays in the app."""
    event = DECISION_EVENTS[action]
    service, quarter = _about(session, ret)
    title = f"{service}, {quarter}"
    if action == "approve":
        subject = f"Return approved: {title}"
        paragraphs = [f"The lead officer has approved your return for {title}.",
                      "Its figures now count in the partnership's reports. There is nothing "
                      "more to do for this return."]
    elif action == "return":
        subject = f"Return returned with a comment: {title}"
        paragraphs = [f"The lead officer has returned your return for {title} with a comment.",
                      "Sign in to read the comment, make the changes it asks for and submit "
                      "the return again."]
    else:
        subject = f"Return reopened: {title}"
        paragraphs = [f"The lead officer has reopened your return for {title}, so it can be "
                      "changed again.",
                      "Sign in to read why, make the changes and submit the return again."]
    link = ("Open the return", return_link(public_url, ret.service_id, ret.period_id))
    return [Email(to=user.email, user_id=user.id, event=event, subject=subject,
                  paragraphs=paragraphs, link=link)
            for user in provider_users(session, ret.provider_id)]


def reporting_services(session: Session, period: Period) -> dict[int, list[str]]:
    """{provider id: its services that report in this period, by name}: services in service
    (neither they nor their provider retired) whose contract has started by the quarter's
    end, as the returns home lists them."""
    quarter = Quarter(period.year, period.quarter)
    out: dict[int, list[str]] = {}
    for service in session.scalars(select(Service).where(in_service(), Service.provider_id.is_not(None))
                                   .order_by(Service.display_order, Service.name)):
        if not before_contract(quarter, service.contract_start):
            out.setdefault(service.provider_id or 0, []).append(service.name)
    return out


def period_opened(session: Session, public_url: str, period: Period) -> list[Email]:
    """A lead officer opened a reporting period: the users of each provider with a service
    reporting in it are told, each message listing only that provider's own services."""
    quarter = Quarter(period.year, period.quarter)
    opens = submission_opens(quarter)
    emails: list[Email] = []
    for provider_id, services in reporting_services(session, period).items():
        listed = "; ".join(services)
        paragraphs = [f"{quarter.label} is open for returns, so you can enter and change its "
                      f"returns for: {listed}.",
                      f"The returns are due by {format_date(period.due_date)}."]
        if not period.early_submission:
            paragraphs.append(f"Returns can be submitted from {format_date(opens)}, the day "
                              "after the quarter ends.")
        emails += [Email(to=user.email, user_id=user.id, event=PERIOD_OPENED,
                         subject=f"{quarter.label} is open for returns", paragraphs=paragraphs,
                         link=("Open your returns", f"{public_url}/returns"))
                   for user in provider_users(session, provider_id)]
    return emails
