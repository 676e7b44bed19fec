"""The mail adapter against a real local SMTP server: recipients, Japanese headers and bodies, attachments, safety."""

from __future__ import annotations

import logging
import re

import pytest
from helpers import make_test_config
from smtp_server import LocalSMTPServer

from vendorportal import create_app
from vendorportal.core import mail
from vendorportal.core.mail import Mail

JA_SUBJECT = "【VendorPortal】2026年4月のデータが差し戻されました"
JA_TEXT = "株式会社サンプル 御中\n\n2026年4月のデータが差し戻されました。\nコメント: 応答率の分母を確認してください。\n"
JA_FILENAME = "2026年4月_レビューパック（確定版）.pdf"


@pytest.fixture
def smtp_server():
    with LocalSMTPServer() as server:
        yield server


@pytest.fixture
def make_app(database_url, tmp_path, monkeypatch):
    """Build a fresh app per test, so the session app's config is never touched."""
    from vendorportal.extensions import db

    monkeypatch.setenv("VENDORPORTAL_INSTANCE_PATH", str(tmp_path))
    apps = []

    def make(**overrides):
        application = create_app(make_test_config(database_url, **overrides))
        apps.append(application)
        return application

    yield make
    for application in apps:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def mail_app(make_app, smtp_server):
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)


def test_send_delivers_japanese_subject_and_body(mail_app, smtp_server):
    message = Mail(
        to=("vendor-a@vendor.example", "担当 太郎 <vendor-b@vendor.example>", "Vendor-A@Vendor.example"),
        subject=JA_SUBJECT, text=JA_TEXT, html="<p>2026年4月のデータが<strong>差し戻されました</strong>。</p>",
    )
    with mail_app.app_context():
        assert mail.send(message) is True

    [received] = smtp_server.wait_for(1)
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ("vendor-a@vendor.example", "vendor-b@vendor.example")
    assert envelope.mail_from == "no-reply@localhost"
    assert [a.addr_spec for a in received["To"].addresses] == ["vendor-a@vendor.example", "vendor-b@vendor.example"]
    assert received["To"].addresses[1].display_name == "担当 太郎"
    assert received["From"].addresses[0].display_name == "VendorPortal"
    assert received["Subject"] == JA_SUBJECT
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Message-ID"] and received["Date"]
    assert received.get_body(("plain",)).get_content() == JA_TEXT
    assert "<strong>差し戻されました</strong>" in received.get_body(("html",)).get_content()


def test_send_keeps_japanese_attachment_name_and_bytes(mail_app, smtp_server):
    data = b"%PDF-1.7\n\x00\xff\xfe binary \r\n\x80 body\n%%EOF\n"
    message = Mail(to=("manager@client.example",), subject="レビューパック", text="添付をご確認ください。",
                   attachments=((JA_FILENAME, "application/pdf", data),))
    with mail_app.app_context():
        assert mail.send(message) is True

    [received] = smtp_server.wait_for(1)
    assert received.get_body(("plain",)).get_content() == "添付をご確認ください。\n"
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == JA_FILENAME
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == data


def test_send_uses_configured_sender(make_app, smtp_server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port,
                   MAIL_SENDER="ベンダーポータル <portal@client.example>")
    with app.app_context():
        assert mail.send(Mail(to=("a@vendor.example",), subject="Hello", text="Hi")) is True

    [received] = smtp_server.wait_for(1)
    [sender] = received["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("ベンダーポータル", "portal@client.example")
    assert smtp_server.envelopes[0].mail_from == "portal@client.example"


def test_send_returns_false_when_mail_disabled(make_app, smtp_server, caplog):
    app = make_app(MAIL_SERVER=None, MAIL_PORT=smtp_server.port)
    with app.app_context(), caplog.at_level(logging.INFO, logger="vendorportal.core.mail"):
        assert mail.send(Mail(to=("a@vendor.example",), subject=JA_SUBJECT, text=JA_TEXT)) is False

    assert "Mail is disabled" in caplog.text
    assert smtp_server.messages == []


def test_send_returns_false_without_recipients(mail_app, smtp_server):
    with mail_app.app_context():
        assert mail.send(Mail(to=(), subject="Nobody", text="Nothing")) is False

    assert smtp_server.messages == []


def test_send_twice_delivers_two_messages(mail_app, smtp_server):
    with mail_app.app_context():
        assert mail.send(Mail(to=("a@vendor.example",), subject="one", text="1"))
        assert mail.send(Mail(to=("b@vendor.example",), subject="two", text="2"))

    assert [m["Subject"] for m in smtp_server.wait_for(2)] == ["one", "two"]


@pytest.mark.parametrize("recipient", [
    "a@vendor.example\r\nBcc: evil@attacker.example",
    "a@vendor.example\nBcc: evil@attacker.example",
    "a@vendor.example\rBcc: evil@attacker.example",
    "Name\r\n <a@vendor.example>",
])
def test_mail_rejects_line_breaks_in_recipient(recipient):
    with pytest.raises(ValueError, match="line breaks"):
        Mail(to=(recipient,), subject="Hello", text="Hi")


@pytest.mark.parametrize("subject", [
    "Hello\r\nBcc: evil@attacker.example",
    "Hello\nBcc: evil@attacker.example",
    "差し戻し\u2028Bcc: evil@attacker.example",
])
def test_mail_rejects_line_breaks_in_subject(subject):
    with pytest.raises(ValueError, match="line breaks"):
        Mail(to=("a@vendor.example",), subject=subject, text="Hi")


def test_mail_rejects_line_breaks_in_attachment_name():
    with pytest.raises(ValueError, match="line breaks"):
        Mail(to=("a@vendor.example",), subject="Hello", text="Hi",
             attachments=(("pack.pdf\r\nBcc: evil@attacker.example", "application/pdf", b"%PDF"),))


@pytest.mark.parametrize("recipient", ["a@vendor.example, b@vendor.example", "not-an-address", "", "あ@vendor.example"])
def test_mail_rejects_anything_but_one_ascii_address(recipient):
    with pytest.raises(ValueError):
        Mail(to=(recipient,), subject="Hello", text="Hi")


def test_send_rejects_line_breaks_in_configured_sender(make_app, smtp_server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port,
                   MAIL_SENDER="Portal <portal@client.example>\r\nBcc: evil@attacker.example")
    with app.app_context(), pytest.raises(ValueError, match="line breaks"):
        mail.send(Mail(to=("a@vendor.example",), subject="Hello", text="Hi"))

    assert smtp_server.messages == []


def test_build_message_is_seven_bit_with_encoded_japanese_headers():
    message = mail.build_message(
        Mail(to=("a@vendor.example",), subject=JA_SUBJECT, text=JA_TEXT,
             attachments=((JA_FILENAME, "application/pdf", b"%PDF"),)),
        "VendorPortal <no-reply@client.example>",
    )
    raw = message.as_bytes()
    assert raw.isascii()
    assert b"=?utf-8?" in raw  # RFC 2047 subject
    assert re.search(rb"filename\*(0\*)?=utf-8''", raw)  # RFC 2231 file name, continued when long
