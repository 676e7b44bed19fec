"""Every file of the real-world upload corpus is accepted with the reference file's scorecard, or refused with errors
that say where: never accepted with another scorecard.

The corpus (corpus/, listed in corpus/MANIFEST.toml) holds one month of the same counts written by LibreOffice,
openpyxl, xlsxwriter, pandas, SheetJS, exceljs and Python's csv module in the shapes vendors really send. Each file
is uploaded through submissions.services.submit_file for the same contract and month on a fresh database, accepted,
and scored with scorecards.services.build_scorecard. The contract has targets on phone and e-mail with service
credits and a volume forecast, so a misread channel, number or row shows in an actual value, a status or the
credits. The files are rebuilt with tests/tools/make_corpus (see its README); this test needs neither LibreOffice
nor node.

Set VP_CORPUS_REPORT=path to get one JSON line per file with its outcome (accepted, refused, or different).
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
MANIFEST = tomllib.loads((CORPUS / "MANIFEST.toml").read_text(encoding="utf-8"))
ENTRIES = {entry["name"]: entry for entry in MANIFEST["file"]}
REFERENCE = MANIFEST["reference"]["file"]
PERIOD = MANIFEST["reference"]["period"]
MIN_FILES = 60
MAX_CORPUS_BYTES = 3 * 1024 * 1024

# (metric, kind, channel, target, minimum, credit allocation %): both channels, queue speed and not, SLAs with credits.
TARGETS = [
    ("service_level", "sla", "phone", "80", "75", "25"),
    ("abandonment_rate", "sla", "phone", "3", "5", "15"),
    ("asa", "sla", "phone", "30", "45", "10"),
    ("answer_rate", "kpi", "phone", "95", "93", None),
    ("aht", "kpi", "phone", "340", "380", None),
    ("csat", "kpi", "phone", "85", "80", None),
    ("email_response", "sla", "email", "90", "85", "25"),
    ("aht", "kpi", "email", "480", "540", None),
    ("csat", "sla", "email", "80", "75", "10"),
]
# The reference offers 21,916 contacts; over 21,000 × 1.10 the queue-speed targets would be relieved, so rows
# counted twice change the scorecard even where every ratio stays the same.
FORECAST_OFFERED = 21_000


def _report(name: str, outcome: str, detail) -> None:
    path = os.environ.get("VP_CORPUS_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"file": name, "outcome": outcome, "detail": detail}, ensure_ascii=False) + "\n")


@pytest.fixture
def month_contract(app, create_vendor, create_contract, create_user):
    """Return a function that makes a fresh contract with the targets and forecast: (contract id, staff, manager)."""
    from vendorportal.auth.models import User
    from vendorportal.contracts.models import Contract
    from vendorportal.extensions import db
    from vendorportal.targets import services as targets

    vendor = create_vendor()
    manager, staff = create_user("manager"), create_user("vendor", vendor=vendor)

    def make() -> int:
        contract = create_contract(vendor, channels=["phone", "email"], monthly_fee=Decimal("2000000"),
                                   currency="JPY", at_risk_percent=10, volume_tolerance_percent=10,
                                   start_date="2026-01-01", end_date="2028-12-31")
        with app.app_context():
            row = db.session.get(Contract, contract.id)
            actor = db.session.get(User, manager.id)
            for metric, kind, channel, target, minimum, credit in TARGETS:
                data = {"metric": metric, "kind": kind, "channel": channel, "target": target, "minimum": minimum,
                        "effective_from": "2026-01"}
                if credit is not None:
                    data["credit_allocation_percent"] = credit
                targets.add_target(db.session, actor, row, data)
            targets.set_forecast(db.session, row, PERIOD, FORECAST_OFFERED)
            db.session.commit()
        return contract.id

    return make, staff.id, manager.id


def _upload_and_score(app, contract_id: int, staff_id: int, manager_id: int, name: str) -> dict:
    """Upload one corpus file; return {"errors": [...]} when refused, else its scorecard and stored totals."""
    from vendorportal.auth.models import User
    from vendorportal.contracts.models import Contract
    from vendorportal.extensions import db
    from vendorportal.scorecards import services as scorecards
    from vendorportal.scorecards.domain import Month
    from vendorportal.submissions import services as uploads

    data = (CORPUS / name).read_bytes()
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        staff, manager = db.session.get(User, staff_id), db.session.get(User, manager_id)
        outcome = uploads.submit_file(db.session, staff, contract, period=PERIOD, filename=name, data=data,
                                      tz="Asia/Tokyo")
        if not outcome.ok:
            db.session.commit()
            return {"errors": [(e.row, e.column, str(e.message)) for e in outcome.errors]}
        totals = json.loads(outcome.submission.totals)["measures"]
        warnings = [(w.row, w.column, str(w.message)) for w in outcome.warnings]
        uploads.accept_submission(db.session, manager, outcome.submission)
        db.session.commit()
        card = scorecards.to_dict(scorecards.build_scorecard(db.session, contract, Month.parse(PERIOD)))
    card.pop("contract_id")
    return {"card": card, "totals": totals, "warnings": warnings}


def _target_key(row: dict) -> str:
    return f"{row['metric']}@{row['channel'] or '*'}"


def _differences(reference: dict, got: dict) -> list[str]:
    """Say in words how a scorecard (and the stored totals behind it) differ from the reference's."""
    lines = []
    want_rows = {_target_key(r): r for r in reference["card"]["targets"]}
    got_rows = {_target_key(r): r for r in got["card"]["targets"]}
    for key in sorted(want_rows.keys() | got_rows.keys()):
        want, have = want_rows.get(key), got_rows.get(key)
        if want != have:
            fields = ("actual", "status", "relief", "credit") if want and have else ()
            change = ", ".join(f"{f} {want[f]!r} -> {have[f]!r}" for f in fields if want[f] != have[f])
            lines.append(f"{key}: {change or (want, have)}")
    for field, value in reference["card"].items():
        if field != "targets" and got["card"].get(field) != value:
            lines.append(f"{field}: {value!r} -> {got['card'].get(field)!r}")
    for channel in sorted(reference["totals"].keys() | got["totals"].keys()):
        want, have = reference["totals"].get(channel, {}), got["totals"].get(channel, {})
        diff = {m: (want.get(m), have.get(m)) for m in want.keys() | have.keys() if want.get(m) != have.get(m)}
        if diff:
            lines.append(f"stored totals [{channel}] (reference, file): {diff}")
    return lines


_REFERENCE_RESULT: dict = {}


@pytest.fixture
def reference_result(app, month_contract) -> dict:
    """The reference file's scorecard, computed once per session on a contract of its own."""
    if not _REFERENCE_RESULT:
        make, staff_id, manager_id = month_contract
        result = _upload_and_score(app, make(), staff_id, manager_id, REFERENCE)
        assert "card" in result, f"the reference file is refused: {result.get('errors')}"
        _REFERENCE_RESULT.update(result)
    return _REFERENCE_RESULT


def test_the_corpus_is_complete_small_and_as_listed():
    files = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "MANIFEST.toml"}
    assert files == set(ENTRIES), (sorted(files - set(ENTRIES)), sorted(set(ENTRIES) - files))
    assert len(files) >= MIN_FILES
    assert sum((CORPUS / name).stat().st_size for name in files) < MAX_CORPUS_BYTES
    for name, entry in ENTRIES.items():
        data = (CORPUS / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], f"{name} differs from MANIFEST.toml"
        assert entry["expect"] in ("accept", "refuse") and entry["tool"] and entry["shape"] and entry["why"], name


def test_the_reference_scorecard_is_sensitive_on_both_channels(reference_result):
    card = reference_result["card"]
    statuses = {_target_key(r): r["status"] for r in card["targets"]}
    assert len(statuses) == len(TARGETS)
    assert "no_data" not in statuses.values()
    assert {"met", "missed", "breach"} <= set(statuses.values())
    assert statuses["email_response@email"] == "breach" and Decimal(card["credits_total"]) > 0
    assert card["volume_relieved"] is False and card["has_data"] is True
    totals = reference_result["totals"]
    for channel in ("phone", "email"):
        expected = MANIFEST["reference"]["totals"][channel]
        assert {m: int(v) for m, v in totals[channel].items()} == expected, channel


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_corpus_file_is_scored_like_the_reference_or_refused_with_locations(app, month_contract,
                                                                              reference_result, name):
    make, staff_id, manager_id = month_contract
    result = _upload_and_score(app, make(), staff_id, manager_id, name)
    entry = ENTRIES[name]
    if "errors" in result:
        errors = result["errors"]
        _report(name, "refused", errors[:5])
        assert errors, name
        located = [e for e in errors if e[0] is not None or e[1] is not None]
        unlocated = [e for e in errors if e[0] is None and e[1] is None]
        for _row, _column, message in errors:
            assert message.strip(), f"{name}: an error without a message"
        if not located:
            # A file-level refusal: a single error whose message alone tells the vendor what to do.
            assert len(unlocated) == 1 and len(unlocated[0][2]) >= 25, f"{name}: unclear file-level refusal {errors}"
        return
    differences = _differences(reference_result, result)
    _report(name, "accepted-same" if not differences else "ACCEPTED-WITH-DIFFERENT-SCORECARD", differences)
    assert not differences, (
        f"{name} ({entry['shape']}; made with {entry['tool']}) was ACCEPTED WITH A DIFFERENT SCORECARD:\n  "
        + "\n  ".join(differences))
