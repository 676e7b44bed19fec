"""The pack worker's steps, each its own transaction: take a lease, render, record a failure, requeue the packs
of dead renderers, mail finished packs; and rendering many packs at once on every core.

A pack moves queued -> rendering -> done, or back to queued with a later next_attempt_at when a try fails,
and to failed after the last try. Rendering holds a lease (a random token): only the holder of the token may
store the PDF, so a renderer that was presumed dead and comes back cannot overwrite anything. The PDF and the
status `done` are written in one transaction, so a half-rendered PDF is never stored or served. This is the job
layer: unlike services, it commits (once per step), so that the database is free while WeasyPrint lays out pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import multiprocessing
import os
import secrets
import smtplib
import socket
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vendorportal.access import policies
from vendorportal.auth.models import User
from vendorportal.core import mail
from vendorportal.core.audit import AuditActor, set_actor
from vendorportal.core.db import as_utc, utcnow
from vendorportal.extensions import db
from vendorportal.files.models import StoredFile
from vendorportal.packs import distribution, domain, render, services
from vendorportal.packs.domain import PackStatus
from vendorportal.packs.models import Pack, PackDelivery, PackSchedule
from vendorportal.packs.services import worker_name

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lease:
    pack_id: int
    token: str


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def requeue_orphans(session: Session, now: dt.datetime) -> int:
    """Put back in the queue the packs whose renderer died: lease expired, or its process on this host is gone.

    Called by the pack job before it renders anything, holding the job's lock: a lease in this very process's
    name is then a previous incarnation's (a container restarts with the same host name and PID 1).
    """
    host = socket.gethostname()
    me = worker_name()
    count = 0
    rows = session.execute(select(Pack).where(Pack.status == PackStatus.RENDERING.value)).scalars().all()
    for pack in rows:
        owner_host, _sep, pid = (pack.lease_owner or "").rpartition(":")
        dead_here = owner_host == host and pid.isdigit() and (pack.lease_owner == me or not _pid_alive(int(pid)))
        expired = pack.lease_expires_at is None or as_utc(pack.lease_expires_at) <= now
        if dead_here or expired:
            pack.status, pack.stage, pack.lease_token, pack.lease_owner = PackStatus.QUEUED.value, None, None, None
            pack.lease_expires_at, pack.next_attempt_at = None, None
            count += 1
            log.warning("pack %s: renderer %s gone, queued again", pack.id, owner_host + ":" + pid)
    session.flush()
    return count


def ready_packs(session: Session, now: dt.datetime, limit: int = 100) -> list[int]:
    """Return queued packs whose next try is due, oldest first."""
    stmt = (select(Pack.id).where(Pack.status == PackStatus.QUEUED.value)
            .where((Pack.next_attempt_at.is_(None)) | (Pack.next_attempt_at <= now))
            .order_by(Pack.id).limit(limit))
    return list(session.execute(stmt).scalars())


def take_lease(session: Session, pack_id: int, now: dt.datetime, lease_seconds: int) -> Lease | None:
    """Move one queued pack to rendering; return None when another renderer took it first."""
    token = secrets.token_hex(16)
    result = session.execute(
        update(Pack).where(Pack.id == pack_id, Pack.status == PackStatus.QUEUED.value)
        .where((Pack.next_attempt_at.is_(None)) | (Pack.next_attempt_at <= now))
        .values(status=PackStatus.RENDERING.value, stage="data", lease_token=token, lease_owner=worker_name(),
                lease_expires_at=now + dt.timedelta(seconds=lease_seconds), started_at=now,
                attempts=Pack.attempts + 1)
        .execution_options(synchronize_session=False))
    return Lease(pack_id, token) if result.rowcount == 1 else None


def _set_stage(session: Session, lease: Lease, stage: str) -> None:
    session.execute(update(Pack).where(Pack.id == lease.pack_id, Pack.lease_token == lease.token)
                    .values(stage=stage).execution_options(synchronize_session=False))



@dataclass(frozen=True)
class RenderOutcome:
    pack_id: int
    status: str  # done, queued (will be tried again), failed, skipped (someone else has it)
    error: str | None = None


def render_pack(session: Session, pack_id: int, *, now: dt.datetime | None = None) -> RenderOutcome:
    """Render one queued pack start to finish, in short transactions; never raises for a render failure."""
    config = current_app.config
    now = now or utcnow()
    lease = take_lease(session, pack_id, now, config["PACK_LEASE_SECONDS"])
    session.commit()
    if lease is None:
        return RenderOutcome(pack_id, "skipped")
    try:
        pack = session.get(Pack, pack_id)
        as_of = utcnow().replace(microsecond=0)
        html = services.build_html(session, pack, as_of)
        _set_stage(session, lease, "layout")
        language, kind = pack.language, pack.kind
        session.commit()  # the database is free while WeasyPrint lays out pages
        from vendorportal.packs import pdf  # local import: only processes that render load WeasyPrint

        rendered = pdf.render_pdf(html, render.pack_css(), created=as_of, title=services.pdf_title(html), lang=language)
        if not rendered.data.startswith(b"%PDF-") or b"%%EOF" not in rendered.data[-1024:]:
            raise RuntimeError("the renderer returned an incomplete PDF")
        pack = session.get(Pack, pack_id)
        stored = StoredFile(original_name=services.file_name(pack), content_type="application/pdf",
                            size=len(rendered.data), sha256=hashlib.sha256(rendered.data).hexdigest(),
                            data=rendered.data)
        session.add(stored)
        session.flush()
        result = session.execute(
            update(Pack).where(Pack.id == pack_id, Pack.lease_token == lease.token,
                               Pack.status == PackStatus.RENDERING.value)
            .values(status=PackStatus.DONE.value, stage=None, file_id=stored.id, page_count=rendered.pages,
                    as_of=as_of, finished_at=utcnow(), error=None, lease_token=None, lease_expires_at=None)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:  # our lease was taken away (we were presumed dead): keep nothing
            session.rollback()
            return RenderOutcome(pack_id, "skipped")
        session.commit()
        session.expire_all()
        log.info("pack %s (%s %s %s v%s) done: %s pages", pack_id, kind, pack.period, language, pack.version,
                 rendered.pages)
        return RenderOutcome(pack_id, PackStatus.DONE.value)
    except Exception as exc:  # a render failure is recorded on the pack, never lost in a log only
        session.rollback()
        log.exception("pack %s failed to render", pack_id)
        return _record_failure(session, lease, exc)


def _record_failure(session: Session, lease: Lease, exc: Exception) -> RenderOutcome:
    config = current_app.config
    pack = session.get(Pack, lease.pack_id)
    if pack is None or pack.lease_token != lease.token:
        session.rollback()
        return RenderOutcome(lease.pack_id, "skipped", str(exc))
    status = domain.after_failure(pack.attempts, config["PACK_MAX_ATTEMPTS"])
    message = f"{type(exc).__name__}: {exc}"[:2000]
    pack.status, pack.stage, pack.error = status.value, None, message
    pack.lease_token = pack.lease_owner = pack.lease_expires_at = None
    if status is PackStatus.QUEUED:
        pack.next_attempt_at = utcnow() + domain.retry_delay(pack.attempts, config["PACK_RETRY_SECONDS"])
    mails = []
    if status is PackStatus.FAILED:
        pack.finished_at = utcnow()
        mails = distribution.failure_notices(session, pack)
    outcome = RenderOutcome(pack.id, status.value, message)
    session.commit()
    mail.send_all(mails)
    return outcome


def deliver_pack(session: Session, pack: Pack) -> bool:
    """Mail a done scheduled pack to each recipient who may see it, once each; return False to try again later.

    One transaction per recipient: the delivery row commits right after its mail was accepted, so a crash
    can at worst mail one person twice, and a mail server that is down loses nothing.
    """
    schedule = session.get(PackSchedule, pack.schedule_id) if pack.schedule_id else None
    if schedule is None:
        pack.delivered_at = utcnow()
        session.commit()
        return True
    sent = set(session.execute(select(PackDelivery.user_id).where(PackDelivery.pack_id == pack.id)).scalars())
    users = [session.get(User, r.user_id) for r in schedule.recipients]
    may_view = services.vendor_may_view_packs(session, pack.vendor_id)
    limit = current_app.config["PACK_MAIL_ATTACH_MAX_BYTES"]
    data = pack.file.data if pack.file is not None and pack.file.size <= limit else None
    filename = services.file_name(pack)
    for user in users:
        if user is None or not user.is_active or user.id in sent or not policies.can_view_pack(user, pack, may_view):
            continue
        message = distribution.message(pack, user, data, filename)
        session.add(PackDelivery(pack_id=pack.id, user_id=user.id, attached=data is not None))
        session.flush()
        try:
            mail.send(message)
        except (smtplib.SMTPException, OSError):
            session.rollback()
            log.exception("could not mail pack %s to user %s; will try again", pack.id, user.id)
            return False
        session.commit()
    pack = session.get(Pack, pack.id)
    pack.delivered_at = utcnow()
    session.commit()
    return True


def deliver_due(session: Session) -> int:
    """Mail every done scheduled pack not mailed yet; return how many were completed."""
    ids = list(session.execute(select(Pack.id).where(Pack.status == "done", Pack.schedule_id.is_not(None),
                                                     Pack.delivered_at.is_(None)).order_by(Pack.id)).scalars())
    done = 0
    for pack_id in ids:
        if deliver_pack(session, session.get(Pack, pack_id)):
            done += 1
    return done


_APP: Flask | None = None
_ACTOR: AuditActor | None = None


def _init_worker() -> None:
    from vendorportal.packs import pdf  # local import: only processes that render load WeasyPrint

    assert _APP is not None
    _APP.app_context().push()
    db.engine.dispose(close=False)  # connections inherited from the parent belong to the parent
    pdf.reset_caches()


def _render(pack_id: int) -> RenderOutcome:
    try:
        if _ACTOR is not None:
            set_actor(db.session, _ACTOR)
        return render_pack(db.session, pack_id)
    finally:
        db.session.remove()


def render_many(pack_ids: Iterable[int], *, workers: int, actor: AuditActor | None = None,
                progress: Callable[[RenderOutcome], None] | None = None) -> list[RenderOutcome]:
    """Render packs with `workers` processes (1 = in this process); report each outcome as it finishes."""
    global _APP, _ACTOR
    ids = list(pack_ids)
    outcomes = []
    if workers <= 1 or len(ids) <= 1:
        for pack_id in ids:
            if actor is not None:
                set_actor(db.session, actor)
            outcome = render_pack(db.session, pack_id)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        return outcomes
    # The portfolio pack takes as long as many vendor packs: start it first so that it does not run alone last.
    portfolio = set(db.session.execute(select(Pack.id).where(Pack.id.in_(ids), Pack.kind == "portfolio")).scalars())
    ids = [i for i in ids if i in portfolio] + [i for i in ids if i not in portfolio]
    _APP, _ACTOR = current_app._get_current_object(), actor
    db.session.remove()
    db.engine.dispose()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(ids)), mp_context=context,
                             initializer=_init_worker) as pool:
        futures = {pool.submit(_render, pack_id): pack_id for pack_id in ids}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # a worker died (out of memory, killed): the pack is not done
                outcome = RenderOutcome(futures[future], "failed", f"{type(exc).__name__}: {exc}")
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return outcomes


def tick(session: Session, *, tz: ZoneInfo, stop: threading.Event, actor: AuditActor) -> dict:
    """Claim due schedule periods, recover packs of dead renderers, render the queue, mail finished packs."""
    now = utcnow()
    requeued = requeue_orphans(session, now)
    claimed = services.claim_due(session, now, tz)
    session.commit()
    rendered = []
    while not stop.is_set():
        ready = ready_packs(session, utcnow(), limit=20)
        session.commit()
        if not ready:
            break
        for pack_id in ready:
            if stop.is_set():
                break
            set_actor(session, actor)
            rendered.append(render_pack(session, pack_id))
    delivered = deliver_due(session)
    return {"requeued": requeued, "claimed": len(claimed), "rendered": len(rendered),
            "failed": sum(o.status != "done" for o in rendered), "delivered": delivered}
