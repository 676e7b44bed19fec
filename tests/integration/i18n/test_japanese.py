"""Japanese from the start: the catalog is complete and Japanese pages show no English UI message."""

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from helpers import TEST_PASSWORD, bearer

import vendorportal

ROOT = Path(vendorportal.__file__).resolve().parent.parent
PO = ROOT / "vendorportal/translations/ja/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _extracted() -> set[str]:
    ids = set()
    for sub, method in (("vendorportal", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        # Babel skips folders starting with "_" by default; templates/_macros holds messages too.
        found = extract_from_dir(str(ROOT / sub), method_map=[(pattern, method)], keywords=KEYWORDS,
                                 directory_filter=lambda path: not Path(path).name.startswith("."))
        for _file, _line, message, _comments, _context in found:
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="ja")


def test_every_message_in_code_and_templates_has_a_japanese_translation():
    catalog = _catalog()
    missing = sorted(m for m in _extracted() if not catalog.get(m) or not catalog.get(m).string)
    assert not missing, f"messages without a Japanese translation (run pybabel update and translate): {missing}"
    fuzzy = sorted(m.id for m in catalog if m.id and m.fuzzy)
    assert not fuzzy, f"fuzzy Japanese translations: {fuzzy}"


def test_the_compiled_catalog_matches_the_po_file():
    with MO.open("rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    source = {m.id: m.string for m in _catalog() if m.id and m.string}
    assert compiled == source, "messages.mo is stale: run pybabel compile -d vendorportal/translations"


def test_placeholders_survive_translation():
    for message in _catalog():
        if message.id and message.string:
            assert set(re.findall(r"%\(\w+\)[sd]", message.id)) == set(re.findall(r"%\(\w+\)[sd]", message.string)), message.id


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def _english_leaks(text: str, catalog) -> list[str]:
    leaks = []
    for message in catalog:
        msgid = message.id
        if not msgid or not isinstance(msgid, str) or not message.string or message.string == msgid:
            continue
        plain = re.sub(r"%\(\w+\)[sd]", "", msgid).strip()
        if len(plain) < 3 or not re.search(r"[A-Za-z]{3}", plain):
            continue
        if re.search(r"(?<![A-Za-z])" + re.escape(plain) + r"(?![A-Za-z])", text):
            leaks.append(msgid)
    return leaks


@pytest.fixture
def japanese_world(app, create_vendor, create_contract, create_user):
    vendor = create_vendor(name="株式会社コールプラス", code="CP01")
    contract = create_contract(vendor, title="会員サポート", reference="CP-1", start_date="2025-01-01")
    from vendorportal.contracts.models import Contract
    from vendorportal.extensions import db
    from vendorportal.submissions import services as uploads
    from vendorportal.targets import services as targets

    with app.app_context():
        row = db.session.get(Contract, contract.id)
        targets.add_target(db.session, None, row, {"metric": "service_level", "kind": "sla", "target": "80",
                                                   "minimum": "75", "credit_allocation_percent": "50",
                                                   "effective_from": "2026-01"})
        data = (b"date,interval,channel,offered,answered,answered_within_sl,abandoned,abandoned_short,"
                b"agents_staffed,handle_time_total_s\n2026-04-01,09:00,phone,100,90,60,10,2,3,27000\n")
        outcome = uploads.submit_file(db.session, None, row, period="2026-04", filename="4月.csv", data=data,
                                      tz="Asia/Tokyo")
        uploads.accept_submission(db.session, type("A", (), {"id": None})(), outcome.submission)
        targets.raise_dispute(db.session, None, row, period="2026-04", series_key="service_level@*",
                              reason="停電のため", is_breached=True)
        db.session.commit()
        submission_id = outcome.submission.id
    names = {"admin": "管理 太郎", "manager": "小林 花", "executive": "渡辺 健二"}
    users = {role: create_user(role, language="ja", name=name) for role, name in names.items()}
    users["vendor"] = create_user("vendor", vendor=vendor, language="ja", name="佐藤 美咲")
    users["submission_id"] = submission_id
    from vendorportal.actions import services as action_services
    from vendorportal.auth.models import User
    from vendorportal.checklists import services as checklist_services

    with app.app_context():
        manager = db.session.get(User, users["manager"].id)
        template = checklist_services.ensure_default_template(db.session)
        assessment = checklist_services.send_assessment(db.session, manager, vendor_id=vendor.id, template=template,
                                                        due_date=dt.date(2099, 1, 1), today=dt.date(2026, 1, 1))
        action = action_services.create_action(db.session, manager, {
            "vendor_id": vendor.id, "title": "入館管理の改善", "owner": "vendor", "due_date": "2099-02-01"})
        from vendorportal.packs import jobs as pack_jobs
        from vendorportal.packs import services as pack_services

        pack = pack_services.request_pack(db.session, manager, {"kind": "vendor", "vendor_id": vendor.id,
                                                                "period": "2026-04", "language": "ja"})
        portfolio = pack_services.request_pack(db.session, manager, {"kind": "portfolio", "period": "2026-04"})
        schedule = pack_services.save_schedule(db.session, manager, None, {
            "name": "月次レビュー", "frequency": "monthly", "day": 5, "time_of_day": "09:00", "vendor_packs": True,
            "portfolio_pack": True, "language": "ja", "is_active": True, "recipients": [manager.id]})
        db.session.get(type(contract), contract.id).vendor_can_view_packs = True
        db.session.commit()
        assert pack_jobs.render_pack(db.session, pack.id).status == "done"
        users["assessment_id"], users["action_id"] = assessment.id, action.id
        users["pack_ids"] = (pack.id, portfolio.id, schedule.id)
    return vendor, contract, users


def test_japanese_pages_show_no_untranslated_message(app, japanese_world):
    vendor, contract, users = japanese_world
    submission_id = users.pop("submission_id")
    assessment_id, action_id = users.pop("assessment_id"), users.pop("action_id")
    pack_id, queued_pack_id, schedule_id = users.pop("pack_ids")
    catalog = _catalog()
    pages = ["/home", "/vendors/", f"/vendors/{vendor.id}", "/vendors/new", f"/vendors/{vendor.id}/edit",
             "/contracts/", f"/contracts/{contract.id}", "/contracts/new", f"/contracts/{contract.id}/edit",
             "/users/", "/users/new", f"/users/{users['manager'].id}/edit", "/users/tokens", "/audit/",
             "/account/password", "/nowhere", f"/contracts/{contract.id}/targets", f"/contracts/{contract.id}/data",
             f"/contracts/{contract.id}/scorecard?period=2026-04", f"/submissions/{submission_id}", "/review",
             "/portfolio?period=2026-04", "/metrics", "/checklists/templates", f"/vendors/{vendor.id}/assessments",
             "/actions/", "/notifications", f"/assessments/{assessment_id}", f"/actions/{action_id}",
             "/packs", f"/packs/{pack_id}", f"/packs/{queued_pack_id}", "/packs/schedules", "/packs/schedules/new",
             f"/packs/schedules/{schedule_id}"]
    checked = 0
    for role, user in users.items():
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
        for url in pages:
            response = client.get(url)
            if response.status_code in (200, 404):
                text = _visible_text(response.get_data(as_text=True))
                assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), f"{url} as {role} is not Japanese"
                if url != "/audit/":  # the log shows recorded values (English checklist text), not UI messages
                    assert not _english_leaks(text, catalog), f"{url} as {role}: {_english_leaks(text, catalog)}"
                checked += 1
    assert checked >= 60
    login_page = _visible_text(app.test_client().get("/login", headers={"Accept-Language": "ja"}).get_data(as_text=True))
    assert "ログイン" in login_page and not _english_leaks(login_page, catalog)


def test_form_errors_and_flashes_are_japanese(app, japanese_world):
    _vendor, _contract, users = japanese_world
    for key in ("submission_id", "assessment_id", "action_id", "pack_ids"):
        users.pop(key)
    client = app.test_client()
    client.post("/login", data={"email": users["manager"].email, "password": TEST_PASSWORD})
    page = _visible_text(client.post("/vendors/new", data={"name": "", "code": "x", "tier": "low"}).get_data(as_text=True))
    assert not _english_leaks(page, _catalog())
    assert "This field is required" not in page


def test_the_language_switch_is_saved_on_the_user(app, create_user):
    user = create_user("manager")
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert "Vendors" in client.get("/vendors/").get_data(as_text=True)
    client.post("/language", data={"language": "ja", "next": "/vendors/"})
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert "ベンダー" in other_device.get("/vendors/").get_data(as_text=True)


def test_language_defaults_from_accept_language(client):
    assert "ログイン" in client.get("/login", headers={"Accept-Language": "ja,en;q=0.5"}).get_data(as_text=True)
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)


def test_api_messages_are_translated_too(client, create_user, create_token):
    token = create_token(create_user("executive", language="ja"))
    body = client.get("/api/v1/vendors/999", headers=bearer(token)).get_json()
    assert not body["error"]["message"].isascii()
