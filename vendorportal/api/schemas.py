"""What each /api/v1 operation takes and answers, for the OpenAPI document (vendorportal/api/openapi.py).

Bodies and answers are pydantic models used only to describe the API: the views keep validating with the
services' Cleaner and answering with the services' to_dict functions. Answers forbid properties the models do
not name, so a key added to a to_dict without a line here fails the schemathesis test; enums come from the
code (Tier, ContractStatus, CHANNELS, ...), so a new value cannot drift either. OPERATIONS is keyed by the
view's endpoint; tests/integration/api/test_openapi_contract.py fails on a route without an entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from vendorportal.actions.domain import ActionOwner, ActionStatus
from vendorportal.checklists.domain import Response, Review
from vendorportal.contracts.domain import ContractStatus
from vendorportal.core.ids import MAX_ID
from vendorportal.core.money import CURRENCIES
from vendorportal.metrics.domain import CHANNELS, ServiceLevelFormula
from vendorportal.packs.domain import LANGUAGES, PackKind, PackStatus
from vendorportal.scorecards.domain import EarnBack, Rag, Relief, Status, TargetKind
from vendorportal.vendors.models import Tier

# A month the API accepts everywhere: targets.services.parse_period takes years FIRST_YEAR..LAST_YEAR (1900-2999).
PERIOD_PATTERN = r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def one_of(values) -> Any:
    """A Literal of an enum's values (or a tuple of strings), inlined where it is used."""
    return Literal[tuple(getattr(v, "value", v) for v in values)]


Channel = one_of(CHANNELS)
Currency = one_of(CURRENCIES)
Language = one_of(LANGUAGES)
Period = Annotated[str, Field(pattern=PERIOD_PATTERN, examples=["2026-03"])]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


def decimal(low: int | str, high: int | str, places: int, description: str = ""):
    """A number the Cleaner reads with Decimal(str(value)): a JSON number or a string like "1850000.50"."""
    pattern = rf"^-?\d+(\.\d{{1,{places}}})?$" if places else r"^-?\d+$"
    schema = {"anyOf": [{"type": "number", "minimum": float(low), "maximum": float(high)},
                        {"type": "string", "pattern": pattern}],
              "description": (description + " " if description else "")
              + f"Between {low} and {high}, at most {places} decimal places."}
    return Annotated[str | float, WithJsonSchema(schema)]


class Answer(BaseModel):
    """An answer's shape: exactly the keys the view returns."""

    model_config = ConfigDict(extra="forbid")


class Body(BaseModel):
    """A request body: unknown keys are ignored by the views."""

    model_config = ConfigDict(extra="allow")


def example(body: dict) -> ConfigDict:
    """A body's example: the document shows it, and schemathesis sends it first."""
    return ConfigDict(json_schema_extra={"examples": [body]})


# Errors -----------------------------------------------------------------------------------------


class ErrorDetail(Answer):
    """One bad field, or one bad cell of an uploaded file (row as Excel shows it, column as in the header)."""

    field: str | None = Field(None, description="The field; absent for a cell of an uploaded file.")
    message: str
    row: int | None = Field(None, description="Only for a cell of an uploaded file; null for the whole file.")
    column: str | None = Field(None, description="Only for a cell of an uploaded file.")


class CellIssue(Answer):
    row: int | None
    column: str | None
    message: str


class ErrorBody(Answer):
    code: str = Field(description="bad_request, unauthorized, forbidden, not_found, conflict, not_ready, "
                                  "too_large, invalid or invalid_file.")
    message: str = Field(description="In the token owner's language.")
    details: list[ErrorDetail]


class Error(Answer):
    """The one error shape of the API."""

    error: ErrorBody
    warnings: list[CellIssue] | None = Field(
        None, description="On a refused upload: the warnings that may explain it (unknown columns, values left out).")


# Vendors ----------------------------------------------------------------------------------------


class Vendor(Answer):
    id: int
    name: str
    code: str
    tier: one_of(Tier)
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    is_active: bool


class VendorListItem(Vendor):
    contract_count: int


class VendorList(Answer):
    items: list[VendorListItem]


class VendorCreate(Body):
    model_config = example({"name": "Call Plus K.K.", "code": "CP-01", "tier": "high"})

    name: Annotated[str, Field(min_length=1, max_length=200)]
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{1,19}$", description="Stored upper-case; unique.")]
    tier: one_of(Tier)
    contact_name: Annotated[str, Field(max_length=200)] | None = None
    contact_email: Annotated[str, Field(json_schema_extra={"format": "email"})] | None = None
    contact_phone: Annotated[str, Field(max_length=50)] | None = None
    notes: Annotated[str, Field(max_length=4000)] | None = None
    is_active: bool = True


# Contracts --------------------------------------------------------------------------------------


class Contract(Answer):
    id: int
    vendor_id: int
    reference: str
    title: str
    channels: list[Channel]
    start_date: dt.date
    end_date: dt.date
    notice_days: int
    auto_renewal: bool
    notice_deadline: dt.date
    status: one_of(ContractStatus)
    monthly_fee: str = Field(description="A decimal, as a string.")
    currency: Currency
    at_risk_percent: str
    earn_back_months: int
    sl_threshold_seconds: int
    short_abandon_seconds: int
    service_level_formula: one_of(ServiceLevelFormula)
    email_response_hours: int
    volume_tolerance_percent: str
    escalation_breaches: int
    escalation_window_months: int
    submission_due_day: int
    vendor_can_view_packs: bool


class ContractList(Answer):
    items: list[Contract]


class ContractFields(Body):
    """Every field but vendor_id; all optional in a PATCH (absent fields keep their values)."""

    reference: Annotated[str, Field(min_length=1, max_length=60, description="Unique.")] | None = None
    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    channels: Annotated[list[Channel], Field(min_length=1)] | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = Field(None, description="Not before start_date.")
    notice_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    auto_renewal: bool | None = None
    monthly_fee: decimal(0, "99999999999999", 2) | None = None
    currency: Currency | None = None
    at_risk_percent: decimal(0, 100, 2) | None = None
    earn_back_months: Annotated[int, Field(ge=0, le=24)] | None = None
    sl_threshold_seconds: Annotated[int, Field(ge=1, le=3600)] | None = None
    short_abandon_seconds: Annotated[int, Field(ge=0, le=120, description="Below sl_threshold_seconds.")] | None = None
    service_level_formula: one_of(ServiceLevelFormula) | None = None
    email_response_hours: Annotated[int, Field(ge=1, le=720)] | None = None
    volume_tolerance_percent: decimal(0, 1000, 2) | None = None
    escalation_breaches: Annotated[int, Field(ge=1, le=36, description="At most the window's months.")] | None = None
    escalation_window_months: Annotated[int, Field(ge=1, le=36)] | None = None
    submission_due_day: Annotated[int, Field(ge=1, le=28)] | None = None
    vendor_can_view_packs: bool | None = None


class ContractCreate(ContractFields):
    model_config = example({"vendor_id": 1, "reference": "NW-2026-01", "title": "Hotline", "channels": ["phone"],
                            "start_date": "2026-04-01", "end_date": "2028-03-31", "monthly_fee": "1850000"})

    vendor_id: Id
    reference: Annotated[str, Field(min_length=1, max_length=60, description="Unique.")]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    channels: Annotated[list[Channel], Field(min_length=1)]
    start_date: dt.date
    end_date: dt.date = Field(description="Not before start_date.")
    monthly_fee: decimal(0, "99999999999999", 2)


class ContractPatch(ContractFields):
    model_config = example({"end_date": "2028-12-31", "notice_days": 60})


# Targets, metrics, submissions, scorecards ------------------------------------------------------


class Metric(Answer):
    key: str
    unit: str
    direction: Literal["higher", "lower"]
    name_en: str
    name_ja: str
    measures: list[str]
    is_queue_speed: bool
    is_custom: bool


class MetricList(Answer):
    items: list[Metric]


class Target(Answer):
    id: int
    metric: str
    kind: one_of(TargetKind)
    channel: Channel | None
    target: str = Field(description="A decimal without trailing zeros.")
    minimum: str | None
    weight: str
    credit_allocation_percent: str
    effective_from: Period
    is_retired: bool


class TargetList(Answer):
    items: list[Target]


class TargetCreate(Body):
    model_config = example({"metric": "answer_rate", "kind": "sla", "target": "90", "minimum": "85",
                            "credit_allocation_percent": "10", "effective_from": "2026-04"})

    metric: str = Field(description="A key of GET /api/v1/metrics.")
    kind: one_of(TargetKind)
    channel: Channel | None = Field(None, description="One of the contract's channels; none for all of them.")
    target: decimal(-1_000_000, 1_000_000_000, 4)
    minimum: decimal(-1_000_000, 1_000_000_000, 4, "Not beyond the target.") | None = None
    weight: decimal(0, 1000, 3) | None = None
    credit_allocation_percent: decimal(0, 100, 2, "SLA targets only.") | None = None
    effective_from: Period
    is_retired: bool = False


class Submission(Answer):
    id: int
    contract_id: int
    period: Period
    version: int
    status: Literal["submitted", "accepted", "returned"]
    late: bool
    sha256: str
    filename: str
    rows: int
    uploaded_at: DateTime
    review_comment: str | None
    reviewed_at: DateTime | None
    warnings: list[CellIssue]
    profile: str | None = Field(description="The import profile of a platform export the file was read with.")
    derived_from_averages: bool = Field(description="Totals are averages × counts from the export, not counts.")


class SubmissionList(Answer):
    items: list[Submission]


class SubmissionUpload(BaseModel):
    file: bytes = Field(json_schema_extra={"format": "binary"},
                        description="CSV (UTF-8 or Shift_JIS) or XLSX, as the contract's template.")
    period: Period
    number_format: Literal["1,234.5", "1.234,5"] | None = Field(
        None, description="How the file writes numbers, when its values could be read both ways (8.052).")
    dry_run: Literal["true", "false", "1", "0"] | None = Field(
        None, description="true: read and check the file, answer the month it gives, store nothing.")


class MonthFigures(Answer):
    totals: dict[str, str] = Field(description="Each measure's month total (exact; fractions as n/d).")
    metrics: dict[str, float]


class DryRun(Answer):
    """A checked file that was not stored: the month it gives, or its problems."""

    dry_run: bool
    ok: bool
    period: Period
    rows: int
    errors: list[CellIssue]
    warnings: list[CellIssue]
    month: dict[str, MonthFigures] = Field(description="By channel; \"*\" is all channels.")
    profile: str | None = Field(description="The import profile the file was read with (None: the template).")
    derived_from_averages: bool


class AcceptBody(Body):
    comment: Annotated[str, Field(max_length=4000)] | None = None


class ReturnBody(Body):
    model_config = example({"comment": "Row 14 counts the same calls twice."})

    comment: Annotated[str, Field(min_length=1, max_length=4000)]


class ScorecardRow(Answer):
    metric: str
    kind: one_of(TargetKind)
    channel: Channel | None
    target: str | None
    minimum: str | None
    actual: float | None = Field(description="Unrounded; null without data.")
    actual_beyond_max_bucket: bool
    reported: str | None = Field(description="The vendor's own figure for a reported metric.")
    status: one_of(Status)
    relief: one_of(Relief) | None
    rag: one_of(Rag)
    credit: str
    earned_back: bool
    earn_back: one_of(EarnBack)
    escalated: bool


class Escalation(Answer):
    target: str
    termination_right_may_be_open: bool


class Scorecard(Answer):
    contract_id: int
    period: Period
    currency: Currency
    score: float | None
    credits_total: str
    credits_uncapped: str
    credits_cap: str
    credits_earned_back: str
    credits_net: str
    volume_relieved: bool
    escalations: list[Escalation]
    has_data: bool
    derived_from_averages: bool = Field(description="The month was read from a platform export's averages (ASA, "
                                                    "AHT × count), not from exact counts.")
    targets: list[ScorecardRow]


# Assessments and actions ------------------------------------------------------------------------


class TemplateRef(Answer):
    id: int
    name: str
    version: int


class EvidenceFile(Answer):
    id: int
    filename: str
    sha256: str


class AssessmentItem(Answer):
    item_id: int
    code: str
    category: str
    question: str
    weight: int
    evidence_required: bool
    response: one_of(Response) | None
    comment: str | None
    review: one_of(Review)
    evidence: list[EvidenceFile]


class Assessment(Answer):
    id: int
    vendor_id: int
    status: Literal["sent", "in_progress", "submitted", "returned", "closed"]
    template: TemplateRef
    due_date: dt.date
    return_comment: str | None
    score: float | None
    scores_by_category: dict[str, float | None]
    items: list[AssessmentItem]


class AssessmentList(Answer):
    items: list[Assessment]


class Finding(Answer):
    id: int
    answer_id: int
    severity: Literal["low", "medium", "high", "critical"]
    description: str
    due_date: dt.date
    action_id: int | None


class AssessmentDetail(Assessment):
    findings: list[Finding]


class AnswerBody(Body):
    model_config = example({"item_id": 1, "response": "yes", "comment": "Badge readers on every door."})

    item_id: int = Field(description="An item of the assessment.")
    response: one_of(Response) | None = None
    comment: Annotated[str, Field(max_length=4000)] | None = None


class ActionEvent(Answer):
    from_: one_of(ActionStatus) | None = Field(alias="from")
    to: one_of(ActionStatus) | None
    comment: str | None
    at: DateTime


class Action(Answer):
    id: int
    vendor_id: int
    contract_id: int | None
    source: Literal["finding", "escalation", "manual"]
    title: str
    description: str
    owner: one_of(ActionOwner)
    due_date: dt.date
    status: one_of(ActionStatus)
    overdue: bool
    events: list[ActionEvent]


class ActionList(Answer):
    items: list[Action]


class ActionPatch(Body):
    """A status change the role may make, a comment, or both."""

    model_config = example({"status": "in_progress", "comment": "Parts ordered."})

    status: one_of(ActionStatus) | None = None
    comment: Annotated[str, Field(max_length=4000)] | None = None


# Packs ------------------------------------------------------------------------------------------


class PackRequest(Body):
    model_config = example({"kind": "vendor", "vendor_id": 1, "period": "2026-03", "language": "ja"})

    kind: one_of(PackKind)
    vendor_id: Id | None = Field(None, description="Required for a vendor pack.")
    period: Period
    language: Language = "en"


class PackQueued(Answer):
    id: int
    status: one_of(PackStatus)
    version: int


class Pack(Answer):
    id: int
    kind: one_of(PackKind)
    vendor_id: int | None
    period: Period
    language: Language
    version: int
    status: one_of(PackStatus)
    stage: str | None
    error: str | None
    attempts: int
    next_attempt_at: DateTime | None
    created_at: DateTime
    finished_at: DateTime | None
    as_of: DateTime | None
    pages: int | None
    size: int | None
    sha256: str | None
    schedule_id: int | None


class PackList(Answer):
    items: list[Pack]


MODELS: tuple[type[BaseModel], ...] = (
    Error, VendorList, Vendor, VendorCreate, ContractList, Contract, ContractCreate, ContractPatch, MetricList,
    TargetList, Target, TargetCreate, SubmissionList, Submission, SubmissionUpload, DryRun, AcceptBody, ReturnBody,
    Scorecard,
    AssessmentList, AssessmentDetail, Assessment, AnswerBody, ActionList, Action, ActionPatch, PackRequest,
    PackQueued, PackList, Pack,
)


# Operations -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict[str, Any]
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Operation:
    """One documented operation: its answers by status, its body and query, the errors it really gives.

    ok maps a success status to a model (a JSON answer) or to {media type: description} (a file). errors lists
    the error statuses beyond 401, which every token-protected operation has.
    """

    summary: str
    ok: dict[int, type[BaseModel] | dict[str, str]]
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    body_required: bool = True
    multipart: type[BaseModel] | None = None
    query: tuple[Param, ...] = ()
    location: bool = False
    description: str = ""


PERIOD = {"type": "string", "pattern": PERIOD_PATTERN}
VENDOR_FILTER = Param("vendor_id", {"type": "integer", "minimum": 1}, "Only this vendor's.")

# A JSON body: 400 when it is not a JSON object, 413 over MAX_CONTENT_LENGTH, 422 naming each bad field.
JSON_BODY = (400, 413, 422)

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("api.openapi", "GET"): Operation(
        "This document", {200: {"application/json": "The OpenAPI document of /api/v1."}}),
    ("api.list_vendors", "GET"): Operation("List the vendors the caller may see", {200: VendorList}, (404,)),
    ("api.get_vendor", "GET"): Operation("Show a vendor", {200: Vendor}, (404,)),
    ("api.create_vendor", "POST"): Operation(
        "Create a vendor (managers)", {201: Vendor}, (403, *JSON_BODY), body=VendorCreate, location=True),
    ("api.list_contracts", "GET"): Operation(
        "List the contracts the caller may see, by end date", {200: ContractList}, (404,), query=(VENDOR_FILTER,)),
    ("api.get_contract", "GET"): Operation("Show a contract", {200: Contract}, (404,)),
    ("api.create_contract", "POST"): Operation(
        "Create a contract (managers)", {201: Contract}, (403, *JSON_BODY), body=ContractCreate, location=True),
    ("api.update_contract", "PATCH"): Operation(
        "Change some fields of a contract (managers)", {200: Contract}, (403, 404, *JSON_BODY), body=ContractPatch),
    ("api.list_metrics", "GET"): Operation(
        "The metric catalog: built-in and reported metrics, names in English and Japanese", {200: MetricList},
        (404,)),
    ("api.list_targets", "GET"): Operation(
        "The contract's target versions", {200: TargetList}, (404, 422),
        query=(Param("period", PERIOD, "Only the versions in force that month."),)),
    ("api.create_target", "POST"): Operation(
        "Add a target version, effective from a month (managers)", {201: Target}, (403, 404, *JSON_BODY),
        body=TargetCreate),
    ("api.create_submission", "POST"): Operation(
        "Upload a month's data (vendor staff of the contract, managers)", {201: Submission, 200: DryRun},
        (400, 403, 404, 409, 413, 422), multipart=SubmissionUpload, location=True,
        query=(Param("dry_run", {"type": "string", "enum": ["true", "false", "1", "0"]},
                     "true: check the file and store nothing (as the form field)."),),
        description="All or nothing: a file with errors answers 422 `invalid_file` with one detail per bad cell "
                    "({row, column, message}) and its warnings, and stores nothing; 409 when the month is already "
                    "accepted. With dry_run the file is read and checked, the answer (200) gives the month's totals "
                    "and metrics, warnings and errors, and nothing is stored, not even an attempt."),
    ("api.list_submissions", "GET"): Operation(
        "The contract's submissions", {200: SubmissionList}, (404,),
        query=(Param("period", PERIOD, "Only this month's versions."),)),
    ("api.get_submission", "GET"): Operation("Show a submission", {200: Submission}, (404,)),
    ("api.accept_submission", "POST"): Operation(
        "Accept a submission (managers)", {200: Submission}, (403, 404, 409, *JSON_BODY), body=AcceptBody,
        body_required=False,
        description="The body is optional. 409 when the submission is not waiting for review or a newer version of "
                    "the month exists."),
    ("api.return_submission", "POST"): Operation(
        "Return a submission to the vendor with a comment (managers)", {200: Submission},
        (403, 404, 409, *JSON_BODY), body=ReturnBody),
    ("api.get_scorecard", "GET"): Operation(
        "A month's scorecard", {200: Scorecard}, (404, 422),
        query=(Param("period", PERIOD, "The month.", required=True),)),
    ("api.download_template", "GET"): Operation(
        "The upload template for the contract's targets", {200: {"text/csv": "CSV, UTF-8 with BOM.",
                                                                 XLSX: "An Excel workbook."}}, (404,),
        query=(Param("period", {"type": "string"}, "The month of the example row; this month when not YYYY-MM."),)),
    ("api.list_assessments", "GET"): Operation(
        "The vendor's security assessments", {200: AssessmentList}, (404,)),
    ("api.get_assessment", "GET"): Operation(
        "An assessment with its items, answers, review, scores and findings", {200: AssessmentDetail}, (404,)),
    ("api.answer_item", "POST"): Operation(
        "Answer one item (vendor staff, before submitting)", {200: Assessment}, (403, 404, 409, *JSON_BODY),
        body=AnswerBody, description="409 when the assessment is no longer open for answers."),
    ("api.list_actions", "GET"): Operation(
        "The actions the caller may see", {200: ActionList}, (404,),
        query=(VENDOR_FILTER,
               Param("status", {"type": "string", "enum": [s.value for s in ActionStatus]}),
               Param("source", {"type": "string", "enum": ["finding", "escalation", "manual"]}),
               Param("overdue", {"type": "string", "enum": ["1", "true"]}, "Only overdue actions."))),
    ("api.update_action", "PATCH"): Operation(
        "Move an action on and/or comment on it", {200: Action}, (403, 404, *JSON_BODY), body=ActionPatch,
        description="Each role may make only its own moves (vendor staff never `verified`): another move is 403."),
    ("api.request_pack", "POST"): Operation(
        "Ask for a review pack (managers); the scheduler renders it", {202: PackQueued}, (403, 404, *JSON_BODY),
        body=PackRequest, location=True),
    ("api.list_packs", "GET"): Operation(
        "The packs the caller may see", {200: PackList}, (404, 422),
        query=(Param("period", PERIOD), VENDOR_FILTER)),
    ("api.get_pack", "GET"): Operation("A pack's status", {200: Pack}, (404,)),
    ("api.get_pack_pdf", "GET"): Operation(
        "Download a pack's PDF (each download is an audit event)", {200: {"application/pdf": "The PDF."}},
        (404, 409), description="409 `not_ready` until the pack's status is `done`."),
}
