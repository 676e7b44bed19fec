"""copy-db: copy every row and stored file into an empty PostgreSQL database at the newest schema, then verify.

Rows are copied with Core inserts, ids included, so no ORM event fires and the audit log is carried over
event for event (its hash chain depends on the ids' order and every column). The whole copy is one
transaction on the target, verified before it commits: the target ends up with a verified copy or empty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import click
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import DateTime, LargeBinary, Table, cast, func, insert, inspect, select, text
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from vendorportal.core.audit import AuditEvent, verify_chain
from vendorportal.core.setup import ConfigurationError, base_app
from vendorportal.extensions import db
from vendorportal.files.models import StoredFile
from vendorportal.ops.schema import known_revisions, schema_head

ROWS_PER_BATCH = 1000
BINARY_ROWS_PER_BATCH = 10  # stored files (up to 20 MB each) and compressed submissions


class CopyFailed(RuntimeError):
    """The copy did not happen; no row was written to the target."""


class CopyRefused(CopyFailed):
    """The copy cannot start (bad URL, non-empty target, old source schema); nothing was written."""


@dataclass
class TableCount:
    name: str
    source: int
    target: int | None = None

    @property
    def ok(self) -> bool:
        return self.source == self.target


@dataclass
class CopyReport:
    tables: list[TableCount] = field(default_factory=list)
    files: int = 0
    file_bytes: int = 0
    bad_files: list[int] = field(default_factory=list)
    audit_ok: bool = False
    audit_checked: int = 0
    audit_source: int = 0
    audit_problem: str | None = None
    schema: str | None = None
    head: str = ""
    committed: bool = False

    @property
    def problems(self) -> list[str]:
        out = [f"{t.name}: {t.source} rows in the source, {t.target} in the target" for t in self.tables if not t.ok]
        if self.bad_files:
            shown = ", ".join(str(i) for i in self.bad_files[:10])
            out.append(f"{len(self.bad_files)} stored file(s) do not match their SHA-256: {shown}")
        if not self.audit_ok:
            out.append(f"audit log: {self.audit_problem}")
        if self.schema != self.head:
            out.append(f"schema at {self.schema}, newest is {self.head}")
        return out

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return sum(t.source for t in self.tables)


def sqlalchemy_url(url: str) -> str:
    """Rewrite plain postgres:// and postgresql:// URLs to the psycopg 3 driver, as create_app does."""
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def _shown(url) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _same_database(a, b) -> bool:
    a, b = make_url(a), make_url(b)
    if a.get_backend_name() != b.get_backend_name():
        return False
    key = ("host", "port", "database")
    return tuple(getattr(a, k) or "" for k in key) == tuple(getattr(b, k) or "" for k in key)


def _tables() -> list[Table]:
    return list(db.metadata.sorted_tables)


def _schema_version(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _count(conn: Connection, table: Table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _batches(conn: Connection, table: Table, size: int) -> Iterator[list[dict]]:
    """Yield the table's rows in primary-key order, a bounded batch at a time (keyset paging)."""
    pk = list(table.primary_key.columns)
    if len(pk) != 1:  # every portal table has a one-column key; fall back to OFFSET paging otherwise
        offset = 0
        while rows := conn.execute(select(table).order_by(*pk).limit(size).offset(offset)).mappings().all():
            yield [dict(r) for r in rows]
            offset += len(rows)
        return
    key, last = pk[0], None
    while True:
        query = select(table).order_by(key).limit(size)
        if last is not None:
            query = query.where(key > last)
        rows = conn.execute(query).mappings().all()
        if not rows:
            return
        yield [dict(r) for r in rows]
        last = rows[-1][key.name]


def _time_fixer(table: Table) -> Callable[[dict], dict]:
    """SQLite hands back naive datetimes (stored in UTC); PostgreSQL would read naive values in its own
    time zone, shifting every timestamp and breaking the audit hashes. Make them aware UTC first."""
    aware = [c.name for c in table.columns if isinstance(c.type, DateTime) and c.type.timezone]
    naive = [c.name for c in table.columns if isinstance(c.type, DateTime) and not c.type.timezone]

    def fix(row: dict) -> dict:
        for name in aware:
            value = row[name]
            if isinstance(value, dt.datetime) and value.tzinfo is None:
                row[name] = value.replace(tzinfo=dt.UTC)
        for name in naive:
            value = row[name]
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                row[name] = value.astimezone(dt.UTC).replace(tzinfo=None)
        return row

    return fix


def _batch_size(table: Table) -> int:
    binary = any(isinstance(c.type, LargeBinary) for c in table.columns)
    return BINARY_ROWS_PER_BATCH if binary else ROWS_PER_BATCH


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """Make the next generated id follow the copied ones (explicit ids do not advance a sequence)."""
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].autoincrement is False or pk[0].type.python_type is not int:
            continue
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                {"t": f'"{table.name}"', "c": pk[0].name}).scalar()
        if sequence:
            key = pk[0]
            conn.execute(select(func.setval(cast(sequence, REGCLASS), func.coalesce(func.max(key), 1),
                                            func.max(key).is_not(None))))


def _check_files(conn: Connection, report: CopyReport) -> None:
    table = StoredFile.__table__
    last = 0
    while True:
        rows = conn.execute(
            select(table.c.id, table.c.sha256, table.c.size, table.c.data).where(table.c.id > last)
            .order_by(table.c.id).limit(BINARY_ROWS_PER_BATCH)).all()
        if not rows:
            return
        for row in rows:
            data = bytes(row.data or b"")
            report.files += 1
            report.file_bytes += len(data)
            if hashlib.sha256(data).hexdigest() != row.sha256 or len(data) != row.size:
                report.bad_files.append(row.id)
        last = rows[-1].id


def _check_audit(conn: Connection, source_last_hash: str | None, report: CopyReport) -> None:
    with Session(bind=conn) as session:
        result = verify_chain(session)
    report.audit_checked = result.checked
    table = AuditEvent.__table__
    target_last = conn.execute(select(table.c.hash).order_by(table.c.id.desc()).limit(1)).scalar()
    if not result.ok:
        report.audit_problem = f"event {result.bad_event_id}: {result.reason}"
    elif result.checked != report.audit_source:
        report.audit_problem = f"{result.checked} events verified, the source has {report.audit_source}"
    elif target_last != source_last_hash:
        report.audit_problem = "the last event's hash differs from the source's"
    else:
        report.audit_ok = True


def _target_app(target: str):
    config = {"DATABASE_URL": target, "SECRET_KEY": current_app.config["SECRET_KEY"],
              "TESTING": current_app.testing, "DB_POOL_SIZE": 1, "DB_MAX_OVERFLOW": 1}
    try:
        return base_app(config)
    except (ConfigurationError, SQLAlchemyError, ImportError, ValueError) as err:
        raise CopyRefused(f"cannot use {_shown(target)}: {err}") from None


def _has_rows(conn: Connection, table: Table) -> bool:
    return conn.execute(select(1).select_from(table).limit(1)).first() is not None


def _listed(names: list[str]) -> str:
    return ", ".join(names[:8]) + (" …" if len(names) > 8 else "")


def _check_target_is_empty(engine: Engine, tables: list[Table], head: str, known: set[str]) -> str | None:
    """Refuse a target holding any row of ours or any table not ours; return its schema version."""
    ours = {t.name for t in tables}
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            foreign = sorted(names - ours - {"alembic_version"})
            if foreign:
                raise CopyRefused(f"the target holds tables that are not the portal's ({_listed(foreign)}); "
                                  "point --to at a new, empty database. Nothing was changed.")
            full = [t.name for t in tables if t.name in names and _has_rows(conn, t)]
            if full:
                raise CopyRefused(f"the target is not empty ({_listed(full)} hold rows); copy-db only writes "
                                  "into an empty database. Nothing was changed.")
            version = _schema_version(conn)
    except SQLAlchemyError as err:
        raise CopyRefused(f"cannot read the target database: {err.__class__.__name__}: {err}") from None
    if version is not None and version not in known:
        raise CopyRefused(f"the target's schema is at {version}, which these migrations do not know "
                          f"(newest is {head}). Nothing was changed.")
    if version is None and names & ours:
        raise CopyRefused("the target has portal tables but no alembic_version; create a new, empty database. "
                          "Nothing was changed.")
    return version


def _copy_rows(source: Connection, target: Connection, tables: list[Table], report: CopyReport,
               echo: Callable[[str], None]) -> str | None:
    """Copy every table in foreign-key order; return the source's last audit hash."""
    for table in tables:
        count = TableCount(table.name, _count(source, table))
        report.tables.append(count)
        fix = _time_fixer(table)
        for rows in _batches(source, table, _batch_size(table)):
            target.execute(insert(table), [fix(r) for r in rows])
        echo(f"  copied {table.name} ({count.source} rows)")
    events = AuditEvent.__table__
    report.audit_source = _count(source, events)
    return source.execute(select(events.c.hash).order_by(events.c.id.desc()).limit(1)).scalar()


def copy_database(target_url: str, echo: Callable[[str], None]) -> CopyReport:
    """Copy the current app's database into the empty PostgreSQL database at target_url and verify it there.

    Raises CopyRefused, before writing anything, when the target is unusable or not empty, and CopyFailed when
    the copy broke off (its transaction rolled back: the target keeps the newest schema and no rows).
    """
    target = sqlalchemy_url(target_url.strip())
    try:
        url = make_url(target)
    except Exception:  # noqa: BLE001 - any parse failure is a bad --to
        raise CopyRefused(f"--to is not a database URL: {target_url!r}") from None
    if url.get_backend_name() != "postgresql":
        raise CopyRefused(f"--to must be a PostgreSQL URL (postgresql://user@host:port/database), got {_shown(url)}.")
    source_engine = db.engine
    if _same_database(source_engine.url, url):
        raise CopyRefused("--to names the database the portal is using now; give a new, empty database.")
    head = schema_head()
    with source_engine.connect() as conn:
        source_version = _schema_version(conn)
    if source_version != head:
        raise CopyRefused(f"the source schema is at {source_version}, newest is {head}: "
                          "run `vendorportal init-db` on the source first.")
    tables = _tables()
    report = CopyReport(head=head)
    echo(f"Copying {_shown(source_engine.url)} (schema {head}) to {_shown(url)}.")

    target_app = _target_app(target)
    with target_app.app_context():
        target_engine = db.engine
        try:
            version = _check_target_is_empty(target_engine, tables, head, known_revisions())
            if version != head:
                try:
                    upgrade()
                except Exception as err:  # noqa: BLE001 - alembic and driver errors alike end the command
                    raise CopyFailed(f"could not create the schema on the target: {err}") from None
                echo(f"The target was empty; created the newest schema ({head}) on it.")
            else:
                echo(f"The target is empty and already at the newest schema ({head}).")
            try:
                _copy_and_verify(source_engine, target_engine, tables, report, echo)
            except SQLAlchemyError as err:
                raise CopyFailed(f"the copy broke off and was rolled back (the target has the schema and no "
                                 f"rows): {err.__class__.__name__}: {err}") from None
        finally:
            target_engine.dispose()
    return report


def _copy_and_verify(source_engine: Engine, target_engine: Engine, tables: list[Table], report: CopyReport,
                     echo: Callable[[str], None]) -> None:
    source_opts = {"isolation_level": "REPEATABLE READ"} if source_engine.dialect.name == "postgresql" else {}
    with source_engine.connect().execution_options(**source_opts) as source, \
            target_engine.connect() as target, source.begin(), target.begin() as tx:
        # One snapshot of the source (SQLite: the write lock; PostgreSQL: a repeatable-read transaction), and
        # nobody writes to the target tables until this transaction ends; then look at them once more.
        target.execute(text("LOCK TABLE " + ", ".join(f'"{t.name}"' for t in tables) + " IN EXCLUSIVE MODE"))
        if any(_has_rows(target, t) for t in tables):
            raise CopyRefused("rows appeared in the target while the copy was starting; nothing was changed.")
        source_last_hash = _copy_rows(source, target, tables, report, echo)
        _reset_sequences(target, tables)
        by_name = {t.name: t for t in tables}
        for count in report.tables:
            count.target = _count(target, by_name[count.name])
        _check_files(target, report)
        _check_audit(target, source_last_hash, report)
        report.schema = _schema_version(target)
        if report.ok:
            tx.commit()
            report.committed = True
        else:
            tx.rollback()


def print_report(report: CopyReport) -> None:
    """Print the per-table summary and the verdict (problems on standard error)."""
    width = max(len(t.name) for t in report.tables)
    click.echo(f"{'table':<{width}}  {'source':>8}  {'target':>8}")
    for t in report.tables:
        target = "-" if t.target is None else t.target
        click.echo(f"{t.name:<{width}}  {t.source:>8}  {target:>8}  {'ok' if t.ok else 'MISMATCH'}")
    files_state = "every SHA-256 matches" if not report.bad_files else f"{len(report.bad_files)} do NOT match"
    click.echo(f"Stored files: {report.files} ({report.file_bytes / 1_048_576:.1f} MiB), {files_state}.")
    if report.audit_ok:
        click.echo(f"Audit log: {report.audit_checked} events verified, the chain ends where the source's does.")
    else:
        click.echo(f"Audit log: NOT intact on the target: {report.audit_problem}.")
    click.echo(f"Schema: {report.schema} (newest: {report.head}).")
    if report.ok:
        click.echo(f"Copy verified and committed: {report.rows} rows in {len(report.tables)} tables.")
        return
    for problem in report.problems:
        click.echo(f"MISMATCH: {problem}", err=True)
    click.echo("Copy NOT verified: rolled back; the target has the newest schema and no rows.", err=True)


def run(target_url: str) -> bool:
    """The copy-db command: copy, print the summary and verdict; return whether the copy was committed."""
    report = copy_database(target_url, lambda line: click.echo(line, err=True))
    print_report(report)
    return report.committed
