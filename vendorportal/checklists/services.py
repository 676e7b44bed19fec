"""Use cases for security checklists: templates and versions, assessments, answers, evidence, review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorportal.access import policies
from vendorportal.actions import services as actions
from vendorportal.actions.models import Action
from vendorportal.checklists import domain
from vendorportal.checklists.default import CATEGORY_NAMES, DEFAULT_ITEMS, DEFAULT_TEMPLATE_NAME
from vendorportal.checklists.models import Answer, Assessment, ChecklistItem, ChecklistTemplate, Finding
from vendorportal.core.db import utcnow
from vendorportal.core.errors import Conflict, FieldError, NotFound, TooLarge, ValidationFailed
from vendorportal.core.validation import Cleaner
from vendorportal.files import storage
from vendorportal.files.models import Evidence
from vendorportal.vendors.models import Vendor

EVIDENCE_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"PK\x03\x04": "application/vnd.openxmlformats-officedocument",  # docx, xlsx, pptx
}
SEVERITIES = ("low", "medium", "high", "critical")
OPEN_STATUSES = ("sent", "in_progress", "returned")


class EvidenceTooLarge(TooLarge):
    """The evidence file is over the size limit (answered with 413)."""


# Templates -------------------------------------------------------------------------------------


def ensure_default_template(session: Session) -> ChecklistTemplate:
    """Return the default template, creating version 1 from checklist_default the first time."""
    existing = session.execute(select(ChecklistTemplate).where(ChecklistTemplate.name == DEFAULT_TEMPLATE_NAME)
                               .order_by(ChecklistTemplate.version)).scalars().first()
    if existing is not None:
        return existing
    template = ChecklistTemplate(name=DEFAULT_TEMPLATE_NAME, version=1)
    session.add(template)
    session.flush()
    for position, item in enumerate(DEFAULT_ITEMS, start=1):
        session.add(ChecklistItem(
            template_id=template.id, position=position, code=item.code, category=item.category,
            question_en=item.question_en, question_ja=item.question_ja, guidance_en=item.guidance_en,
            guidance_ja=item.guidance_ja, weight=item.weight, evidence_required=item.evidence_required))
    session.flush()
    session.refresh(template)
    return template


def edit_template(session: Session, template: ChecklistTemplate, *, op: str | None, item_id: int | None,
                  data: dict) -> ChecklistItem:
    """Add an item to a template version that is not in use yet, or change or remove one of its items."""
    if op == "add":
        return add_item(session, template, data)
    item = next((i for i in template.items if i.id == item_id), None)
    if item is None:
        raise NotFound("checklist item")
    if op == "remove":
        remove_item(session, template, item)
        return item
    return update_item(session, item, data)


def list_templates(session: Session) -> list[ChecklistTemplate]:
    return list(session.execute(select(ChecklistTemplate).order_by(ChecklistTemplate.name,
                                                                   ChecklistTemplate.version.desc())).scalars())


def copy_template(session: Session, actor, template: ChecklistTemplate) -> ChecklistTemplate:
    """Copy a template to its next version, which can be edited until an assessment uses it."""
    latest = session.execute(select(func.max(ChecklistTemplate.version))
                             .where(ChecklistTemplate.name == template.name)).scalar()
    copy = ChecklistTemplate(name=template.name, version=latest + 1, based_on_id=template.id,
                             created_by_id=getattr(actor, "id", None))
    session.add(copy)
    session.flush()
    for item in template.items:
        session.add(ChecklistItem(
            template_id=copy.id, position=item.position, code=item.code, category=item.category,
            question_en=item.question_en, question_ja=item.question_ja, guidance_en=item.guidance_en,
            guidance_ja=item.guidance_ja, weight=item.weight, evidence_required=item.evidence_required))
    session.flush()
    session.refresh(copy)
    return copy


def update_item(session: Session, item: ChecklistItem, data: dict) -> ChecklistItem:
    """Change an item of a template version that no assessment uses yet.

    :raises Conflict: the version is in use, so it never changes.
    :raises ValidationFailed: a bad field.
    """
    _unlocked(item.template)
    errors = []
    for key in ("question_en", "question_ja"):
        if not (data.get(key) or "").strip():
            errors.append(FieldError(key, _l("This field is required.")))
    if data.get("category") not in CATEGORY_NAMES:
        errors.append(FieldError("category", _l("Choose one of the categories.")))
    weight = data.get("weight")
    if not isinstance(weight, int) or not 0 <= weight <= 10:
        errors.append(FieldError("weight", _l("Must be between %(lo)s and %(hi)s.", lo=0, hi=10)))
    if errors:
        raise ValidationFailed(errors)
    for key in ("category", "question_en", "question_ja", "guidance_en", "guidance_ja", "weight",
                "evidence_required"):
        if key in data:
            setattr(item, key, data[key].strip() if isinstance(data[key], str) else data[key])
    session.flush()
    return item


def _unlocked(template: ChecklistTemplate) -> None:
    if template.is_in_use:
        raise Conflict(str(_l("This version is in use by an assessment and cannot change; copy it to a new "
                              "version.")), "template")


def add_item(session: Session, template: ChecklistTemplate, data: dict) -> ChecklistItem:
    """Add an item to a template version that no assessment uses yet."""
    _unlocked(template)
    code = (data.get("code") or "").strip().upper()
    if not code or len(code) > 20 or any(i.code == code for i in template.items):
        raise ValidationFailed([FieldError("code", _l("Use a short code that no other item of this version has."))])
    item = ChecklistItem(template_id=template.id, position=max((i.position for i in template.items), default=0) + 1,
                         code=code, category="governance", question_en="", question_ja="")
    session.add(item)
    session.flush()
    try:
        update_item(session, item, data)
    except ValidationFailed:
        session.delete(item)
        session.flush()
        raise
    session.refresh(template)
    return item


def remove_item(session: Session, template: ChecklistTemplate, item: ChecklistItem) -> None:
    """Remove an item from a template version that no assessment uses yet."""
    _unlocked(template)
    session.delete(item)
    session.flush()
    session.refresh(template)


# Assessments -----------------------------------------------------------------------------------


def send_assessment(session: Session, actor, *, vendor_id: int, template: ChecklistTemplate,
                    due_date: dt.date | None, today: dt.date) -> Assessment:
    """Send a vendor an assessment against a template version; the version is locked from now on."""
    if due_date is None:
        raise ValidationFailed([FieldError("due_date", _l("Use a date like 2026-04-30."))])
    if due_date < today:
        raise ValidationFailed([FieldError("due_date", _l("The due date must not be in the past."))])
    template.is_in_use = True
    assessment = Assessment(vendor_id=vendor_id, template_id=template.id, due_date=due_date, status="sent",
                            sent_by_id=getattr(actor, "id", None))
    session.add(assessment)
    session.flush()
    for item in template.items:
        session.add(Answer(assessment_id=assessment.id, item_id=item.id, vendor_id=vendor_id))
    session.flush()
    session.refresh(assessment)
    return assessment


def list_assessments(session: Session, vendor_id: int | None = None) -> list[Assessment]:
    stmt = select(Assessment).order_by(Assessment.created_at.desc(), Assessment.id.desc())
    if vendor_id is not None:
        stmt = stmt.where(Assessment.vendor_id == vendor_id)
    return list(session.execute(stmt).scalars())


def _editable(assessment: Assessment) -> None:
    if assessment.status not in OPEN_STATUSES:
        raise Conflict(str(_l("The assessment has been submitted; it can no longer be answered.")), "status")


def save_answer(session: Session, assessment: Assessment, *, item_id: int, response: str | None,
                comment: str | None) -> Answer:
    """Save a vendor's answer to one item (a draft until the assessment is submitted)."""
    _editable(assessment)
    checked = Cleaner({"comment": comment})
    checked.text("comment", required=False, max_len=4000)
    checked.result()
    answer = next((a for a in assessment.answers if a.item_id == item_id), None)
    if answer is None:
        raise ValidationFailed([FieldError("item_id", _l("There is no such item in this assessment."))])
    if response not in (None, "", *[r.value for r in domain.Response]):
        raise ValidationFailed([FieldError("response", _l("Choose yes, partial, no or n/a."))])
    answer.response = response or None
    answer.comment = (comment or "").strip()[:4000] or None
    answer.review = "pending"
    assessment.status = "in_progress" if assessment.status == "sent" else assessment.status
    session.flush()
    return answer


def sniff_evidence(data: bytes) -> str | None:
    """Return the content type of an allowed evidence file, judged by its bytes (never its name)."""
    for magic, kind in EVIDENCE_TYPES.items():
        if data.startswith(magic):
            return kind
    return None


def add_evidence(session: Session, actor, *, vendor_id: int, filename: str, data: bytes, max_bytes: int,
                 answer: Answer | None = None, action_event_id: int | None = None) -> Evidence:
    """Keep an evidence file for an answer or an action step.

    :raises EvidenceTooLarge: over max_bytes.
    :raises ValidationFailed: empty or not an allowed type (PDF, PNG, JPEG, Office) by content.
    """
    if len(data) > max_bytes:
        raise EvidenceTooLarge()
    content_type = sniff_evidence(data)
    if not data or content_type is None:
        raise ValidationFailed([FieldError("file", _l("Attach a PDF, PNG, JPEG, Word, Excel or PowerPoint file."))])
    if answer is not None:
        _editable(answer.assessment)
    stored = storage.store(session, data, filename, content_type, getattr(actor, "id", None))
    evidence = Evidence(vendor_id=vendor_id, action_event_id=action_event_id, file_id=stored.id,
                        uploaded_by_id=getattr(actor, "id", None))
    if answer is not None:
        answer.evidence.append(evidence)  # keeps the loaded answer's list current for submit's check
    session.add(evidence)
    session.flush()
    return evidence


def submit_assessment(session: Session, assessment: Assessment) -> Assessment:
    """Submit the vendor's answers for review; every item needs an answer, and evidence where required."""
    _editable(assessment)
    errors = []
    for answer in assessment.answers:
        if not answer.response:
            errors.append(FieldError(answer.item.code, _l("%(code)s has no answer yet.", code=answer.item.code)))
        elif answer.item.evidence_required and answer.response in ("yes", "partial") and not answer.evidence:
            errors.append(FieldError(answer.item.code, _l("%(code)s needs an evidence file.", code=answer.item.code)))
    if errors:
        raise ValidationFailed(errors)
    assessment.status, assessment.submitted_at = "submitted", utcnow()
    session.flush()
    return assessment


def review_answer(session: Session, actor, answer: Answer, *, accept: bool, severity: str | None = None,
                  description: str | None = None, due_date: dt.date | None = None) -> Finding | None:
    """Accept an answer, or raise a finding on it with a corrective action owned by the vendor."""
    if answer.assessment.status != "submitted":
        raise Conflict(str(_l("Only a submitted assessment can be reviewed.")), "status")
    answer.reviewed_by_id, answer.reviewed_at = actor.id, utcnow()
    if accept:
        answer.review = "accepted"
        session.flush()
        return None
    errors = []
    if severity not in SEVERITIES:
        errors.append(FieldError("severity", _l("Choose a severity.")))
    if not (description or "").strip():
        errors.append(FieldError("description", _l("Describe what must be corrected.")))
    if due_date is None:
        errors.append(FieldError("due_date", _l("Use a date like 2026-04-30.")))
    if errors:
        raise ValidationFailed(errors)
    answer.review = "finding"
    action = Action(vendor_id=answer.vendor_id, source="finding", source_ref=f"answer:{answer.id}",
                    title=f"{answer.item.code}: {description.strip()[:180]}", description=description.strip(),
                    owner="vendor", due_date=due_date, status="open", created_by_id=actor.id)
    existing = session.execute(select(Action).where(Action.source_ref == action.source_ref)).scalar_one_or_none()
    if existing is not None:
        raise Conflict(str(_l("A finding was already raised on this answer.")), "answer")
    session.add(action)
    session.flush()
    finding = Finding(assessment_id=answer.assessment_id, answer_id=answer.id, vendor_id=answer.vendor_id,
                      severity=severity, description=description.strip(), due_date=due_date, action_id=action.id,
                      created_by_id=actor.id)
    session.add(finding)
    session.flush()
    return finding


def return_assessment(session: Session, assessment: Assessment, comment: str) -> Assessment:
    """Send a submitted assessment back to the vendor with a comment."""
    if assessment.status != "submitted":
        raise Conflict(str(_l("Only a submitted assessment can be returned.")), "status")
    if not (comment or "").strip():
        raise ValidationFailed([FieldError("comment", _l("Say what the vendor should fix."))])
    assessment.status, assessment.return_comment = "returned", comment.strip()[:4000]
    session.flush()
    return assessment


def close_assessment(session: Session, assessment: Assessment) -> Assessment:
    """Close a submitted assessment once every answer is reviewed."""
    if assessment.status != "submitted":
        raise Conflict(str(_l("Only a submitted assessment can be closed.")), "status")
    if any(a.review == "pending" for a in assessment.answers):
        raise ValidationFailed([FieldError("answers", _l("Review every answer before closing."))])
    assessment.status, assessment.closed_at = "closed", utcnow()
    session.flush()
    return assessment


@dataclass(frozen=True)
class Scores:
    overall: float | None
    by_category: dict[str, float | None]


def scores(assessment: Assessment) -> Scores:
    """Return the assessment's score overall and per category (SPEC §2)."""
    result = domain.score(domain.ScoredAnswer(
        item_code=a.item.code, category=a.item.category, weight=a.item.weight,
        response=domain.Response(a.response) if a.response else None, review=domain.Review(a.review))
        for a in assessment.answers)
    return Scores(result.overall, dict(result.by_category))


def findings_of(session: Session, assessment_id: int) -> list[Finding]:
    return list(session.execute(select(Finding).where(Finding.assessment_id == assessment_id)
                                .order_by(Finding.id)).scalars())


def assessment_to_dict(assessment: Assessment, locale: str = "en") -> dict:
    result = scores(assessment)
    return {
        "id": assessment.id, "vendor_id": assessment.vendor_id, "status": assessment.status,
        "template": {"id": assessment.template_id, "name": assessment.template.name,
                     "version": assessment.template.version},
        "due_date": assessment.due_date.isoformat(), "return_comment": assessment.return_comment,
        "score": result.overall, "scores_by_category": result.by_category,
        "items": [{
            "item_id": a.item_id, "code": a.item.code, "category": a.item.category,
            "question": a.item.question(locale), "weight": a.item.weight,
            "evidence_required": a.item.evidence_required, "response": a.response, "comment": a.comment,
            "review": a.review, "evidence": [{"id": e.id, "filename": e.file.original_name, "sha256": e.file.sha256}
                                             for e in a.evidence],
        } for a in sorted(assessment.answers, key=lambda a: a.item.position)],
    }



def _scored(assessment: Assessment) -> dict[str, domain.ScoredAnswer]:
    return {a.item.code: domain.ScoredAnswer(
        item_code=a.item.code, category=a.item.category, weight=a.item.weight,
        response=domain.Response(a.response) if a.response else None, review=domain.Review(a.review))
        for a in assessment.answers}


def changes_since_previous(session: Session, assessment: Assessment) -> tuple[Assessment | None, list]:
    """Return the vendor's previous assessment and what changed item by item and per category since it."""
    previous = session.execute(select(Assessment).where(
        Assessment.vendor_id == assessment.vendor_id, Assessment.id < assessment.id)
        .order_by(Assessment.id.desc()).limit(1)).scalar_one_or_none()
    if previous is None:
        return None, []
    return previous, domain.compare(_scored(previous), _scored(assessment))


def assessment_page(session: Session, actor, assessment: Assessment, *, today: dt.date) -> dict:
    """Return what the assessment page shows: answers in order, scores, changes, findings and what actor may do."""
    previous, changes = changes_since_previous(session, assessment)
    return {
        "assessment": assessment, "answers": sorted(assessment.answers, key=lambda a: a.item.position),
        "scores": scores(assessment), "previous": previous, "changes": changes,
        "findings": {f.answer_id: f for f in findings_of(session, assessment.id)}, "categories": CATEGORY_NAMES,
        "can_answer": policies.can_answer_assessment(actor, assessment) and assessment.status in OPEN_STATUSES,
        "can_review": policies.can_review_assessments(actor) and assessment.status == "submitted",
        "vendor": session.get(Vendor, assessment.vendor_id),
        "default_due": (today + dt.timedelta(days=30)).isoformat(),
    }


def vendor_assessments_page(session: Session, actor, vendor: Vendor, *, today: dt.date) -> dict:
    """Return what a vendor's assessments page shows: its assessments with scores, templates, open actions."""
    items = list_assessments(session, vendor.id)
    return {
        "vendor": vendor, "assessments": items, "scores": {a.id: scores(a) for a in items},
        "categories": CATEGORY_NAMES, "templates": list_templates(session),
        "can_send": policies.can_review_assessments(actor),
        "open_actions": actions.open_actions(session, actor, vendor_id=vendor.id, today=today), "today": today,
        "is_overdue": actions.is_overdue,
    }
