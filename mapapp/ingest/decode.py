"""Decoding uploaded text files: BOMs, UTF-8, Windows-1252, UTF-16, mixed files line by line,
and Excel's ``sep=`` first line."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from mapapp.model import DataError

#: Python codec -> the label shown to users.
ENCODING_LABELS = {
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16",
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, file: str) -> tuple[str, str]:
    """Decode an uploaded text file; returns ``(text, codec)``.

    Order: a BOM (UTF-8, UTF-16), then UTF-8, then Windows-1252 (what Excel writes on German
    Windows), then charset-normalizer's best guess. Zip/Excel archives and binary files are refused.

    Raises
    ------
    DataError
        Binary content, an archive, or no usable encoding (names the file).
    """
    if data.startswith(b"PK\x03\x04"):
        raise DataError(
            "die Datei ist ein Zip-/Excel-Archiv – als .xlsx speichern bzw. benennen", file=file
        )
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"ungültige {ENCODING_LABELS[codec]}-Kodierung: {exc.reason}", file=file
                ) from exc
    if b"\x00" in data:
        raise DataError("keine Textdatei (enthält Null-Bytes)", file=file)
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes  # only for the rare file in neither encoding

    best = from_bytes(data).best()
    if best is None:
        raise DataError(
            "Zeichenkodierung nicht erkannt (UTF-8 oder Windows-1252 erwartet)", file=file
        )
    return str(best), str(best.encoding)


@dataclass(frozen=True)
class Decoded:
    """An uploaded text file decoded; ``odd_lines`` were decoded with ``odd_codec`` because the
    rest of the file is in ``codec`` (a mostly UTF-8 file with a few Windows-1252 lines)."""

    text: str
    codec: str
    odd_lines: tuple[int, ...] = ()
    odd_codec: str | None = None

    @property
    def label(self) -> str:
        base = ENCODING_LABELS.get(self.codec, self.codec)
        if self.odd_lines and self.odd_codec:
            return f"{base} (+ {len(self.odd_lines)} Zeile(n) {ENCODING_LABELS[self.odd_codec]})"
        return base

    def notes(self) -> list[tuple[int, str]]:
        """``(line, message)`` for every line decoded differently from the rest (report these)."""
        if not self.odd_codec:
            return []
        other = ENCODING_LABELS.get(self.codec, self.codec)
        odd = ENCODING_LABELS[self.odd_codec]
        return [
            (n, f"Zeile als {odd} gelesen (die übrige Datei ist {other}) – Umlaute prüfen")
            for n in self.odd_lines
        ]


def decode_upload(data: bytes, file: str) -> Decoded:
    """Decode an uploaded text file like :func:`decode_text`, but never mangle a mixed file.

    A file that is not valid UTF-8 as a whole but has UTF-8 lines with umlauts (an export with
    a few lines pasted from a Windows program) is decoded line by line: every line as UTF-8
    where it is valid, else as Windows-1252; the lines of the minority encoding are listed in
    :attr:`Decoded.odd_lines` so importers warn about them.
    """
    text, codec = decode_text(data, file)
    if codec in ("utf-8", "utf-8-sig", "utf-16"):
        return Decoded(text, codec)
    lines = data.split(b"\n")
    utf8: set[int] = set()
    cp: list[int] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8.add(number)
        except UnicodeDecodeError:
            cp.append(number)
    if not utf8:
        return Decoded(text, codec)
    try:
        decoded = [
            line.decode("utf-8") if n in utf8 else line.decode("cp1252")
            for n, line in enumerate(lines, start=1)
        ]
    except UnicodeDecodeError:
        bad = next(n for n, line in enumerate(lines, start=1) if _undecodable(line))
        raise DataError(
            f"Zeile {bad} ist weder UTF-8 noch Windows-1252 (die Datei mischt Kodierungen) – "
            "bitte einheitlich als UTF-8 speichern",
            file=file,
            row=bad,
        ) from None
    text = "\n".join(decoded)
    if len(cp) <= len(utf8):
        return Decoded(text, "utf-8", tuple(cp), "cp1252")
    return Decoded(text, "cp1252", tuple(sorted(utf8)), "utf-8")


def _undecodable(line: bytes) -> bool:
    for codec in ("utf-8", "cp1252"):
        try:
            line.decode(codec)
            return False
        except UnicodeDecodeError:
            continue
    return True


_SEP_LINE = re.compile(r"sep=(.)\r?")


def split_sep_line(text: str) -> tuple[str, str | None, int]:
    """Excel's ``sep=;`` first line: ``(rest of the text, delimiter, lines removed)``.

    Excel hides this line, so the header it shows as row 1 is the second line of the file; the
    caller numbers the remaining lines from ``lines removed + 1``.
    """
    first, newline, rest = text.partition("\n")
    m = _SEP_LINE.fullmatch(first.lstrip("\ufeff").strip(" "))
    if m and newline:
        return rest, m.group(1), 1
    return text, None, 0
