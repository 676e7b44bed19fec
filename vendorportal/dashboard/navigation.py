"""The navigation each role sees, computed in Python so templates only render it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from vendorportal.access import policies


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


_ITEMS = (
    ("dashboard.home", _l("Home"), lambda a: True, ("dashboard.home",)),
    ("dashboard.portfolio", _l("Portfolio"), policies.can_view_portfolio, ("dashboard.portfolio",)),
    ("packs.index", _l("Review packs"), policies.can_list_packs, ("packs.",)),
    ("vendors.index", _l("Vendors"), policies.can_list_vendors, ("vendors.",)),
    ("contracts.index", _l("Contracts"), policies.can_list_contracts,
     ("contracts.", "targets.index", "submissions.index", "submissions.detail", "scorecards.")),
    ("submissions.queue", _l("Review"), policies.can_review_submissions, ("submissions.queue",)),
    ("actions.index", _l("Corrective actions"), policies.can_list_actions, ("actions.",)),
    ("checklists.templates", _l("Checklists"), policies.can_view_templates, ("checklists.template",)),
    ("targets.metrics", _l("Metrics"), policies.can_list_contracts, ("targets.metrics",)),
    ("audit.index", _l("Audit log"), policies.can_view_audit, ("audit.",)),
    ("users.index", _l("Users"), policies.can_manage_users, ("users.index", "users.create", "users.edit")),
    ("users.tokens", _l("API tokens"), policies.can_manage_own_tokens, ("users.tokens",)),
    ("checklists.inbox", _l("Notifications"), policies.can_manage_own_tokens, ("checklists.inbox",)),
)


def nav_items(actor, endpoint: str | None) -> list[NavItem]:
    """Return the navigation entries the actor may use, marking the current one."""
    if actor is None:
        return []
    endpoint = endpoint or ""
    return [
        NavItem(str(label), url_for(target), any(endpoint.startswith(p) for p in prefixes))
        for target, label, rule, prefixes in _ITEMS
        if rule(actor)
    ]
