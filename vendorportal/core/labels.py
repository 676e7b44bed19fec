"""The one table of status and enum labels (translated when shown) and of the badge colours that go with them.

Pages, mails and the PDF packs all read it: `label(kind, value)`, `colour(kind, value)`, or `enum_label(value)`
for the kinds whose values are unique across the portal (roles, tiers, channels, contract states …).
"""

from __future__ import annotations

from types import MappingProxyType

from flask_babel import lazy_gettext as _l

_GENERAL = {
    "role": {"admin": _l("Administrator"), "manager": _l("Vendor manager"), "executive": _l("Executive"),
             "vendor": _l("Vendor staff")},
    "tier": {"critical": _l("Critical"), "high": _l("High"), "medium": _l("Medium"), "low": _l("Low")},
    "contract_status": {"upcoming": _l("Upcoming"), "active": _l("Active"), "renewal_due": _l("Renewal due"),
                        "expired": _l("Expired")},
    "channel": {"phone": _l("Phone"), "email": _l("E-mail"), "chat": _l("Chat"), "sms": _l("SMS"),
                "social": _l("Social media")},
    "service_level_formula": {
        "exclude_short": _l("Short abandons excluded"), "offered": _l("All offered contacts"),
        "answered": _l("Answered contacts only"), "exclude_within_sl": _l("Abandons within threshold excluded"),
        "within_sl_good": _l("Abandons within threshold count as met")},
    "audit_action": {"create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"),
                     "sign_in": _l("Signed in"), "sign_in_failed": _l("Sign-in failed"), "sign_out": _l("Signed out"),
                     "password_change": _l("Password changed"), "download": _l("Downloaded")},
    "actor_via": {"ui": _l("Web"), "api": _l("API"), "cli": _l("Command line"), "system": _l("System"),
                  "scheduler": _l("Scheduler")},
}

LABELS = MappingProxyType({**_GENERAL,
    "assessment_status": {"sent": _l("Sent"), "in_progress": _l("In progress"), "submitted": _l("Submitted"),
                          "returned": _l("Returned"), "closed": _l("Closed")},
    "submission_status": {"submitted": _l("Waiting for review"), "accepted": _l("Accepted"),
                          "returned": _l("Returned")},
    "data_state": {"accepted": _l("Accepted"), "submitted": _l("Waiting for review"), "returned": _l("Returned"),
                   "missing": _l("Missing"), "not_due": _l("Not due yet")},
    "target_status": {"met": _l("Met"), "missed": _l("Missed"), "breach": _l("Breach"), "no_data": _l("No data"),
                      "relieved": _l("Relieved")},
    "earn_back": {"not_applicable": "—", "pending": _l("Pending"), "earned": _l("Earned back"),
                  "forfeited": _l("Forfeited")},
    "action_status": {"open": _l("Not started"), "in_progress": _l("In progress"), "done": _l("Done"),
                      "verified": _l("Verified")},
    "action_owner": {"vendor": _l("Vendor"), "client": _l("Client")},
    "pack_status": {"queued": _l("Queued"), "rendering": _l("Rendering"), "done": _l("Ready"), "failed": _l("Failed")},
})

# Bootstrap badge colours (text-bg-*) per kind; a value without one is "secondary".
COLOURS = MappingProxyType({
    "tier": {"critical": "danger", "high": "warning", "medium": "info", "low": "secondary"},
    "contract_status": {"upcoming": "secondary", "active": "success", "renewal_due": "warning", "expired": "dark"},
    "assessment_status": {"sent": "info", "in_progress": "primary", "submitted": "warning", "returned": "danger",
                          "closed": "success"},
    "submission_status": {"submitted": "info", "accepted": "success", "returned": "warning"},
    "data_state": {"accepted": "success", "submitted": "info", "returned": "warning", "missing": "danger",
                   "not_due": "secondary"},
    "target_status": {"met": "success", "missed": "warning", "breach": "danger", "no_data": "secondary",
                      "relieved": "info"},
    "action_status": {"open": "secondary", "in_progress": "primary", "done": "warning", "verified": "success"},
    "pack_status": {"queued": "secondary", "rendering": "primary", "done": "success", "failed": "danger"},
})

_FLAT = {value: text for section in _GENERAL.values() for value, text in section.items()}


def _plain(value) -> str:
    return str(getattr(value, "value", value))


def label(kind: str, value) -> str:
    """Return the label of a value of one kind (an enum or its value) in the current language."""
    key = _plain(value)
    text = LABELS[kind].get(key)
    return str(text) if text is not None else key


def colour(kind: str, value) -> str:
    """Return the badge colour of a value of one kind."""
    return COLOURS.get(kind, {}).get(_plain(value), "secondary")


def enum_label(value) -> str:
    """Return the label of a value that means one thing across the portal (role, tier, channel, …)."""
    key = _plain(value)
    text = _FLAT.get(key)
    return str(text) if text is not None else key
