"""Component ids, in one place so layouts and callbacks agree."""

URL = "url"
PAGE = "page"  # the <main> element: the skip link's target
VIEW = "view"  # what the page shows: {"search", "title", "from"} (callbacks/navigation.py)
REDRAW = "redraw"  # set by the browser when the page may show a view the address no longer asks for
SKIP_LINK = "skip-link"
MAIN_NAV = "main-nav"
OVERVIEW_YEAR = "overview-year"
OVERVIEW_QUARTER = "overview-quarter"
OVERVIEW_HEADING = "overview-heading"
OVERVIEW_CHART = "overview-chart"
OVERVIEW_TABLE = "overview-table"
OVERVIEW_CSV = "overview-csv"

# Returns
RETURNS_TABLE = "returns-table"
RETURNS_BODY = "returns-body"
RETURNS_CAPTION = "returns-caption"
RETURNS_TEXT = "returns-text"
RETURNS_VIEW = "returns-view"  # the page's store: its sort and page
RETURNS_PREV = "returns-prev"
RETURNS_NEXT = "returns-next"
RETURNS_PAGE_STATUS = "returns-page-status"
RETURNS_PROVIDER = "returns-provider"
RETURNS_QUARTER = "returns-quarter"
RETURNS_STATUS = "returns-status"
RETURNS_COUNT = "returns-count"
RETURNS_STATUS_NOTE = "returns-status-note"  # "What the statuses mean" beside the list
RV_CONTEXT = "rv-context"
RV_VERSION = "rv-version"
RV_SAVE = "rv-save"
RV_SUBMIT = "rv-submit"
RV_CONFIRM = "rv-confirm"
RV_SUMMARY = "rv-summary"
RV_STATUS = "rv-status"
RV_REOPEN = "rv-reopen"
RV_REOPEN_REASON = "rv-reopen-reason"
RV_SUBMIT_NOT_YET = "rv-submit-not-yet"
RV_FORM = "return-form"
RV_STATUS_PANEL = "rv-status-panel"
RV_TEMPLATE_PANEL = "rv-template-panel"
RV_SHOWS_ERRORS = "rv-shows-errors"
RQ_LIST = "rq-list"
RQ_PROVIDER = "rq-provider"
RQ_PERIOD = "rq-period"
RQ_COUNT = "rq-count"
RQ_PREV = "rq-prev"
RQ_NEXT = "rq-next"
RQ_PAGE_STATUS = "rq-page-status"
RQ_VIEW = "rq-view"  # the queue's page, as the pager callback starts from it
NAV_WAITING = "nav-waiting"

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
RQ_RESULT = "rq-result"


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
SERVICE_TRENDS = "service-trends"  # "Over the years": drawn by its own callback, after the body
SERVICE_TRENDS_SEEN = "service-trends-seen"  # set once the section nears the screen (assets/service_trends.js)

# Priorities and submissions
PRIORITY_YEAR = "priority-year"
PRIORITY_QUARTER = "priority-quarter"
PRIORITY_BODY = "priority-body"
SUBMISSIONS_YEAR = "submissions-year"
SUBMISSIONS_BODY = "submissions-body"
# "Send reminders now" on the Submissions page (the lead officer's only; issue #18)
REMIND_PREVIEW, REMIND_PANEL, REMIND_PLAN, REMIND_SEND, REMIND_CANCEL, REMIND_MSG, REMIND_SEEN = (
    "remind-preview", "remind-panel", "remind-plan", "remind-send", "remind-cancel", "remind-msg",
    "remind-seen")
PROGRESS_PROVISIONAL = "progress-provisional"
PROGRESS_BODY = "progress-body"

# Performance table page
PERF_YEAR = "perf-year"
PERF_QUARTER = "perf-quarter"
PERF_PROVISIONAL = "perf-provisional"
PERF_PUBLISH = "perf-publish"
PERF_SHOW_GROUPS = "perf-show-groups"  # a CSS :has() rule shows the two columns (monitor.css)
# The table: a page of rows drawn on the server (layouts/performance.py, callbacks/performance.py).
PERF_TABLE = "perf-table"
PERF_CAPTION = "perf-caption"
PERF_BODY = "perf-body"
PERF_VIEW = "perf-view"  # the page's store: the sort, page and page size now shown
PERF_FIND = "perf-find"
PERF_RAG = "perf-rag"
PERF_PRIORITY = "perf-priority"
PERF_PAGE_SIZE = "perf-page-size"
PERF_PREV = "perf-prev"
PERF_NEXT = "perf-next"
PERF_PAGE_STATUS = "perf-page-status"
PERF_HEADING = "perf-heading"
PERF_WORKING = "perf-working"  # what is being worked out, in words (a national table)
PERF_POLL = "perf-poll"  # asks again while the table is worked out in the background
PERF_XLSX = "perf-xlsx"
PERF_CSV = "perf-csv"
PERF_PDF = "perf-pdf"
# The downloads, built as background jobs (callbacks/performance.py, dash_app/jobs.py).
PERF_JOB = "perf-job"  # shown while a job runs: its stage, progress bar and Cancel
PERF_JOB_STAGE = "perf-job-stage"
PERF_JOB_BAR = "perf-job-bar"
PERF_JOB_CANCEL = "perf-job-cancel"
PERF_JOB_RESULT = "perf-job-result"  # what became of the last job, in words
PERF_DOWNLOAD = "perf-download"
RV_UPLOAD = "rv-upload"
RV_UPLOAD_RESULT = "rv-upload-result"

# Administration (admin only). Fields are named ADM_<FORM>_<FIELD>.
ADM_PROV_PICK, ADM_PROV_NAME, ADM_PROV_ACTIVE, ADM_PROV_SAVE, ADM_PROV_MSG, ADM_PROV_LIST = (
    "adm-prov-pick", "adm-prov-name", "adm-prov-active", "adm-prov-save", "adm-prov-msg",
    "adm-prov-list")
ADM_SVC_PICK, ADM_SVC_NAME, ADM_SVC_PRIORITY, ADM_SVC_WORKSTREAM, ADM_SVC_PROVIDER = (
    "adm-svc-pick", "adm-svc-name", "adm-svc-priority", "adm-svc-workstream", "adm-svc-provider")
ADM_SVC_START, ADM_SVC_END, ADM_SVC_VALUE, ADM_SVC_DESC, ADM_SVC_ACTIVE = (
    "adm-svc-start", "adm-svc-end", "adm-svc-value", "adm-svc-desc", "adm-svc-active")
ADM_SVC_SAVE, ADM_SVC_MSG, ADM_SVC_LIST = "adm-svc-save", "adm-svc-msg", "adm-svc-list"
# Changes in a service (limits recalculated from them).
ADM_CHG_SERVICE, ADM_CHG_PERIOD, ADM_CHG_REASON, ADM_CHG_SAVE = (
    "adm-chg-service", "adm-chg-period", "adm-chg-reason", "adm-chg-save")
ADM_CHG_PICK, ADM_CHG_REMOVE, ADM_CHG_MSG, ADM_CHG_LIST = (
    "adm-chg-pick", "adm-chg-remove", "adm-chg-msg", "adm-chg-list")
ADM_MET_SERVICE, ADM_MET_PICK, ADM_MET_NAME, ADM_MET_KIND, ADM_MET_UNIT = (
    "adm-met-service", "adm-met-pick", "adm-met-name", "adm-met-kind", "adm-met-unit")
ADM_MET_HIGHER, ADM_MET_HEADLINE, ADM_MET_CATS, ADM_MET_BASE, ADM_MET_BASE_PERIOD = (
    "adm-met-higher", "adm-met-headline", "adm-met-cats", "adm-met-base", "adm-met-base-period")
ADM_MET_BASE_SOURCE, ADM_MET_ORDER, ADM_MET_SAVE, ADM_MET_RETIRE, ADM_MET_RESTORE = (
    "adm-met-base-source", "adm-met-order", "adm-met-save", "adm-met-retire", "adm-met-restore")
ADM_MET_DELETE, ADM_MET_MSG, ADM_MET_LIST = "adm-met-delete", "adm-met-msg", "adm-met-list"
ADM_TGT_SERVICE, ADM_TGT_YEAR, ADM_TGT_GRID, ADM_TGT_SPLIT, ADM_TGT_COPY = (
    "adm-tgt-service", "adm-tgt-year", "adm-tgt-grid", "adm-tgt-split", "adm-tgt-copy")
ADM_TGT_SAVE, ADM_TGT_MSG, ADM_TGT_SAVE_ANYWAY = "adm-tgt-save", "adm-tgt-msg", "adm-tgt-save-anyway"
ADM_PER_PICK, ADM_PER_STATUS, ADM_PER_DUE, ADM_PER_SAVE, ADM_PER_YEAR, ADM_PER_CREATE = (
    "adm-per-pick", "adm-per-status", "adm-per-due", "adm-per-save", "adm-per-year",
    "adm-per-create")
ADM_PER_MSG, ADM_PER_LIST = "adm-per-msg", "adm-per-list"
ADM_PER_EARLY = "adm-per-early"
# Importing returns from a file (issue 21): upload, preview, confirm.
ADM_IMP_UPLOAD, ADM_IMP_STATUS, ADM_IMP_REPLACE, ADM_IMP_REASON = (
    "adm-imp-upload", "adm-imp-status", "adm-imp-replace", "adm-imp-reason")
ADM_IMP_PREVIEW, ADM_IMP_CONFIRM, ADM_IMP_RESULT, ADM_IMP_CHECKED = (
    "adm-imp-preview", "adm-imp-confirm", "adm-imp-result", "adm-imp-checked")
# The import as a background job: its stage in words, a bar, Cancel.
ADM_IMP_JOB, ADM_IMP_STAGE, ADM_IMP_BAR, ADM_IMP_CANCEL = (
    "adm-imp-job", "adm-imp-stage", "adm-imp-bar", "adm-imp-cancel")
ADM_USR_EMAIL, ADM_USR_ROLE, ADM_USR_PROVIDER, ADM_USR_INVITE = (
    "adm-usr-email", "adm-usr-role", "adm-usr-provider", "adm-usr-invite")
ADM_USR_PICK, ADM_USR_EDIT_ROLE, ADM_USR_EDIT_PROVIDER, ADM_USR_ACTIVE, ADM_USR_SAVE = (
    "adm-usr-pick", "adm-usr-edit-role", "adm-usr-edit-provider", "adm-usr-active", "adm-usr-save")
ADM_USR_RESET, ADM_USR_MSG, ADM_USR_LIST = "adm-usr-reset", "adm-usr-msg", "adm-usr-list"
ADM_RAG_GREEN, ADM_RAG_AMBER, ADM_RAG_SAVE, ADM_RAG_MSG, ADM_RAG_RULE = (
    "adm-rag-green", "adm-rag-amber", "adm-rag-save", "adm-rag-msg", "adm-rag-rule")
ADM_PUB_THRESHOLD = "adm-pub-threshold"
ADM_REM_DAYS, ADM_REM_OPTIONS, ADM_REM_SAVE, ADM_REM_MSG = (
    "adm-rem-days", "adm-rem-options", "adm-rem-save", "adm-rem-msg")
ADM_AUD_USER, ADM_AUD_ENTITY, ADM_AUD_FROM, ADM_AUD_TO, ADM_AUD_LIST = (
    "adm-aud-user", "adm-aud-entity", "adm-aud-from", "adm-aud-to", "adm-aud-list")
# Administration → Mail (issue 18): the record of every email, and reading the outbox.
ADM_MAIL_LIST, ADM_MAIL_PICK, ADM_MAIL_SHOW, ADM_MAIL_TEXT = (
    "adm-mail-list", "adm-mail-pick", "adm-mail-show", "adm-mail-text")
# Your account (issue 18): the reminder emails choice.
ACCOUNT_REMINDERS, ACCOUNT_SAVE, ACCOUNT_MSG = "account-reminders", "account-save", "account-msg"
# Personal API tokens on Your account (issue 21); TOKEN_REVOKE is a pattern ({"token": id}).
TOKEN_NAME, TOKEN_DAYS, TOKEN_MAKE = "token-name", "token-days", "token-make"
TOKEN_MSG, TOKEN_LIST, TOKEN_REVOKE = "token-msg", "token-list", "token-revoke"

# Keeping typed work (layouts/keep_work.py, callbacks/autosave.py, assets/keep_work.js and
# assets/session_timeout.js, which name these ids too).
SESSION_INFO = "session-info"
RV_AUTOSAVE_DUE = "rv-autosave-due"
RV_AUTOSAVE_RESULT = "rv-autosave-result"
RV_AUTOSAVE_STATUS = "rv-autosave-status"
RV_NETWORK = "rv-network"
RV_KEEP_OFFER = "rv-keep-offer"
RV_KEEP_OFFER_TEXT = "rv-keep-offer-text"
RV_KEEP_RESTORE = "rv-keep-restore"
RV_KEEP_DISCARD = "rv-keep-discard"

# What needs attention (the exception report)
ATTENTION_YEAR = "attention-year"
ATTENTION_QUARTER = "attention-quarter"
ATTENTION_PROVISIONAL = "attention-provisional"
ATTENTION_BODY = "attention-body"
ATTENTION_PAGED = "attention-paged"  # a long report's lines, a page at a time
ATTENTION_PRIORITY = "attention-priority"
ATTENTION_LINES = "attention-lines"
ATTENTION_PREV = "attention-prev"
ATTENTION_NEXT = "attention-next"
ATTENTION_PAGE_STATUS = "attention-page-status"
ATTENTION_VIEW = "attention-view"
ATTENTION_POLL = "attention-poll"  # asks again while the report is worked out in the background
