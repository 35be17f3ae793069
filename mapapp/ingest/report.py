"""One row-issue type and one JSON report layout for every import (offers, funding lists).

``ImportReport.to_dict()``::

    {"file": ..., "rows_read": n, "accepted": n,
     "rejected": [{"row", "field", "reason"}], "warnings": [{"row", "field", "message"}],
     "encoding": ..., "delimiter": ..., "columns": {field: column or [columns]},
     ...extra keys of the schema or the command (stored, inserted, dry_run, registry_path ...)}

``row`` is the row number a spreadsheet shows (header = 1; GeoJSON: feature number from 1);
``null`` for a remark about the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mapapp.model import DataError


@dataclass(frozen=True)
class RowIssue:
    """One problem in one row; ``field`` is the canonical field name (or a column name).

    ``file`` is where the row is when it is not just the file (``"liste.xlsx, Blatt '2006'"``);
    ``str()`` reads like a :class:`~mapapp.model.DataError`.
    """

    row: int | None
    field: str | None
    message: str
    file: str | None = None

    @classmethod
    def from_error(cls, exc: DataError) -> RowIssue:
        return cls(exc.row, exc.field, exc.message, exc.file)

    def __str__(self) -> str:
        return str(DataError(self.message, file=self.file, row=self.row, field=self.field))


@dataclass
class ImportReport:
    """Row-level outcome of reading one file (JSON layout in :meth:`to_dict`)."""

    file: str
    rows_read: int = 0
    accepted: int = 0
    rejected: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    #: canonical field -> the column (offers) or columns (funding lists) it was read from
    columns: dict[str, Any] = field(default_factory=dict)
    stored: bool = False
    inserted: int = 0
    updated: int = 0
    dry_run: bool = False
    #: further keys of the layout (e.g. ``rows_skipped``, ``sheet``, ``registry_path``)
    extra: dict[str, Any] = field(default_factory=dict)

    def reject(self, row: int | None, field_name: str | None, reason: str) -> None:
        self.rejected.append(RowIssue(row, field_name, reason))

    def warn(self, row: int | None, field_name: str | None, message: str) -> None:
        self.warnings.append(RowIssue(row, field_name, message))

    def reject_error(self, exc: DataError) -> None:
        self.rejected.append(RowIssue.from_error(exc))

    def warn_error(self, exc: DataError) -> None:
        self.warnings.append(RowIssue.from_error(exc))

    def to_dict(self) -> dict[str, Any]:
        """The one JSON layout (see the module docstring)."""
        out: dict[str, Any] = {
            "file": self.file,
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "rejected": [
                {"row": i.row, "field": i.field, "reason": i.message} for i in self.rejected
            ],
            "warnings": [
                {"row": i.row, "field": i.field, "message": i.message} for i in self.warnings
            ],
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "columns": {
                k: list(v) if isinstance(v, tuple | list) else v for k, v in self.columns.items()
            },
            "dry_run": self.dry_run,
            "stored": self.stored,
            "inserted": self.inserted,
            "updated": self.updated,
        }
        out.update(self.extra)
        return out


def unusable_report(file: str, exc: BaseException, *, dry_run: bool = False) -> dict[str, Any]:
    """The report of a file that could not be read at all (same layout, one ``error``)."""
    return {
        "file": file,
        "rows_read": 0,
        "accepted": 0,
        "rejected": [],
        "warnings": [],
        "error": str(exc),
        "unusable": True,
        "dry_run": dry_run,
        "stored": False,
    }
