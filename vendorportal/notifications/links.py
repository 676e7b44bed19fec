"""Links to the pages a notification is about."""

from __future__ import annotations

from flask import url_for


def page_link(kind: str, ident: int) -> str:
    """Return the absolute address of an assessment's, an action's or a submission's page."""
    if kind == "assessment":
        return url_for("checklists.assessment", assessment_id=ident, _external=True)
    if kind == "submission":
        return url_for("submissions.detail", submission_id=ident, _external=True)
    return url_for("actions.detail", action_id=ident, _external=True)
