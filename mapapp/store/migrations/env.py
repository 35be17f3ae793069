"""Alembic environment: runs on the connection :func:`mapapp.store.migrate.upgrade` passes in
``config.attributes["connection"]`` (inside its write transaction), never from an ini file."""

from __future__ import annotations

from alembic import context

from mapapp.store.schema import METADATA

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=METADATA, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
