"""What the migrations folder says: the newest schema revision and every revision it knows."""

from __future__ import annotations

from functools import lru_cache

from alembic.config import Config
from alembic.script import ScriptDirectory

from vendorportal.core.setup import MIGRATIONS


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


@lru_cache(maxsize=1)
def schema_head() -> str:
    """Return the newest revision (read once per process; the migrations do not change while it runs)."""
    return _scripts().get_current_head()


def known_revisions() -> set[str]:
    """Return every revision of the migrations."""
    return {rev.revision for rev in _scripts().walk_revisions()}
