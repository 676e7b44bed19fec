"""copy-db: the full demo (rows, stored files, audit chain) moves into an empty PostgreSQL database and reads back
the same there; a target that is not empty, not PostgreSQL or not only the portal's is refused untouched.

The source is the suite's database (SQLite, or PostgreSQL with VENDORPORTAL_TEST_DATABASE_URL); the target is a
fresh copydb_* database on that PostgreSQL server (or VENDORPORTAL_COPYDB_TEST_URL, default the local one), set
to a time zone other than UTC so naive SQLite timestamps would show up as a broken audit chain.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid

import pytest
from helpers import make_test_config
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from vendorportal import create_app

pytestmark = pytest.mark.postgres

SECRET = make_test_config("")["SECRET_KEY"]


def _server_url():
    base = (os.environ.get("VENDORPORTAL_TEST_DATABASE_URL") or os.environ.get("VENDORPORTAL_COPYDB_TEST_URL")
            or "postgresql://postgres@127.0.0.1:5432/postgres")
    url = make_url(base)
    return url.set(drivername="postgresql+psycopg") if url.drivername in ("postgresql", "postgres") else url


@pytest.fixture
def target_url():
    """A new, empty PostgreSQL database (copydb_<random>), dropped afterwards."""
    server = _server_url()
    name = f"copydb_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            conn.execute(text(f"ALTER DATABASE \"{name}\" SET timezone TO 'Asia/Tokyo'"))
    except OperationalError as err:
        admin.dispose()
        pytest.skip(f"no PostgreSQL server for the copy target: {err}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _copy(source_url: str, target: str) -> subprocess.CompletedProcess:
    """Run `vendorportal copy-db` as an operator would: configured by environment variables."""
    env = {**os.environ, "VENDORPORTAL_DATABASE_URL": source_url, "VENDORPORTAL_SECRET_KEY": SECRET}
    return subprocess.run([sys.executable, "-c", "from vendorportal.cli import cli; cli()", "copy-db", "--to", target],
                          env=env, capture_output=True, text=True, timeout=300, check=False)


def _last_month():
    from vendorportal.core.formatting import today
    from vendorportal.scorecards.domain import Month

    day = today()
    return Month(day.year, day.month).shift(-1)


def _seed(app) -> None:
    """The demo, plus one rendered pack so a PDF is among the stored files."""
    from vendorportal.core.audit import AuditActor
    from vendorportal.core.edge import unit_of_work
    from vendorportal.demo.services import seed_demo
    from vendorportal.extensions import db
    from vendorportal.packs import jobs as pack_jobs
    from vendorportal.packs import services as packs
    from vendorportal.vendors.models import Vendor

    with app.app_context():
        with unit_of_work(AuditActor.system("cli")) as session:
            assert seed_demo(session).created
            vendor_id = session.execute(select(Vendor.id).where(Vendor.code == "NWCS")).scalar_one()
            pack = packs.request_pack(session, None, {"kind": "vendor", "vendor_id": vendor_id,
                                                      "period": str(_last_month()), "language": "en"})
            pack_id = pack.id
        assert pack_jobs.render_pack(db.session, pack_id).status == "done"


def _snapshot(app) -> dict:
    """What the portal shows: every contract's scorecard, every pack's PDF, the audit verification, row counts."""
    from vendorportal.contracts.models import Contract
    from vendorportal.core.audit import verify_chain
    from vendorportal.extensions import db
    from vendorportal.packs.models import Pack
    from vendorportal.scorecards import services as scorecards

    with app.app_context():
        session = db.session
        month = _last_month()
        cards = {c.id: scorecards.to_dict(scorecards.build_scorecard(session, c, month))
                 for c in session.execute(select(Contract).order_by(Contract.id)).scalars()}
        packs = {p.id: (p.status, p.page_count, p.file.sha256, bytes(p.file.data))
                 for p in session.execute(select(Pack).order_by(Pack.id)).scalars()}
        chain = verify_chain(session)
        counts = {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in db.metadata.sorted_tables}
        session.rollback()
        return {"scorecards": cards, "packs": packs, "audit": (chain.ok, chain.checked), "counts": counts}


def test_copy_db_moves_the_demo_to_postgresql_and_the_portal_shows_the_same_there(app, database_url, target_url):
    _seed(app)
    before = _snapshot(app)
    assert before["audit"][0] and before["audit"][1] > 100 and before["packs"] and len(before["scorecards"]) == 5
    assert any(card["has_data"] for card in before["scorecards"].values())
    [(_status, _pages, sha, pdf)] = before["packs"].values()
    assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == sha

    copied = _copy(database_url, target_url)
    assert copied.returncode == 0, copied.stderr + copied.stdout
    assert "Copy verified and committed" in copied.stdout
    summary = {line.split()[0]: line.split()[1:] for line in copied.stdout.splitlines() if line.count(" ") > 2}
    assert {name: summary[name] for name in before["counts"]} == {
        name: [str(n), str(n), "ok"] for name, n in before["counts"].items()}
    assert "every SHA-256 matches" in copied.stdout and f"{before['audit'][1]} events verified" in copied.stdout

    target_app = create_app(make_test_config(target_url))
    try:
        assert _snapshot(target_app) == before  # the source is unchanged too: the copy wrote no audit event
        assert _snapshot(app) == before

        runner = target_app.test_cli_runner()
        verified = runner.invoke(args=["verify-audit"])
        assert verified.exit_code == 0 and f"{before['audit'][1]} events verified" in verified.output

        # A second copy into the now non-empty target is refused and changes nothing.
        again = app.test_cli_runner().invoke(args=["copy-db", "--to", target_url])
        assert again.exit_code != 0 and "not empty" in again.output and "Nothing was changed" in again.output
        assert _snapshot(target_app) == before

        # The sequences follow the copied ids: the portal on the target signs in, writes and shows the same.
        from vendorportal.demo.services import DEMO_DOMAIN, DEMO_PASSWORD

        client = target_app.test_client()
        response = client.post("/login", data={"email": f"manager@{DEMO_DOMAIN}", "password": DEMO_PASSWORD})
        assert response.status_code == 302
        pack_id = next(iter(before["packs"]))
        assert client.get(f"/packs/{pack_id}/pdf").data == pdf
        contract_id = next(cid for cid, card in before["scorecards"].items() if card["has_data"])
        page = client.get(f"/contracts/{contract_id}/scorecard?period={before['scorecards'][contract_id]['period']}")
        assert page.status_code == 200
        after = _snapshot(target_app)
        assert after["scorecards"] == before["scorecards"] and after["audit"][0]
        assert after["audit"][1] > before["audit"][1]  # the sign-in and download were audited with fresh ids
    finally:
        from vendorportal.extensions import db

        with target_app.app_context():
            db.engine.dispose()


def test_copy_db_refuses_targets_it_must_not_write_to(app, runner, database_url, target_url):
    not_pg = runner.invoke(args=["copy-db", "--to", "sqlite:///elsewhere.sqlite3"])
    assert not_pg.exit_code != 0 and "PostgreSQL" in not_pg.output
    if database_url.startswith("postgresql"):
        itself = runner.invoke(args=["copy-db", "--to", database_url])
        assert itself.exit_code != 0 and "using now" in itself.output

    engine = create_engine(make_url(target_url).set(drivername="postgresql+psycopg"))
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE invoices (id integer PRIMARY KEY)"))
        foreign = runner.invoke(args=["copy-db", "--to", target_url])
        assert foreign.exit_code != 0 and "not the portal's (invoices)" in foreign.output
        with engine.connect() as conn:  # nothing was created beside the stranger's table
            names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        assert names == ["invoices"]
    finally:
        engine.dispose()
