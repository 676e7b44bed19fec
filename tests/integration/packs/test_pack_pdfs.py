"""Packs rendered for real and read back: text in both languages, fonts, pages, determinism, no fetches."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import io
import subprocess
import sys
import threading

import pypdf
import pytest

JAPANESE_NAME = "株式会社さくらコール髙﨑"
CSV_HEADER = "date,interval,channel,queue,offered,answered,answered_within_sl,abandoned,abandoned_short,wait_time_total_s"


def _month_csv(period: str, within: int) -> bytes:
    return (CSV_HEADER + f"\n{period}-01,09:00,phone,main,1000,950,{within},50,10,20000\n").encode()


@pytest.fixture
def vendor_with_data(app, create_vendor, create_contract, create_user):
    """A vendor with a Japanese name, a contract with two targets and six accepted months (one breach)."""
    from vendorportal.auth.models import User
    from vendorportal.contracts.models import Contract
    from vendorportal.extensions import db
    from vendorportal.submissions import services as uploads
    from vendorportal.targets import services as targets

    vendor = create_vendor(name=JAPANESE_NAME, code="SKR")
    contract = create_contract(vendor, reference="SKR-2026", start_date="2026-01-01")
    manager = create_user("manager")
    with app.app_context():
        actor = db.session.get(User, manager.id)
        c = db.session.get(Contract, contract.id)
        for body in ({"metric": "service_level", "kind": "sla", "target": 80, "minimum": 75,
                      "credit_allocation_percent": 50},
                     {"metric": "answer_rate", "kind": "kpi", "target": 90, "minimum": 85}):
            targets.add_target(db.session, actor, c, {**body, "effective_from": "2026-01"})
        for month, within in (("2026-05", 800), ("2026-06", 810), ("2026-07", 700), ("2026-08", 820),
                              ("2026-09", 790), ("2026-10", 600)):
            outcome = uploads.submit_file(db.session, actor, c, period=month, filename=f"{month}.csv",
                                          data=_month_csv(month, within), tz="Asia/Tokyo")
            assert outcome.ok, outcome.errors
            uploads.accept_submission(db.session, actor, outcome.submission)
        db.session.commit()
    return vendor, contract, manager


def _render(app, kind: str, vendor_id: int | None, language: str, period: str = "2026-10"):
    from vendorportal.extensions import db
    from vendorportal.packs import jobs, services
    from vendorportal.packs.models import Pack

    with app.app_context():
        pack = services._new_pack(db.session, kind=services.PackKind(kind), vendor_id=vendor_id, period=period,
                                  language=language, schedule_id=None, requested_by_id=None)
        db.session.commit()
        outcome = jobs.render_pack(db.session, pack.id)
        assert outcome.status == "done", outcome
        pack = db.session.get(Pack, pack.id)
        return pack.id, bytes(pack.file.data), pack.file.sha256, pack.page_count


def _text(data: bytes) -> tuple[str, pypdf.PdfReader]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages), reader


def _fonts(reader: pypdf.PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont")))
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object().get("/FontDescriptor").get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add("embedded:" + str(descendant.get_object().get("/BaseFont")))
    return names


def test_the_japanese_vendor_pack_says_everything_in_japanese_with_an_embedded_font(app, vendor_with_data):
    vendor, contract, _manager = vendor_with_data
    _id, data, sha, pages = _render(app, "vendor", vendor.id, "ja")
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == sha
    text, reader = _text(data)
    assert len(reader.pages) == pages >= 6
    assert JAPANESE_NAME in text  # the vendor's Japanese name is text, not pictures of glyphs
    for heading in ("エグゼクティブサマリー", "スコアカード", "12か月の推移", "データ提出", "セキュリティ状況", "是正措置", "目次"):
        assert heading in text, heading
    assert "2026年10月" in text and contract.reference in text
    assert "サービスレベル" in text  # metric names in Japanese
    assert any(name.startswith("embedded:") and "IPAexGothic" in name for name in _fonts(reader)), _fonts(reader)
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get_object())


def test_the_english_vendor_pack_has_the_same_sections_in_english(app, vendor_with_data):
    vendor, contract, _manager = vendor_with_data
    _id, data, _sha, _pages = _render(app, "vendor", vendor.id, "en")
    text, reader = _text(data)
    for heading in ("Executive summary", "Scorecard", "12-month trends", "Submissions", "Security posture",
                    "Corrective actions", "Contents", "October 2026"):
        assert heading in text, heading
    assert "Service level" in text and JAPANESE_NAME in text
    assert "Breach" in text  # October: 600 / 940 answered within 20 s is below the 75 % minimum
    assert f"/ {len(reader.pages)}" in text  # page numbers "n / total" in the footer
    assert "Data as of" in text and "version 1" in text
    assert reader.metadata.title.startswith("Review pack: " + JAPANESE_NAME)


def test_the_portfolio_pack_has_a_summary_a_heat_map_and_a_page_per_vendor(app, vendor_with_data, create_vendor,
                                                                           create_contract):
    vendor, _contract, _manager = vendor_with_data
    other = create_vendor(name="BrightDesk Solutions")
    create_contract(other, reference="BDS-1")
    _id, data, _sha, _pages = _render(app, "portfolio", None, "en")
    text, reader = _text(data)
    assert "Portfolio summary" in text and "Vendor × target heat-map" in text
    assert JAPANESE_NAME in text and "BrightDesk Solutions" in text
    landscape = [p for p in reader.pages if float(p.mediabox.width) > float(p.mediabox.height)]
    assert landscape, "the heat-map page is landscape"
    ja_text, _r = _text(_render(app, "portfolio", None, "ja")[1])
    assert "ポートフォリオ" in ja_text and "ヒートマップ" in ja_text


def test_the_same_pack_version_renders_to_the_same_bytes_in_another_process(app, vendor_with_data):
    from vendorportal.extensions import db
    from vendorportal.packs import pdf, render, services
    from vendorportal.packs.models import Pack

    vendor, _contract, _manager = vendor_with_data
    pack_id, data, _sha, _pages = _render(app, "vendor", vendor.id, "ja")
    with app.app_context():
        pack = db.session.get(Pack, pack_id)
        html = services.build_html(db.session, pack, pack.as_of.replace(tzinfo=dt.UTC))
        as_of = pack.as_of.replace(tzinfo=dt.UTC)
        again = pdf.render_pdf(html, render.pack_css(), created=as_of, title=services.pdf_title(html), lang="ja")
        db.session.rollback()
    assert again.data == data  # same data + same version = same bytes
    script = ("import sys, datetime as dt; from vendorportal.packs import pdf, render; "
              "html = sys.stdin.read(); "
              "sys.stdout.buffer.write(pdf.render_pdf(html, render.pack_css(), created=dt.datetime.fromisoformat("
              f"{as_of.isoformat()!r}), title={services.pdf_title(html)!r}, "
              "lang='ja').data)")
    other = subprocess.run([sys.executable, "-c", script], input=html.encode(), capture_output=True, check=True,
                           timeout=120)
    assert hashlib.sha256(other.stdout).hexdigest() == hashlib.sha256(data).hexdigest()


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Recorder.hits
    server.shutdown()
    thread.join(5)


def test_a_vendor_named_with_html_renders_as_plain_text_and_fetches_nothing(app, http_server, create_vendor,
                                                                            create_contract):
    url, hits = http_server
    name = (f'<img src="{url}/pixel.png"><link rel="attachment" href="file:///etc/passwd">'
            f'<style>@import url({url}/x.css);</style>')
    vendor = create_vendor(name=name, code="EVIL")
    create_contract(vendor, reference="EVIL-1")
    for language in ("en", "ja"):
        _id, data, _sha, _pages = _render(app, "vendor", vendor.id, language)
        text, reader = _text(data)
        assert "/EmbeddedFile" not in data.decode("latin-1")
        assert "root:" not in text and "/EmbeddedFiles" not in str(reader.trailer["/Root"].get_object())
        assert f'<img src="{url}/pixel.png">' in text.replace("\n", "")  # shown as the text it is
    assert hits == []


def test_even_raw_html_cannot_make_the_renderer_read_files_or_call_hosts(http_server):
    from vendorportal.packs import pdf

    url, hits = http_server
    html = (f'<html><body><p>x</p><img src="{url}/a.png"><img src="file:///etc/hostname">'
            '<link rel="attachment" href="file:///etc/passwd">'
            f'<link rel="stylesheet" href="{url}/s.css"><img src="fonts/../../../../etc/passwd">'
            '<img src="file:///proc/self/environ"><a rel="attachment" href="file:///etc/passwd">a</a>'
            f'<svg><image href="{url}/svg.png"/></svg></body></html>')
    fetcher = pdf.StaticOnlyFetcher()
    result = pdf.render_pdf(html, f"@import url({url}/i.css); body {{ background: url({url}/bg.png); }}",
                            created=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), fetcher=fetcher)
    assert hits == []
    assert "/EmbeddedFile" not in result.data.decode("latin-1")
    assert {u for u in fetcher.refused if u.startswith("file:")} >= {"file:///etc/hostname", "file:///etc/passwd"}
    assert any(u.startswith(url) for u in fetcher.refused)
    assert all(u.startswith(pdf.STATIC_ROOT.as_uri()) for u in fetcher.served)


def test_the_fetcher_serves_static_files_and_data_urls_only(tmp_path):
    from vendorportal.packs import pdf

    fetcher = pdf.StaticOnlyFetcher()
    font = fetcher.fetch(pdf.FONT_FILE.as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    link = pdf.STATIC_ROOT / "fonts" / "zz-test-link.txt"
    for url in (outside.as_uri(), "http://127.0.0.1:9/", "https://example.com/", "ftp://example.com/x",
                pdf.STATIC_ROOT.as_uri() + "/../__init__.py", "file://otherhost" + str(pdf.FONT_FILE)):
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)
    try:
        link.symlink_to(outside)
        with pytest.raises(pdf.RefusedURL):  # a link inside static pointing outside is outside
            fetcher.fetch(link.as_uri())
    finally:
        link.unlink(missing_ok=True)
