"""Integrity checks of fetched files and the verified move into place."""

from __future__ import annotations

import zipfile
from pathlib import Path

from mapapp.io import atomic
from mapapp.io.fetch.errors import FetchError, IntegrityError, TruncatedDownloadError
from mapapp.io.fetch.manifest import StoredFile, sha256_of


def verify_file(path: Path, kind: str, *, expected_size: int | None = None) -> None:
    """Check that ``path`` is a complete, readable file of ``kind``.

    ``zip``/``xlsx``: :mod:`zipfile` opens it and ``testzip()`` finds no bad member (``xlsx`` must
    also hold ``[Content_Types].xml``); ``csv``: decodes as UTF-8 (or cp1252) and has a header line
    with a separator; ``pbf`` (OpenStreetMap): every block's header is whole, the first is the
    ``OSMHeader`` and the last block ends exactly at the end of the file (:func:`_verify_pbf`).
    ``expected_size`` in bytes, if given, must match exactly.

    Raises
    ------
    IntegrityError
        Describing what is wrong (``TruncatedDownloadError`` for a size mismatch).
    """
    size = path.stat().st_size
    if expected_size is not None and size != expected_size:
        raise TruncatedDownloadError(
            f"{path.name}: {size} Bytes statt {expected_size} – Datei unvollständig.", path=path
        )
    if size == 0:
        raise IntegrityError(f"{path.name} ist leer.", path=path)
    if kind in ("zip", "xlsx"):
        _verify_zip(path, kind)
    elif kind == "csv":
        _verify_csv(path)
    elif kind == "pbf":
        _verify_pbf(path)
    else:
        raise FetchError(f"Unbekannter Dateityp '{kind}' für {path.name}.", path=path)


def _verify_zip(path: Path, kind: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            names = zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise IntegrityError(
            f"{path.name} ist kein vollständiges Zip-Archiv ({exc}).", path=path
        ) from exc
    if bad is not None:
        raise IntegrityError(f"{path.name}: Eintrag '{bad}' ist beschädigt (CRC).", path=path)
    if not names:
        raise IntegrityError(f"{path.name} ist ein leeres Zip-Archiv.", path=path)
    if kind == "xlsx" and "[Content_Types].xml" not in names:
        raise IntegrityError(f"{path.name} ist keine Excel-Arbeitsmappe (xlsx).", path=path)


def _verify_csv(path: Path) -> None:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything; kept for clarity
        raise IntegrityError(f"{path.name} lässt sich nicht als Text lesen.", path=path)
    header = text.splitlines()[0] if text.strip() else ""
    if not header.strip() or not any(sep in header for sep in (",", ";", "\t")):
        raise IntegrityError(f"{path.name} hat keine CSV-Kopfzeile.", path=path)
    if "\x00" in text:
        raise IntegrityError(f"{path.name} enthält Binärdaten, keine CSV.", path=path)


#: Limits of the OSM PBF format: a block header is < 64 KiB, a block < 32 MiB.
_PBF_MAX_HEADER = 64 * 1024
_PBF_MAX_BLOB = 32 * 1024 * 1024


def _verify_pbf(path: Path) -> None:
    """Walk the blocks of an OSM PBF file without decoding them (a truncated file fails).

    Each block is a 4-byte big-endian length, a ``BlobHeader`` (protobuf: ``type`` field 1,
    ``datasize`` field 3) and ``datasize`` bytes of data.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        offset, first = 0, True
        while offset < size:
            head = fh.read(4)
            length = int.from_bytes(head, "big") if len(head) == 4 else -1
            if not 0 < length <= _PBF_MAX_HEADER or offset + 4 + length > size:
                raise IntegrityError(
                    f"{path.name} ist keine vollständige OSM-PBF-Datei (Block bei Byte {offset}).",
                    path=path,
                )
            kind, datasize = _pbf_blob_header(fh.read(length))
            if (first and kind != "OSMHeader") or kind not in ("OSMHeader", "OSMData"):
                raise IntegrityError(f"{path.name} ist keine OSM-PBF-Datei.", path=path)
            end = offset + 4 + length + datasize
            if not 0 < datasize <= _PBF_MAX_BLOB or end > size:
                raise IntegrityError(
                    f"{path.name}: OSM-PBF-Datei bricht mitten in einem Block ab "
                    f"(Byte {size} von mindestens {end}) – Datei unvollständig.",
                    path=path,
                )
            fh.seek(end)
            offset, first = end, False


def _pbf_blob_header(data: bytes) -> tuple[str, int]:
    """(``type``, ``datasize``) of a PBF ``BlobHeader``; ``("", 0)`` for what is none."""
    kind, datasize, pos = "", 0, 0
    try:
        while pos < len(data):
            key, pos = _varint(data, pos)
            field, wire = key >> 3, key & 7
            if wire == 0:
                value, pos = _varint(data, pos)
                if field == 3:
                    datasize = value
            elif wire == 2:
                length, pos = _varint(data, pos)
                if field == 1:
                    kind = data[pos : pos + length].decode("ascii")
                pos += length
            else:
                return "", 0
    except (IndexError, UnicodeDecodeError):
        return "", 0
    return kind, datasize


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            return value, pos
        shift += 7


def part_path(dest: Path) -> Path:
    """Hidden temp file next to ``dest`` (the loaders' ``vg*`` globs do not match it)."""
    return dest.with_name(f".{dest.name}.part")


def install_verified(
    part: Path, dest: Path, kind: str, source: str, expected_size: int | None
) -> StoredFile:
    """Verify ``part`` and move it to ``dest`` atomically; delete it when it is bad."""
    try:
        verify_file(part, kind, expected_size=expected_size)
        sha = sha256_of(part)
        size = part.stat().st_size
        atomic.install(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return StoredFile(dest, size, sha, source)
