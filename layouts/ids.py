"""Component ids, in one place so layouts and callbacks agree."""

URL = "url"
PAGE = "page"
OVERVIEW_YEAR = "overview-year"
OVERVIEW_QUARTER = "overview-quarter"
OVERVIEW_HEADING = "overview-heading"
OVERVIEW_CHART = "overview-chart"
OVERVIEW_TABLE = "overview-table"
OVERVIEW_CSV = "overview-csv"

# Returns
RETURNS_TABLE = "returns-table"
RV_CONTEXT = "rv-context"
RV_VERSION = "rv-version"
RV_SAVE = "rv-save"
RV_SUBMIT = "rv-submit"
RV_CONFIRM = "rv-confirm"
RV_SUMMARY = "rv-summary"
RV_STATUS = "rv-status"
RV_REOPEN = "rv-reopen"
RV_REOPEN_REASON = "rv-reopen-reason"
RQ_MESSAGE = "rq-message"
RQ_LIST = "rq-list"

# Pattern-matching id types for the return form; one input per metric or category.
COUNT = "rv-count"
NUM = "rv-num"
DEN = "rv-den"
CAT = "rv-cat"
TEXT = "rv-text"
FIELD_ERROR = "rv-error"
PCT = "rv-pct"
SUM = "rv-sum"
RQ_APPROVE = "rq-approve"
RQ_RETURN = "rq-return"
RQ_COMMENT = "rq-comment"
RQ_VERSION = "rq-version"


def dom_id(component_id: dict) -> str:
    """The DOM id Dash gives a pattern-matching id (keys sorted, compact JSON)."""
    import json

    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))

# Overview filters and tiles
OVERVIEW_PRIORITY = "overview-priority"
OVERVIEW_WORKSTREAM = "overview-workstream"
OVERVIEW_PROVIDER = "overview-provider"
OVERVIEW_PROVISIONAL = "overview-provisional"
OVERVIEW_TILES = "overview-tiles"

# Service page
SERVICE_PICK = "service-pick"
SERVICE_YEAR = "service-year"
SERVICE_PROVISIONAL = "service-provisional"
SERVICE_BODY = "service-body"

# Priorities and submissions
PRIORITY_YEAR = "priority-year"
PRIORITY_QUARTER = "priority-quarter"
PRIORITY_BODY = "priority-body"
SUBMISSIONS_YEAR = "submissions-year"
SUBMISSIONS_BODY = "submissions-body"

# Performance table page
PERF_YEAR = "perf-year"
PERF_QUARTER = "perf-quarter"
PERF_PROVISIONAL = "perf-provisional"
PERF_PUBLISH = "perf-publish"
PERF_GRID = "perf-grid"
PERF_HEADING = "perf-heading"
PERF_XLSX = "perf-xlsx"
PERF_CSV = "perf-csv"
PERF_PDF = "perf-pdf"
RV_UPLOAD = "rv-upload"
RV_UPLOAD_RESULT = "rv-upload-result"
