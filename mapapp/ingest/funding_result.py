"""The outcome of importing one approval list: the registry (only when no row has an error) and
the report in the one layout of :mod:`mapapp.ingest.report`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mapapp.ingest.report import ImportReport, RowIssue


@dataclass
class ImportResult:
    """Outcome of importing one list.

    ``registry`` is the canonical registry when there are no errors, else ``None`` – nothing is
    half-imported. ``report`` is the one report layout (:mod:`mapapp.ingest.report`); its
    ``rejected`` are this list's errors.
    """

    file: str
    registry: pd.DataFrame | None
    report: ImportReport
    rows_skipped: int = 0
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[RowIssue]:
        return self.report.rejected

    @property
    def warnings(self) -> list[RowIssue]:
        return self.report.warnings

    @property
    def rows_read(self) -> int:
        return self.report.rows_read

    @property
    def columns(self) -> dict[str, tuple[str, ...]]:
        return self.report.columns

    @property
    def ok(self) -> bool:
        return not self.errors and self.registry is not None

    @property
    def accepted(self) -> int:
        return 0 if self.registry is None else len(self.registry)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (the one layout, plus ``ok``, ``rows_skipped``, ``sheet``, ``header_row``)."""
        self.report.accepted = self.accepted
        self.report.extra.update(ok=self.ok, rows_skipped=self.rows_skipped)
        for key in ("sheet", "header_row"):
            if key in self.info:
                self.report.extra[key] = self.info[key]
        return self.report.to_dict()


__all__ = ["ImportResult"]
