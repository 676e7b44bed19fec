"""The base of every app: paths, layered configuration, the database and the extensions (no pages, no commands).

`vendorportal.app.create_app` builds the portal on it; copy-db builds a bare app on it for its target database.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from vendorportal.core import engines
from vendorportal.core.i18n import select_locale
from vendorportal.extensions import babel, csrf, db, login_manager, migrate

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent
TEMPLATES = ROOT / "templates"
MIGRATIONS = ROOT / "migrations"


class ConfigurationError(RuntimeError):
    """The portal cannot start with this configuration."""


def _instance_path() -> str:
    return os.environ.get("VENDORPORTAL_INSTANCE_PATH") or str(ROOT / "instance")


def _database_uri(app: Flask) -> str:
    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        return "sqlite:///" + str(Path(app.instance_path) / "vendorportal.sqlite3")
    url = str(url)
    # psycopg 3 is the driver we ship; accept the plain URLs people copy from their hosting.
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def _engine_options(app: Flask, uri: str) -> dict:
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {})
        options["connect_args"].setdefault("timeout", app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
        options["connect_args"].setdefault("check_same_thread", False)
    else:
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_recycle", 1800)
        options.setdefault("pool_size", app.config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", app.config["DB_MAX_OVERFLOW"])
    return options


def _load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_object("vendorportal.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("VENDORPORTAL")
    if test_config:
        app.config.update(test_config)
    if app.config.get("DEBUG") or app.config.get("TESTING"):
        app.config.setdefault("SECRET_KEY", None)
        if not app.config["SECRET_KEY"]:
            app.config["SECRET_KEY"] = os.urandom(32).hex()
    elif not app.config.get("SECRET_KEY"):
        raise ConfigurationError(
            "VendorPortal needs a secret key. Set VENDORPORTAL_SECRET_KEY, or put SECRET_KEY in "
            f"{Path(app.instance_path) / 'config.py'} (run `vendorportal init-instance` to create one)."
        )
    uri = _database_uri(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app, uri)


def base_app(test_config: dict | None = None) -> Flask:
    """Return an app with its configuration, database, migrations, CSRF, sign-in and translations bound."""
    instance_path = _instance_path()
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    app = Flask("vendorportal", template_folder=str(TEMPLATES), instance_path=instance_path,
                instance_relative_config=True, root_path=str(PACKAGE))
    _load_config(app, test_config)
    db.init_app(app)
    engines.configure_engines(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(PACKAGE / "translations"))
    return app
