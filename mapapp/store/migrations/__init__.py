"""Alembic migrations of the store database (run by :func:`mapapp.store.migrate.upgrade`)."""
