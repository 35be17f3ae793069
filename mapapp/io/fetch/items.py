"""What can be fetched: the official sources and the mirror-only files, by key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mapapp import config
from mapapp.io.fetch.errors import FetchError

#: Boundary products ``--boundaries`` accepts (keys of :data:`mapapp.config.SOURCES`).
BOUNDARY_PRODUCTS: tuple[str, ...] = ("vg250", "vg5000")
FILE_SUFFIXES = (".zip", ".xlsx", ".csv", ".pbf")


@dataclass(frozen=True)
class FetchItem:
    """One file the app can use.

    ``url`` is the official download URL, ``None`` for files that only come from a mirror.
    ``kind`` is ``"zip"``, ``"xlsx"``, ``"csv"`` or ``"pbf"`` and selects the integrity check.
    """

    key: str
    title: str
    subdir: str
    filename: str
    kind: str
    url: str | None

    @property
    def mirror_only(self) -> bool:
        return self.url is None

    @property
    def relpath(self) -> str:
        return f"{self.subdir}/{self.filename}"


def known_items() -> dict[str, FetchItem]:
    """All fetchable files by key: :data:`config.SOURCES` plus :data:`config.MIRROR_ONLY_FILES`."""
    items = {
        key: FetchItem(key, src.title, src.subdir, src.filename, src.kind, src.url)
        for key, src in config.SOURCES.items()
    }
    for key, (subdir, filename) in config.MIRROR_ONLY_FILES.items():
        items[key] = FetchItem(key, filename, subdir, filename, kind_of(filename), None)
    return items


#: Keys fetched when ``only`` is not given (plus the boundary product).
DEFAULT_KEYS: tuple[str, ...] = ("gvisys", *config.MIRROR_ONLY_FILES)


def kind_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in FILE_SUFFIXES:
        return suffix[1:]
    raise FetchError(f"Unbekannter Dateityp '{name}' (erwartet .zip, .xlsx, .csv oder .osm.pbf).")


def item_for_filename(name: str) -> FetchItem:
    """Which known item a file with this name is (for direct file URLs/paths)."""
    lower = name.lower()
    items = known_items()
    for product in sorted(BOUNDARY_PRODUCTS, key=len, reverse=True):
        if lower.startswith(product) and lower.endswith(".zip"):
            return with_filename(items[product], name)
    if lower.endswith("_auszug_gv.xlsx"):
        return with_filename(items["gvisys"], name)
    if lower.endswith(".osm.pbf"):  # any OpenStreetMap extract (NRW or a Regierungsbezirk)
        return with_filename(items["osm"], name)
    for item in items.values():
        if item.filename.lower() == lower:
            return item
    raise FetchError(
        f"'{name}' ist keine bekannte Datei (erwartet vg250*/vg5000*.zip, *_Auszug_GV.xlsx, "
        "*.osm.pbf "
        f"oder {', '.join(sorted(i.filename for i in items.values() if i.key not in BOUNDARY_PRODUCTS))})."
    )


def with_filename(item: FetchItem, filename: str) -> FetchItem:
    return FetchItem(item.key, item.title, item.subdir, filename, item.kind, item.url)
