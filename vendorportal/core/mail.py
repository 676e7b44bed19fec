"""Outgoing e-mail: one narrow adapter over smtplib that builds safe UTF-8 messages and sends them."""

from __future__ import annotations

import email.policy
import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid

from flask import current_app

log = logging.getLogger(__name__)

DEFAULT_SENDER = "VendorPortal <no-reply@localhost>"

# 7bit transfer: non-ASCII bodies go out base64/quoted-printable, so no server needs 8BITMIME; non-ASCII headers
# become RFC 2047 encoded words and non-ASCII file names RFC 2231 parameters. Line ends stay "\n" inside the
# encoded body (smtplib turns the message's own line ends into CRLF), so the text decodes back exactly as given.
_POLICY = email.policy.default.clone(cte_type="7bit")

# Everything str.splitlines() splits on, plus NUL: none of it belongs in a header.
_LINE_BREAKS = frozenset("\r\n\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_MIMETYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")


def _check_header(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, not {type(value).__name__}")
    if any(ch in _LINE_BREAKS for ch in value):
        raise ValueError(f"{what} must not contain line breaks: {value!r}")
    return value


def _address(value: str, what: str = "address") -> Address:
    """Parse one address ("a@example.com" or "Name <a@example.com>"); raise ValueError if it is not exactly one."""
    _check_header(value, what)
    parsed = getaddresses([value])
    if len(parsed) != 1:
        raise ValueError(f"{what} must be exactly one address: {value!r}")
    name, addr_spec = parsed[0]
    local, at, domain = addr_spec.rpartition("@")
    if not (local and at and domain) or not addr_spec.isascii() or any(ch.isspace() for ch in addr_spec):
        raise ValueError(f"{what} is not a valid ASCII e-mail address: {value!r}")
    try:
        return Address(display_name=name, addr_spec=addr_spec)
    except Exception as error:  # email.errors.HeaderParseError is not a ValueError
        raise ValueError(f"{what} is not a valid e-mail address: {value!r}") from error


def _unique_recipients(to: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    unique = []
    for value in to:
        key = _address(value, "recipient").addr_spec.lower()
        if key not in seen:
            seen.add(key)
            unique.append(value)
    return tuple(unique)


@dataclass(frozen=True)
class Mail:
    """One e-mail; recipients are validated and de-duplicated (case-insensitively) on construction."""

    to: tuple[str, ...]
    subject: str
    text: str  # plain-text body
    html: str | None = None
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (filename, mimetype, data)

    def __post_init__(self) -> None:
        to = (self.to,) if isinstance(self.to, str) else tuple(self.to)
        object.__setattr__(self, "to", _unique_recipients(to))
        _check_header(self.subject, "subject")
        attachments = tuple(tuple(item) for item in self.attachments)
        for filename, mimetype, data in attachments:
            _check_header(filename, "attachment filename")
            if not filename.strip():
                raise ValueError("attachment filename must not be empty")
            if not _MIMETYPE.match(_check_header(mimetype, "attachment mimetype")):
                raise ValueError(f"attachment mimetype is not type/subtype: {mimetype!r}")
            if not isinstance(data, bytes | bytearray | memoryview):
                raise TypeError(f"attachment data must be bytes, not {type(data).__name__}")
        object.__setattr__(self, "attachments", attachments)


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """Build a UTF-8 MIME message for mail from sender; raise ValueError for unsafe headers or no recipients."""
    if not mail.to:
        raise ValueError("a message needs at least one recipient")
    from_address = _address(sender, "sender")
    message = EmailMessage(policy=_POLICY)
    message["From"] = from_address
    message["To"] = tuple(_address(value, "recipient") for value in mail.to)
    message["Subject"] = _check_header(mail.subject, "subject")
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=from_address.domain or "localhost")
    # RFC 3834: notifications are machine-sent, so autoresponders stay quiet.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text, charset="utf-8")
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html", charset="utf-8")
    for filename, mimetype, data in mail.attachments:
        maintype, subtype = mimetype.split("/", 1)
        message.add_attachment(bytes(data), maintype=maintype, subtype=subtype, filename=filename)
    return message


def send_all(mails) -> None:
    """Send mails after the change they report is committed; a mail server problem is logged, never raised."""
    for message in mails:
        try:
            send(message)
        except (smtplib.SMTPException, OSError, ValueError):
            log.exception("could not send %r", message.subject)


def send(mail: Mail) -> bool:
    """Send mail through the configured SMTP server; return False (and log) when mail is disabled or has no recipients.

    :raises smtplib.SMTPException, OSError: when the server cannot be reached or refuses the message, so that the
        caller can try again later.
    """
    config = current_app.config
    if not mail.to:
        log.info("Mail %r has no recipients; nothing sent", mail.subject)
        return False
    server = config.get("MAIL_SERVER")
    if not server:
        log.info("Mail is disabled (MAIL_SERVER is not set); not sending %r to %d recipient(s)",
                 mail.subject, len(mail.to))
        return False
    message = build_message(mail, config.get("MAIL_SENDER") or DEFAULT_SENDER)
    port = int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    use_ssl, use_tls = bool(config.get("MAIL_USE_SSL", False)), bool(config.get("MAIL_USE_TLS", False))
    if use_ssl and use_tls:
        raise ValueError("MAIL_USE_SSL and MAIL_USE_TLS exclude each other")
    context = ssl.create_default_context() if use_ssl or use_tls else None
    if use_ssl:
        smtp = smtplib.SMTP_SSL(server, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(server, port, timeout=timeout)
    with smtp:
        if use_tls:
            smtp.starttls(context=context)
        username = config.get("MAIL_USERNAME")
        if username:
            smtp.login(username, config.get("MAIL_PASSWORD") or "")
        refused = smtp.send_message(message)
    if refused:
        log.warning("Mail %r was refused for %d of %d recipient(s)", mail.subject, len(refused), len(mail.to))
    log.info("Mail %r sent to %d recipient(s)", mail.subject, len(mail.to) - len(refused))
    return True
