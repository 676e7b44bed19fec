"""Render many packs at once on every core: a process pool whose workers inherit the app and open their own
database connections (the parent's pool is disposed before forking, as SQLAlchemy requires)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed

from flask import Flask, current_app

from vendorportal.core.audit import AuditActor, set_actor
from vendorportal.extensions import db
from vendorportal.packs import services

_APP: Flask | None = None
_ACTOR: AuditActor | None = None


def _init_worker() -> None:
    from vendorportal.packs import pdf

    assert _APP is not None
    _APP.app_context().push()
    db.engine.dispose(close=False)  # connections inherited from the parent belong to the parent
    pdf.reset_caches()


def _render(pack_id: int) -> services.RenderOutcome:
    try:
        if _ACTOR is not None:
            set_actor(db.session, _ACTOR)
        return services.render_pack(db.session, pack_id)
    finally:
        db.session.remove()


def render_many(pack_ids: Iterable[int], *, workers: int, actor: AuditActor | None = None,
                progress: Callable[[services.RenderOutcome], None] | None = None) -> list[services.RenderOutcome]:
    """Render packs with `workers` processes (1 = in this process); report each outcome as it finishes."""
    global _APP, _ACTOR
    ids = list(pack_ids)
    outcomes = []
    if workers <= 1 or len(ids) <= 1:
        for pack_id in ids:
            if actor is not None:
                set_actor(db.session, actor)
            outcome = services.render_pack(db.session, pack_id)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        return outcomes
    # The portfolio pack takes as long as many vendor packs: start it first so that it does not run alone last.
    from sqlalchemy import select

    from vendorportal.packs.models import Pack

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
                outcome = services.RenderOutcome(futures[future], "failed", f"{type(exc).__name__}: {exc}")
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return outcomes
