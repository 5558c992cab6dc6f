"""What the return callbacks are asked, read from the browser and checked before anything is
asked of models/ (which return, from the page's stores; the form's fields, by their
FieldKey), and `run_return`, the one guard every return callback runs its work through, as
`run_admin` is for the admin callbacks.

Anything the page would never send (a malformed id, lists that do not pair up, a value that
is not text) raises TypeError, KeyError or ValueError while reading, which the guard answers
as a stale page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from dash import ALL, State
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from callbacks.common import STALE_PAGE, audit_refusal, signed_in_user, transaction
from dash_app.auth import SignedInUser
from layouts import ids
from layouts.return_form import field_of_error_slot, field_of_input
from models.access import AccessRefused, record_id
from models.returns.saving import CONFLICT_MESSAGE, ReturnConflict
from models.rules.validation import FieldKey, FieldKind, RawReturn
from models.rules.workflow import WorkflowError
from models.store.db import is_unreachable

# The form's inputs by kind, in the order the save callback declares their states and outputs.
INPUT_PATTERNS: dict[FieldKind, dict] = {
    "count": {"type": ids.COUNT, "metric": ALL},
    "num": {"type": ids.NUM, "metric": ALL},
    "den": {"type": ids.DEN, "metric": ALL},
    "cat": {"type": ids.CAT, "metric": ALL, "category": ALL},
    "text": {"type": ids.TEXT, "field": ALL},
}
INPUT_KINDS: tuple[FieldKind, ...] = tuple(INPUT_PATTERNS)
# The save callback's states: each kind's values and ids, then the error slots, the page's
# stores and the confirmation tick. SentForm.from_states is the one reader of this order.
SAVE_STATES: list[State] = [
    *[State(INPUT_PATTERNS[kind], prop) for kind in INPUT_KINDS for prop in ("value", "id")],
    State({"type": ids.FIELD_ERROR, "field": ALL}, "id"),
    State(ids.RV_CONTEXT, "data"),
    State(ids.RV_VERSION, "data"),
    State(ids.RV_CONFIRM, "value"),
]


@dataclass(frozen=True)
class ReturnPage:
    """Which return a page is about, from its stores: service, period, and the version the
    page was drawn from; `action` is what the user asked of it."""

    action: str  # save | submit | upload | reopen
    service_id: int
    period_id: int
    version: int

    @classmethod
    def read(cls, action: str, context: object, version: object) -> ReturnPage:
        if not isinstance(context, dict):
            raise ValueError("no return named")
        return cls(action, record_id(context["service"]), record_id(context["period"]),
                   record_id(version or 0))

    def audited(self) -> tuple[str, int | None]:
        if self.action == "upload":
            return f"upload template for service {self.service_id}", None
        if self.action == "reopen":
            return "reopen return", None
        return f"{self.action} return for service {self.service_id}, period {self.period_id}", None


@dataclass(frozen=True)
class SentForm:
    """The save callback's states by name, as the browser sent them: nothing checked yet."""

    inputs: dict[FieldKind, tuple[Any, Any]] = field(default_factory=dict)  # kind -> (values, ids)
    error_slots: Any = ()  # the error slots' ids
    context: Any = None  # the page's return: {"service": id, "period": id}
    version: Any = None
    confirmed: Any = False

    @classmethod
    def from_states(cls, states: Sequence[Any]) -> SentForm:
        """The states in SAVE_STATES's order, named."""
        pairs = 2 * len(INPUT_KINDS)
        inputs = {kind: (states[2 * i], states[2 * i + 1]) for i, kind in enumerate(INPUT_KINDS)}
        error_slots, context, version, confirmed = states[pairs:]
        return cls(inputs, error_slots, context, version, confirmed)


@dataclass(frozen=True)
class ReturnForm:
    """The return form, checked: each input's field and text (by kind, in page order), the
    fields of the error slots, and each category's metric (for the error summary's links)."""

    page: ReturnPage
    inputs: dict[FieldKind, list[tuple[FieldKey, str | None]]]
    error_slots: list[FieldKey]
    category_metric: dict[int, int]
    confirmed: bool

    def audited(self) -> tuple[str, int | None]:
        return self.page.audited()

    def raw(self) -> RawReturn:
        return RawReturn.from_fields(pair for pairs in self.inputs.values() for pair in pairs)


def read_form(action: str, sent: SentForm) -> ReturnForm:
    """The form as sent, checked (see the module's note)."""
    page = ReturnPage.read(action, sent.context, sent.version)
    inputs: dict[FieldKind, list[tuple[FieldKey, str | None]]] = {}
    category_metric: dict[int, int] = {}
    for kind in INPUT_KINDS:
        values, input_ids = sent.inputs.get(kind, ([], []))
        if not isinstance(values, list) or not isinstance(input_ids, list):
            raise ValueError("the page sends each kind of input as lists")
        inputs[kind] = []
        for component_id, value in zip(input_ids, values, strict=True):
            key, metric_id = field_of_input(component_id, kind)
            if value is not None and not isinstance(value, str):
                raise ValueError("an input's value is text")
            inputs[kind].append((key, value))
            if metric_id is not None:
                category_metric[key.id] = metric_id
    if not isinstance(sent.error_slots, list | tuple):
        raise ValueError("the page sends its error slots as a list")
    error_slots = [field_of_error_slot(slot) for slot in sent.error_slots]
    return ReturnForm(page, inputs, error_slots, category_metric, bool(sent.confirmed))


@dataclass(frozen=True)
class ReviewRequest:
    """The lead officer's decision on one return, at the version they saw."""

    action: str  # approve | return | reopen
    return_id: int
    version: int
    comment: str

    def audited(self) -> tuple[str, int | None]:
        return f"{self.action} return {self.return_id}", self.return_id


@dataclass(frozen=True)
class QueueFilter:
    """Which of the waiting returns the lead officer asked to see, as the page's filters name
    them (layouts.review.QueueNames reads them; None: every one)."""

    provider: str | None
    quarter: str | None

    def audited(self) -> tuple[str, int | None]:
        return "see the review queue", None


@dataclass(frozen=True)
class TemplateUpload:
    """An uploaded template, read, for the return its page is about."""

    page: ReturnPage
    template: Any  # exports.return_template.TemplateContents (openpyxl loads on first upload)

    def audited(self) -> tuple[str, int | None]:
        return self.page.audited()


# The guard ---------------------------------------------------------------------------------

class ReturnRequest(Protocol):
    def audited(self) -> tuple[str, int | None]:
        """The request in the audit trail's words, and the return it names (for a refusal
        that names no record itself)."""
        ...


R = TypeVar("R", bound=ReturnRequest)
T = TypeVar("T")


# Why a request was not done, when it was not a refusal of the request itself.
SIGNED_OUT = "signed-out"  # no one is signed in (the session ended while the page was open)
UNREACHABLE = "unreachable"  # the database could not be reached; nothing was written
NOT_SAVED_SIGNED_OUT = "You have been signed out, so this was not saved. Sign in again to carry on."
NOT_SAVED_UNREACHABLE = ("This was not saved because the database could not be reached. "
                         "Try again in a minute.")


@dataclass(frozen=True)
class Refused:
    """A request turned down; `message` is one sentence, safe to show. `why` is SIGNED_OUT or
    UNREACHABLE when the request was never weighed, so a page can say what to do next in its
    own words; None for a refusal of the request itself."""

    message: str
    why: str | None = None


def run_return(read: Callable[[], R], work: Callable[[Session, SignedInUser, R], T], *,
               shown: tuple[type[Exception], ...] = ()) -> T | Refused:
    """The work's result, or why not: the user is checked before anything from the browser
    is read; a page with ids or a version this app did not write is stale; a refusal is
    audited; a clash with someone else's change and a workflow rule each become a sentence;
    a database that cannot be reached (down, restarting, a dropped connection) becomes one
    too, the transaction having written nothing. `shown` are further exceptions whose
    message is such a sentence."""
    try:
        user = signed_in_user()  # reads the user from the database, so may meet an outage
    except AccessRefused:
        return Refused(NOT_SAVED_SIGNED_OUT, SIGNED_OUT)
    except SQLAlchemyError as exc:
        if is_unreachable(exc):
            return Refused(NOT_SAVED_UNREACHABLE, UNREACHABLE)
        raise
    try:
        request = read()
    except shown as exc:
        return Refused(str(exc))
    except (TypeError, KeyError, ValueError):
        return Refused(STALE_PAGE)
    try:
        with transaction() as session:
            return work(session, user, request)
    except AccessRefused as exc:
        what, return_id = request.audited()
        audit_refusal(user, what, exc, "return", return_id)
        return Refused(str(exc))
    except (ReturnConflict, StaleDataError):
        return Refused(CONFLICT_MESSAGE)
    except (WorkflowError, *shown) as exc:
        return Refused(str(exc))
    except SQLAlchemyError as exc:
        # Any other database error is a fault, and stays one (logged, never shown).
        if is_unreachable(exc):
            return Refused(NOT_SAVED_UNREACHABLE, UNREACHABLE)
        raise
