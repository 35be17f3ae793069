"""Create or migrate the store database with Alembic (programmatically, no ini file, no server
needed for SQLite).

:func:`ensure_schema` runs on every store open: one cheap look at ``alembic_version``; only when it
is not :data:`HEAD` are the migrations imported and run, inside one write transaction (SQLite:
``BEGIN IMMEDIATE``; PostgreSQL: the writers' advisory lock), so two processes opening a new
database at once migrate it once. ``mapapp db init`` calls the same function.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from mapapp.store import engine as db

#: The newest revision in ``migrations/versions`` (a test compares it with Alembic's head).
HEAD = "0003"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def current_revision(conn: sa.Connection) -> str | None:
    """The stored revision, ``None`` for an empty database or a store from before migrations."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(sa.text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def _alembic_config(conn: sa.Connection):  # type: ignore[no-untyped-def]  # alembic is untyped here
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    return config


def ensure_schema(engine: sa.Engine) -> tuple[str | None, str]:
    """Bring the database to :data:`HEAD`; returns ``(revision before, revision now)``."""
    with db.read(engine) as conn:
        before = current_revision(conn)
    if before == HEAD:
        return before, HEAD
    from alembic import command

    with db.write(engine) as conn:
        before = current_revision(conn)  # another process may have migrated meanwhile
        if before != HEAD:
            command.upgrade(_alembic_config(conn), "head")
    return before, HEAD


def alembic_head() -> str:
    """The head revision as Alembic reads it from the scripts (tests)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    return str(head)
