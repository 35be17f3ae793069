"""mapapp.ingest.funding takes the uploaded bytes; a damaged stored registry is one sentence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mapapp.config import REPO_ROOT, Settings
from mapapp.ingest.funding import import_file
from mapapp.io.funding import imported_registry_path, read_registry_csv, save_registry
from mapapp.model import DataError

REFERENCE = REPO_ROOT / "geodata" / "reference"


@pytest.fixture(scope="module")
def status() -> pd.DataFrame:
    frame = pd.read_csv(REFERENCE / "nrw_municipal_status.csv", dtype=str, keep_default_na=False)
    frame["has_auslaenderbehoerde"] = frame["has_auslaenderbehoerde"].str.lower().eq("yes")
    return frame


def test_import_from_bytes_names_the_upload(status: pd.DataFrame) -> None:
    data = "Kommune;Jahr;Betrag\nBochum;06;3.000,- €\nKreis Unna;2005-07;\n".encode("cp1252")
    result = import_file(data, status, file="/irgendwo/bewilligungen.csv")
    assert result.ok and result.file == "bewilligungen.csv"
    assert result.registry is not None
    assert result.registry["funding_years"].tolist() == [(2006,), (2005, 2006, 2007)]
    report = result.to_dict()
    assert report["accepted"] == 2 and report["rejected"] == [] and report["delimiter"] == ";"
    bad = import_file(b"Kommune;Jahr\nGibtsnicht;2006\n", status, file="l.csv")
    assert [(e["row"], e["field"]) for e in bad.to_dict()["rejected"]] == [(2, "name")]


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01garbage\xff\xfe",
        b"ags,name,unit_type,funding_years\n05911000,Bochum,kreisfreie Stadt,20",
        b"nur,quatsch\n1,2\n",
        b'ags,name,unit_type,funding_years\n05911000,Bochum,kreisfreie Stadt,"2005\n',
    ],
)
def test_damaged_stored_registry_is_one_sentence_with_the_remedy(
    tmp_path: Path, status: pd.DataFrame, content: bytes
) -> None:
    settings = Settings(data_dir=tmp_path)
    path = imported_registry_path(settings)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        read_registry_csv(path, status)
    text = str(info.value)
    assert "\n" not in text and "funding_registry.csv" in text
    assert "mapapp funding reset" in text and "Sicherung" in text


def test_saved_registry_reads_back(tmp_path: Path, status: pd.DataFrame) -> None:
    settings = Settings(data_dir=tmp_path)
    documented = read_registry_csv(REFERENCE / "kommin_funding_documented.csv", status)
    path = save_registry(documented, settings)
    assert list(path.parent.glob(".*.tmp")) == []
    again = read_registry_csv(path, status)
    assert again["ags"].tolist() == documented["ags"].tolist()
