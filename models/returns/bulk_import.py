"""Bulk import of returns (issue 21): a partnership's history, many returns in one file in long
form (a row per figure), checked whole with the return form's own rules and written all or
nothing.

A row: `service`, `metric`, `category` (blank for the metric itself), `year` ("2021/22"),
`quarter` ("Q1"-"Q4"), `count` (a count, or a category's count), `numerator` and `denominator`
(a rate: the number improved and the number assessed); optionally `highlights`, `challenges`
and `case_study`, given on any one row of the return. The rows of one service and quarter
make one return, validated as the form validates a submission (models.rules.validation):
every figure filled in, whole numbers, the number improved no more than the number assessed,
categories adding up to their total, text within its limit. Names match the catalogue in any
case; a name that matches nothing is answered with the nearest one ("did you mean").

`plan_import` reads and checks; nothing is written. Every problem is listed by the row
number a spreadsheet shows (the heading is row 1) and the column. `apply_import` writes a
plan with no problems, in the caller's transaction: a return already in the database is
never overwritten unless the import was asked to replace (with a reason, kept in the audit
trail). Each return written gets an audit event; the figures' data version moves on with
them (models.store.data_version)."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from models.access import Actor, require_admin
from models.reporting.cells import FORMULA_STARTS
from models.returns.queries import active_metrics, metric_defs
from models.returns.saving import snapshot, write_values
from models.rules.periods import Quarter, parse_year_label
from models.rules.validation import (
    NARRATIVE_FIELDS,
    FieldKey,
    MetricDef,
    RawReturn,
    Validation,
    clean_text,
    validate_return,
)
from models.store.audit import record
from models.store.entities import Metric, Period, Return, Service

REQUIRED_COLUMNS = ("service", "metric", "category", "year", "quarter", "count", "numerator",
                    "denominator")
TEXT_COLUMNS = ("highlights", "challenges", "case_study")
COLUMNS = (*REQUIRED_COLUMNS, *TEXT_COLUMNS)
STATUSES = ("approved", "submitted")
FIRST_ROW = 2  # the heading is the file's row 1
MAX_REASON = 500
CLASH = ("Another import, or a return saved on its form, changed these returns at the same time, "
         "so nothing was imported. Check the file again to see what it would do now.")


@dataclass(frozen=True)
class Problem:
    """Something wrong with the file: its row as a spreadsheet numbers it (0: the file as a
    whole), the column, and what to do, in plain English."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}, {self.column}" if self.row else (self.column or "The file")
        return f"{where}: {self.message}"


def problem_lines(problems: Sequence[Problem], limit: int = 60) -> list[str]:
    """The problems as lines to read, the same message on many rows said once with its rows
    ("Rows 2 to 17, service: ..."), at most `limit` lines and then how many more."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for problem in problems:
        grouped.setdefault((problem.column, problem.message), []).append(problem.row)
    lines = []
    for (column, message), rows in sorted(grouped.items(), key=lambda item: min(item[1])):
        if rows == [0]:
            lines.append(str(Problem(0, column, message)))
            continue
        lines.append(f"{_row_ranges(rows)}, {column}: {message}")
    if len(lines) > limit:
        lines = [*lines[:limit], f"… and {len(lines) - limit:,} more."]
    return lines


def _row_ranges(rows: list[int]) -> str:
    """[2, 3, 4, 9] -> "Rows 2 to 4 and 9"."""
    spans: list[list[int]] = []
    for row in sorted(set(rows)):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    words = [f"{a}" if a == b else f"{a} to {b}" for a, b in spans]
    if len(words) > 6:
        words = [*words[:6], f"{len(words) - 6} more ranges"]
    said = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return ("Row " if len(spans) == 1 and spans[0][0] == spans[0][1] else "Rows ") + said


@dataclass
class PlannedReturn:
    """One service's return for one quarter, as the file gives it."""

    service: Service
    quarter: Quarter
    raw: RawReturn
    rows: dict[FieldKey, int]  # each figure's row in the file (its message's place)
    first_row: int
    existing: Return | None = None


@dataclass
class ImportPlan:
    returns: list[PlannedReturn] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def replaced(self) -> list[PlannedReturn]:
        return [p for p in self.returns if p.existing is not None]


@dataclass(frozen=True)
class ImportResult:
    created: int
    replaced: int
    periods_created: int


class _Catalogue:
    """Services, their active metrics and categories by name, any case."""

    def __init__(self, services: Sequence[Service]) -> None:
        self.services = {s.name.casefold(): s for s in services}
        self.names = [s.name for s in services]

    def service(self, name: str) -> Service | None:
        return self.services.get(name.casefold())


def _nearest(name: str, names: Iterable[str]) -> str:
    """" Did you mean 'Sanctuary scheme'?" when a name is near one of `names`, else ""."""
    by_fold = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(name.casefold(), list(by_fold), n=1, cutoff=0.6)
    return f" Did you mean '{by_fold[close[0]]}'?" if close else ""


def _cell(row: Mapping[str, object], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def check_columns(headings: Sequence[str]) -> list[Problem]:
    """The file's headings: every required column, no unknown one (a misspelt `numerator`
    would otherwise be silently left out)."""
    have = [h.strip().casefold() for h in headings]
    problems = [Problem(0, "Columns", f"The file has no '{c}' column.") for c in REQUIRED_COLUMNS
                if c not in have]
    problems += [Problem(0, "Columns", f"'{h}' is not a column this import reads; the columns are "
                         f"{', '.join(COLUMNS)}.") for h in have if h and h not in COLUMNS]
    duplicated = sorted({h for h in have if h and have.count(h) > 1})
    problems += [Problem(0, "Columns", f"The column '{h}' is there more than once.") for h in duplicated]
    return problems


def plan_import(session: Session, actor: Actor | None, headings: Sequence[str],
                rows: Sequence[Mapping[str, object]], today: dt.date, *,
                replace: bool = False, row_numbers: Sequence[int] | None = None) -> ImportPlan:
    """Check every row and group them into returns; write nothing. `actor` None is the
    command line (whoever may run it may change the database anyway); otherwise an admin.
    `row_numbers`: each row's number in the file (blank rows left out of `rows` still
    count); by default the rows follow the heading without a gap."""
    if actor is not None:
        require_admin(actor, "import returns")
    plan = ImportPlan(problems=check_columns(headings))
    if plan.problems:
        return plan
    rows = [{k.strip().casefold(): v for k, v in row.items() if isinstance(k, str)} for row in rows]
    if not rows:
        plan.problems.append(Problem(0, "The file", "There are no rows under the headings."))
        return plan
    services = session.scalars(select(Service).options(
        selectinload(Service.metrics).selectinload(Metric.categories))).all()
    catalogue = _Catalogue(services)
    planned: dict[tuple[int, int, int], PlannedReturn] = {}
    texts: dict[tuple[int, int, int], dict[str, tuple[str, int]]] = {}
    for index, row in enumerate(rows):
        number = row_numbers[index] if row_numbers is not None else index + FIRST_ROW
        found = _check_row(catalogue, row, number, today, plan.problems)
        if found is None:
            continue
        service, metric, category_id, quarter = found
        key = (service.id, quarter.year, quarter.quarter)
        item = planned.get(key)
        if item is None:
            item = planned[key] = PlannedReturn(service, quarter, RawReturn(counts={}, numerators={},
                                                denominators={}, categories={}, narrative={}),
                                                {}, number)
        _add_figures(item, metric, category_id, row, number, plan.problems)
        for name in TEXT_COLUMNS:
            text = _unguarded(_cell(row, name))
            if not text:
                continue
            given = texts.setdefault(key, {})
            if name in given and given[name][0] != text:
                plan.problems.append(Problem(number, name, f"A different {NARRATIVE_FIELDS[name].lower()} "
                                             f"for this return is on row {given[name][1]}; give it once."))
            given.setdefault(name, (text, number))
    for key, item in planned.items():
        item.raw.narrative.update({name: text for name, (text, _) in texts.get(key, {}).items()})  # type: ignore[attr-defined]
        for name, (_, number) in texts.get(key, {}).items():
            item.rows[FieldKey.narrative(name)] = number
        _validate(item, plan.problems)
    _find_existing(session, list(planned.values()), replace, plan.problems)
    plan.returns = sorted(planned.values(), key=lambda p: (p.quarter.year, p.quarter.quarter,
                                                            p.service.display_order, p.service.id))
    plan.problems.sort(key=lambda p: (p.row, COLUMNS.index(p.column) if p.column in COLUMNS else -1))
    return plan


def _check_row(catalogue: _Catalogue, row: Mapping[str, object], number: int, today: dt.date,
               problems: list[Problem]) -> tuple[Service, Metric, int | None, Quarter] | None:
    """The row's service, metric, category and quarter, or None (its problems listed)."""
    before = len(problems)
    # Names as written before an export guarded them (a service called "@Home ...").
    service_name, metric_name = _unguarded(_cell(row, "service")), _unguarded(_cell(row, "metric"))
    category_name = _unguarded(_cell(row, "category"))
    service = metric = None
    category_id: int | None = None
    if not service_name:
        problems.append(Problem(number, "service", "Enter the service's name."))
    else:
        service = catalogue.service(service_name)
        if service is None:
            problems.append(Problem(number, "service", f"There is no service called '{service_name}'."
                                    + _nearest(service_name, catalogue.names)))
        elif service.provider_id is None:
            problems.append(Problem(number, "service", f"'{service.name}' has no provider, so it "
                                    "cannot have returns. Give it a provider first."))
    if service is not None:
        # A measure retired since is history too: its figures may be given (not required).
        metrics = active_metrics(service) + [m for m in service.metrics if not m.active]
        metric = next((m for m in metrics if m.name.casefold() == metric_name.casefold()), None)
        if not metric_name:
            problems.append(Problem(number, "metric", "Enter the measure's name."))
        elif metric is None:
            problems.append(Problem(number, "metric", f"'{service.name}' has no measure called "
                                    f"'{metric_name}'." + _nearest(metric_name, [m.name for m in metrics])))
        elif category_name:
            category = next((c for c in metric.categories
                             if c.name.casefold() == category_name.casefold()), None)
            if category is None:
                names = [c.name for c in metric.categories]
                problems.append(Problem(number, "category", (
                    f"'{metric.name}' has no category called '{category_name}'." + _nearest(category_name, names))
                    if names else f"'{metric.name}' has no categories: leave category blank."))
            else:
                category_id = category.id
    quarter = _quarter(row, number, today, problems)
    if len(problems) > before or service is None or metric is None or quarter is None:
        return None
    return service, metric, category_id, quarter


def _quarter(row: Mapping[str, object], number: int, today: dt.date,
             problems: list[Problem]) -> Quarter | None:
    year_text, quarter_text = _cell(row, "year"), _cell(row, "quarter").upper()
    year = None
    try:
        year = parse_year_label(year_text)
    except ValueError as exc:
        problems.append(Problem(number, "year", str(exc) if year_text else "Enter the financial year, like 2021/22."))
    if quarter_text not in ("Q1", "Q2", "Q3", "Q4"):
        problems.append(Problem(number, "quarter", f"'{quarter_text}' is not a quarter; write Q1, Q2, Q3 or Q4."
                                if quarter_text else "Enter the quarter: Q1, Q2, Q3 or Q4."))
        return None
    if year is None:
        return None
    quarter = Quarter(year, int(quarter_text[1]))
    if not 2000 <= year <= 2100:
        problems.append(Problem(number, "year", f"{year_text} is outside the years this app holds."))
        return None
    if quarter.end >= today:
        problems.append(Problem(number, "quarter", f"{quarter.label} has not ended yet, so it has "
                                "no return to import."))
        return None
    return quarter


def _add_figures(item: PlannedReturn, metric: Metric, category_id: int | None,
                 row: Mapping[str, object], number: int, problems: list[Problem]) -> None:
    """The row's figure(s) into the return's raw fields, as the form would send them."""
    raw = item.raw
    count, numerator, denominator = (_cell(row, c) for c in ("count", "numerator", "denominator"))
    rate = metric.unit == "percent" and category_id is None
    if rate:
        keys = {FieldKey.numerator(metric.id): ("numerator", numerator),
                FieldKey.denominator(metric.id): ("denominator", denominator)}
        if count:
            problems.append(Problem(number, "count", f"'{metric.name}' is a rate: put the number "
                                    "improved in numerator and the number assessed in denominator, "
                                    "and leave count blank."))
    else:
        keys = {FieldKey.category(category_id) if category_id is not None else FieldKey.count(metric.id):
                ("count", count)}
        for column, text in (("numerator", numerator), ("denominator", denominator)):
            if text:
                problems.append(Problem(number, column, f"'{metric.name}' is "
                                        f"{'a category count' if category_id else 'a count'}: put the "
                                        f"figure in count and leave {column} blank."))
    for key, (_column, text) in keys.items():
        if key in item.rows:
            what = "category" if key.kind == "cat" else "measure"
            problems.append(Problem(number, "metric" if what == "measure" else "category",
                                    f"This {what} of this return is already on row {item.rows[key]}."))
            continue
        item.rows[key] = number
        target = {"count": raw.counts, "num": raw.numerators, "den": raw.denominators,
                  "cat": raw.categories}[key.kind]
        target[key.id] = _number_text(text)  # type: ignore[index]


def _unguarded(text: str) -> str:
    """Text as written before an export guarded it against spreadsheet formulas (the
    apostrophe models.reporting.cells.neutralise puts before "=", "+", "-" or "@"), so a
    history exported and imported again keeps its words."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _number_text(text: str) -> str:
    """A whole number as a spreadsheet may write it ("12.0", "1,364") back to what the form's
    rules read; anything else as given, for them to refuse."""
    plain = text.replace(",", "")
    if plain.endswith(".0") and plain[:-2].isdigit():
        return plain[:-2]
    return plain if plain.isdigit() else text


def _retired_given(item: PlannedReturn) -> list[Metric]:
    """The measures retired since that the file gives figures for (the form has none)."""
    given = {key.id for key in item.rows if key.kind in ("count", "num", "den")}
    return [m for m in item.service.metrics if not m.active and m.id in given]


def _checked(item: PlannedReturn) -> Validation:
    """The form's rules for a submission: every measure in use, and each retired one given."""
    defs = metric_defs(item.service) + [
        MetricDef(m.id, m.name, m.unit, tuple((c.id, c.name) for c in m.categories))
        for m in _retired_given(item)]
    return validate_return(defs, item.raw, submitting=True)


def _validate(item: PlannedReturn, problems: list[Problem]) -> None:
    """The form's rules for a submission, each message placed on its figure's row."""
    validation = _checked(item)
    label = f"{item.service.name}, {item.quarter.label}"
    metric_rows = {k.id: r for k, r in item.rows.items() if k.kind in ("count", "num", "den")}
    for key, message in validation.errors.items():
        row = item.rows.get(key)
        if key.kind == "sum":
            row = metric_rows.get(key.id)
        column = {"count": "count", "cat": "count", "num": "numerator", "den": "denominator",
                  "sum": "count"}.get(key.kind, key.name)
        if row is None:  # a figure the file leaves out: said on the return's first row
            problems.append(Problem(item.first_row, "metric", f"{label}: {message} (add a row for it)."))
        else:
            problems.append(Problem(row, column, f"{message}."))


def _find_existing(session: Session, planned: list[PlannedReturn], replace: bool,
                   problems: list[Problem]) -> None:
    if not planned:
        return
    periods = {(p.year, p.quarter): p.id for p in session.scalars(select(Period))}
    wanted = {(item.service.id, periods.get((item.quarter.year, item.quarter.quarter))): item
              for item in planned}
    service_ids = {s for s, _ in wanted}
    existing = session.scalars(select(Return).where(Return.service_id.in_(service_ids))
                               .options(selectinload(Return.values),
                                        selectinload(Return.breakdown_values))).all()
    for ret in existing:
        item = wanted.get((ret.service_id, ret.period_id))
        if item is None:
            continue
        item.existing = ret
        if not replace:
            article = "an" if ret.status[0] in "aeiou" else "a"
            problems.append(Problem(item.first_row, "quarter", (
                f"{item.service.name} already has {article} {ret.status} return for {item.quarter.label}. "
                "Nothing already in the app is overwritten unless you ask to replace it, with a reason.")))


def apply_import(session: Session, actor: Actor | None, plan: ImportPlan, *, status: str,
                 reason: str = "", source: str = "",
                 progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Write every return of a plan with no problems, as `status`, in the caller's
    transaction. Replacing a return needs a reason (the audit trail keeps it). `progress`
    hears (returns written, returns in all) as it goes: a background job's stage."""
    if actor is not None:
        require_admin(actor, "import returns")
    if not plan.ok:
        raise ValueError("This import has problems; nothing was written.")
    if status not in STATUSES:
        raise ValueError("The status must be approved or submitted.")
    reason = clean_text(reason)
    if plan.replaced() and not reason:
        raise ValueError("Give a reason for replacing returns already in the app.")
    if len(reason) > MAX_REASON:
        raise ValueError(f"The reason must be {MAX_REASON} characters or fewer.")
    try:
        return _write(session, actor, plan, status, reason, source, progress)
    except (IntegrityError, StaleDataError):
        # Checked, then written by someone else before this import's write: a new return or
        # quarter already there (the database's unique rules), or a replaced one changed
        # since (its version). The caller's transaction is rolled back: nothing written.
        raise ValueError(CLASH) from None


def _write(session: Session, actor: Actor | None, plan: ImportPlan, status: str, reason: str,
           source: str, progress: Callable[[int, int], None] | None) -> ImportResult:
    periods = {(p.year, p.quarter): p for p in session.scalars(select(Period))}
    created_periods = 0
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    user_id = actor.id if actor is not None else None
    created = replaced = 0
    for done, item in enumerate(plan.returns):
        if progress is not None:
            progress(done, len(plan.returns))
        period = periods.get((item.quarter.year, item.quarter.quarter))
        if period is None:
            period = Period(year=item.quarter.year, quarter=item.quarter.quarter, status="closed",
                            due_date=item.quarter.default_due_date)
            session.add(period)
            session.flush()
            periods[(period.year, period.quarter)] = period
            created_periods += 1
            record(session, user_id, "create", "period", period.id, None,
                   {"quarter": item.quarter.label, "due": period.due_date, "by": "import"})
        ret = item.existing
        before = None
        if ret is None:
            ret = Return(service_id=item.service.id, period_id=period.id,
                         provider_id=item.service.provider_id, status="draft")
            session.add(ret)
            created += 1
        else:
            before = snapshot(ret)
            replaced += 1
        validation = _checked(item)
        write_values(session, ret, item.service, validation, retired=_retired_given(item))
        for name, text in validation.parsed.narrative.items():
            setattr(ret, name, text)
        ret.status = status
        # When it was handed in, the file does not say: a new return's date stays unknown
        # (the submissions page leaves it out of the on-time rate rather than count it late
        # on the day of the import); a replaced one keeps its own.
        ret.approved_at = now if status == "approved" else None
        ret.reopened = False
        ret.updated_at = now
        session.flush()
        after = {**snapshot(ret), "source": source, **({"reason": reason} if reason else {})}
        record(session, user_id, "import", "return", ret.id, before, after)
    return ImportResult(created, replaced, created_periods)
