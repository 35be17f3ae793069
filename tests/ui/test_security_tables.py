"""Formula injection through Streamlit's table toolbar ("Download as CSV", copy to clipboard).

Every table widget gets a frame whose text cells are neutralised (``'=HYPERLINK(…)``); numbers
stay numbers. Pages never call ``st.dataframe``/``st.table``/``st.data_editor`` themselves.
"""

from __future__ import annotations

import ast
import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from mapapp.config import REPO_ROOT
from mapapp.io.tabular import FORMULA_PREFIXES
from mapapp.ui.tables import table_frame
from tests.fixtures.payloads import PAYLOADS

HYPERLINK = '=HYPERLINK("http://127.0.0.1:9";"Details")'
WEBSERVICE = '=WEBSERVICE("http://127.0.0.1:9")'
FORMULAS = [p for p in PAYLOADS if p.startswith(FORMULA_PREFIXES)]
UI_DIR = REPO_ROOT / "mapapp" / "ui"
TABLE_WIDGETS = {"dataframe", "table", "data_editor"}


def _text_cells(frame: pd.DataFrame) -> list[str]:
    cells = [str(c) for c in frame.columns]
    for col in frame.columns:
        cells += [v for v in frame[col] if isinstance(v, str)]
    return cells


def test_table_frame_neutralises_text_and_keeps_numbers() -> None:
    assert len(FORMULAS) >= 5
    frame = pd.DataFrame(
        {
            "name": FORMULAS,
            "kind": pd.Categorical([HYPERLINK] + ["ok"] * (len(FORMULAS) - 1)),
            "amount_eur": [-1.5] + [float(i) for i in range(1, len(FORMULAS))],
            "n": list(range(len(FORMULAS))),
        },
        index=pd.Index([WEBSERVICE] + ["x"] * (len(FORMULAS) - 1)),
    )
    out = table_frame(frame)
    assert list(out["name"]) == ["'" + p for p in FORMULAS]
    assert out["kind"].iloc[0] == "'" + HYPERLINK and out["kind"].iloc[1] == "ok"
    assert out.index[0] == "'" + WEBSERVICE
    assert pd.api.types.is_float_dtype(out["amount_eur"]) and out["amount_eur"].iloc[0] == -1.5
    assert pd.api.types.is_integer_dtype(out["n"])
    assert not any(c.startswith(FORMULA_PREFIXES) for c in _text_cells(out))
    assert frame["name"].iloc[0] == FORMULAS[0]  # the caller's frame is not changed


def _table_calls(path: Path) -> list[int]:
    """Lines of ``<anything>.dataframe(…)``/``.table(…)``/``.data_editor(…)`` calls."""
    tree = ast.parse(path.read_text("utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in TABLE_WIDGETS
    ]


def test_only_the_table_helper_calls_table_widgets() -> None:
    files = [*UI_DIR.rglob("*.py"), REPO_ROOT / "streamlit_app.py"]
    offenders = {
        str(p.relative_to(REPO_ROOT)): lines
        for p in files
        if p.name != "tables.py" and (lines := _table_calls(p))
    }
    assert offenders == {}
    assert _table_calls(UI_DIR / "tables.py")  # the helper itself is found by the scan


# -- page level: the Förderkarte table with formulas in an imported funding list --------------


def _foerderkarte() -> None:
    from mapapp.ui.pages import foerderkarte

    foerderkarte.render()


@pytest.fixture
def formula_registry_dir(
    real_data_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The real data dir with an imported funding list whose texts are formulas."""
    data_dir = tmp_path / "data"
    shutil.copytree(real_data_cache, data_dir)
    source = REPO_ROOT / "geodata" / "reference" / "kommin_funding_documented.csv"
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["project_title"] = HYPERLINK
        row["source_url"] = WEBSERVICE
    rows[0]["amount_eur"] = "12345"
    target = data_dir / "store" / "funding_registry.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(data_dir))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    return data_dir


@pytest.mark.data
def test_foerderkarte_table_gets_neutralised_cells(formula_registry_dir: Path) -> None:
    at = AppTest.from_function(_foerderkarte, default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    tables = [df.value for df in at.dataframe]
    funded = next(f for f in tables if "projects" in f.columns)
    assert len(funded) > 0
    assert set(funded["projects"]) == {"'" + HYPERLINK}
    # a formula is no http(s) link: the stored list keeps it as evidence text, not as a source
    assert set(funded["sources"]) == {""}
    for frame in tables:
        assert not any(c.startswith(FORMULA_PREFIXES) for c in _text_cells(frame))
    # numbers stay numbers
    assert pd.api.types.is_numeric_dtype(funded["amount_eur"])
    assert 12345.0 in set(funded["amount_eur"].dropna())
    assert pd.api.types.is_integer_dtype(funded["n_projects"])
    # the imported list is named by its file name, without the server's folders
    texts = [m.value for m in at.markdown]
    assert any("importierte Förderliste** (funding\\_registry\\.csv)" in v for v in texts)
    assert not any(str(formula_registry_dir) in v for v in texts)
