"""Is the shared store database usable? The checks of ``mapapp doctor`` for a PostgreSQL store
(``MAPAPP_DATABASE_URL``): the server answers, the schema is at the code's migration head, and
PostGIS is installed in the database (its spatial queries and the offers' points need it).

Each check is ``(what, problem or None)``; nothing here changes the database (``mapapp db init``
migrates).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import exc

from mapapp.model import DataError
from mapapp.store import engine as db
from mapapp.store.migrate import HEAD, current_revision

REACHABLE = "erreichbar"
MIGRATED = "Schema aktuell"
POSTGIS = "PostGIS"


def check_database(url: str | sa.URL) -> list[tuple[str, str | None]]:
    """The checks of the database at ``url`` in order; after an unreachable server the others
    are not tried."""
    parsed = db.normalise_url(url)
    engine = db.engine_for(parsed)
    try:
        with db.read(engine) as conn:
            revision = current_revision(conn)
            postgis = None
            if engine.dialect.name == "postgresql":
                postgis = conn.execute(
                    sa.text("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
                ).scalar()
    except DataError as error:
        return [(REACHABLE, error.message)]
    except exc.DBAPIError as error:  # e.g. wrong password: not a translated sentence
        first = (str(error.orig).strip().splitlines() or [type(error.orig).__name__])[0]
        return [(REACHABLE, first)]
    checks: list[tuple[str, str | None]] = [(REACHABLE, None)]
    if revision == HEAD:
        checks.append((MIGRATED, None))
    else:
        have = "leer" if revision is None else f"Stand {revision}"
        checks.append((MIGRATED, f"{have}, die App braucht {HEAD} – 'mapapp db init' ausführen"))
    if engine.dialect.name == "postgresql":
        checks.append(
            (
                POSTGIS,
                None
                if postgis
                else "fehlt – als Administrator 'CREATE EXTENSION postgis;' in der Datenbank "
                "ausführen, dann 'mapapp db init'",
            )
        )
    return checks
