"""The migrations bring an empty database to head and match the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect


def test_migrated_schema_matches_the_models(app):
    from vendorportal.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_every_table_exists_after_upgrade(app):
    from vendorportal.extensions import db

    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_downgrade_to_base_and_upgrade_again(tmp_path, monkeypatch):
    from flask_migrate import downgrade, upgrade

    from vendorportal import create_app
    from vendorportal.extensions import db

    monkeypatch.setenv("VENDORPORTAL_INSTANCE_PATH", str(tmp_path))
    other = create_app({"TESTING": True, "DATABASE_URL": "sqlite:///" + str(tmp_path / "m.sqlite3")})
    with other.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "contracts" in inspect(db.engine).get_table_names()
