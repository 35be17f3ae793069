"""The one way pages show a table: text cells neutralised against spreadsheet formulas.

``st.dataframe`` has its own "Download as CSV" button and lets users copy cells to the
clipboard; both bypass :func:`mapapp.io.tabular.to_safe_csv`. So every frame is passed through
:func:`mapapp.io.tabular.safe_frame` *before* it reaches the widget: a text cell such as
``=HYPERLINK(…)`` is shown and exported as ``'=HYPERLINK(…)``; numbers stay numbers.
Pages never call ``st.dataframe``/``st.table``/``st.data_editor`` directly.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from mapapp.io.tabular import safe_frame


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the table widget gets it: text cells, categories, column names and a text
    index neutralised; numbers unchanged."""
    return safe_frame(frame)


def show_table(frame: pd.DataFrame, *, where: DeltaGenerator | None = None, **kwargs: Any) -> None:
    """``st.dataframe(frame, hide_index=True, **kwargs)`` on the neutralised frame.

    Parameters
    ----------
    where
        A container (column, tab, expander) to draw into; default: the current one.
    kwargs
        Passed on to ``st.dataframe`` (``column_config``, ``column_order``, ``hide_index``…).
    """
    kwargs.setdefault("hide_index", True)
    target = where if where is not None else st
    target.dataframe(table_frame(frame), **kwargs)
