"""Open Referral HSDS export and import of offers (SYNTHETIC toy world).

The round trip writes the store's offers (plus two with every field filled, one known only by
its Kreis) with ``mapapp offers export --format hsds``, checks the package with frictionless and
reads it back with ``mapapp offers import``; every field must come back as it was.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import pytest
from frictionless import Package

from mapapp.cli import main
from mapapp.config import get_settings
from mapapp.ingest import hsds as ingest_hsds
from mapapp.io import tabular
from mapapp.io.hsds import hsds_tables, write_hsds
from mapapp.io.hsds_import import zip_folder
from mapapp.io.offers import parse_offers
from mapapp.model import DataError, OfferCategory
from mapapp.offers_model import (
    Accessibility,
    CapacityUnit,
    CoordSource,
    Offer,
    Precision,
    TargetGroup,
)
from mapapp.services.offers import geo_context, open_store
from tests.fixtures.toy_files import ToyData
from tests.fixtures.toy_world import lonlat

README = Path(__file__).resolve().parents[2] / "README.md"


def _rich_offers(template: Offer) -> list[Offer]:
    full = replace(
        template,
        id="toy-hsds-full",
        name="SYNTHETIC Beratung =1+1",
        category=OfferCategory.MBE,
        provider="SYNTHETIC Träger e. V.",
        street="Lindenweg 2",
        postcode="50904",
        city="Betadorf",
        languages=("ar", "de", "uk"),
        target_groups=(TargetGroup.FAMILIES, TargetGroup.WOMEN),
        opening_hours="Mo-Fr 09:00-12:00; Th 14:00-18:00",
        appointment_only=True,
        phone="+49 2222 123456",
        email="beratung@example.org",
        website="https://example.org/beratung",
        barrier_free=Accessibility.YES,
        capacity=12.5,
        capacity_unit=CapacityUnit.COUNSELLOR_HOURS,
        source="-SYNTHETIC Quelle",
        source_date="2024-05",
        last_verified=date(2024, 6, 30),
        note='SYNTHETIC: Hinweis mit "Anführungszeichen", Komma\nund Zeilenumbruch',
        category_original="MBE (Erwachsene)",
        precision=Precision.STREET,
        coord_source=CoordSource.GEOCODER,
    )
    kreis_only = Offer(
        id="toy-hsds-kreis",
        name="SYNTHETIC Angebot im Südkreis",
        category=OfferCategory.SONSTIGES,
        lon=None,
        lat=None,
        precision=Precision.KREIS_AREA,
        coord_source=CoordSource.BOUNDARY,
        kreis_ags="05902",
        provider="SYNTHETIC Träger e. V.",
        source="SYNTHETIC Liste",
        appointment_only=False,
    )
    return [full, kreis_only]


@pytest.fixture
def rich_store(toy_data_dir: ToyData) -> list[Offer]:
    store = open_store(get_settings())
    template = next(o for o in store.all() if o.precision is Precision.ADDRESS)
    store.upsert(_rich_offers(template))
    return store.all()


def _by_id(offers: list[Offer]) -> dict[str, Offer]:
    return {o.id: o for o in offers}


def test_round_trip_gives_the_same_offers(rich_store: list[Offer], tmp_path: Path) -> None:
    out = tmp_path / "hsds"
    assert main(["offers", "export", "--format", "hsds", "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {f"{t}.csv" for t in ingest_hsds.COLUMNS} | {"datapackage.json"}

    # the package is a valid tabular data package (schemas, primary and foreign keys)
    report = Package(str(out / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    # formula-safe CSV on disk, read back as written
    with open(out / "phone.csv", encoding="utf-8") as fh:
        numbers = [r["number"] for r in csv.DictReader(fh)]
    assert "'+49 2222 123456" in numbers

    ctx = geo_context(get_settings(), online=False)
    result = parse_offers(zip_folder(out), out.name, ctx)
    assert result.report.rejected == [] and result.report.warnings == []
    got, want = _by_id(result.offers), _by_id(rich_store)
    assert got.keys() == want.keys()
    for oid, offer in want.items():
        for f in fields(Offer):
            assert getattr(got[oid], f.name) == getattr(offer, f.name), (oid, f.name)

    # and through the command (a folder, then a zip) into the store: nothing changes
    assert main(["offers", "import", str(out), "--offline", "--dry-run"]) == 0
    zipped = tmp_path / "hsds.zip"
    zipped.write_bytes(zip_folder(out))
    assert main(["offers", "import", str(zipped), "--offline"]) == 0
    assert _by_id(open_store(get_settings()).all()) == want


def _package(tables: dict[str, list[dict[str, str]]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, rows in tables.items():
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            zf.writestr(f"pkg/{name}.csv", text.getvalue())
        zf.writestr("pkg/datapackage.json", json.dumps({"name": "other", "resources": []}))
    return buf.getvalue()


def _foreign() -> dict[str, list[dict[str, str]]]:
    """SYNTHETIC package of another publisher: fields and tables we do not have, a structured
    schedule, one location only by its address."""
    lon, lat = lonlat(15.6, 15.8)
    return {
        "organization": [
            {"id": "org-1", "name": "SYNTHETIC Verein", "description": "x", "tax_id": "DE123"}
        ],
        "service": [
            {"id": "svc-1", "organization_id": "org-1", "name": "SYNTHETIC Sprachcafé",
             "description": "Offenes Café", "status": "active", "email": "cafe@example.org",
             "url": "https://example.org/cafe", "fees_description": "kostenlos",
             "assured_date": "2024-03-01"},
            {"id": "svc-2", "organization_id": "org-1", "name": "SYNTHETIC Beratung",
             "description": "", "status": "active", "email": "", "url": "",
             "fees_description": "", "assured_date": ""},
        ],
        "location": [
            {"id": "loc-1", "location_type": "physical", "name": "Café", "latitude": str(lat),
             "longitude": str(lon), "description": "im Erdgeschoss"},
            {"id": "loc-2", "location_type": "physical", "name": "Rathaus", "latitude": "",
             "longitude": "", "description": ""},
        ],
        "service_at_location": [
            {"id": "sal-1", "service_id": "svc-1", "location_id": "loc-1"},
            {"id": "sal-2", "service_id": "svc-2", "location_id": "loc-2"},
        ],
        "address": [
            {"id": "adr-2", "location_id": "loc-2", "address_1": "Rathausplatz 3",
             "address_2": "Zimmer 4", "city": "Gammastadt", "postal_code": "50908",
             "state_province": "NRW", "country": "DE", "address_type": "physical"},
        ],
        "schedule": [
            {"id": "sch-1", "service_id": "svc-1", "freq": "WEEKLY", "byday": "MO,WE",
             "opens_at": "09:00", "closes_at": "12:00", "description": ""},
        ],
        "language": [
            {"id": "lan-1", "service_id": "svc-1", "code": "ar", "name": "Arabic"},
            {"id": "lan-2", "service_id": "svc-1", "code": "", "name": "Deutsch"},
        ],
        "contact": [{"id": "con-1", "service_id": "svc-1", "name": "SYNTHETIC Person"}],
    }  # fmt: skip


def test_a_foreign_package_imports_with_warnings(toy_data_dir: ToyData) -> None:
    ctx = geo_context(get_settings(), online=False)
    result = parse_offers(_package(_foreign()), "other.zip", ctx)
    rep = result.report
    assert rep.rejected == []
    offers = _by_id(result.offers)
    assert set(offers) == {"svc-1", "svc-2"}
    cafe, office = offers["svc-1"], offers["svc-2"]
    assert cafe.provider == "SYNTHETIC Verein" and cafe.note == "Offenes Café"
    assert cafe.languages == ("ar", "de") and cafe.opening_hours == "Mo,We 09:00-12:00"
    assert cafe.website == "https://example.org/cafe" and cafe.last_verified == date(2024, 3, 1)
    assert cafe.category is OfferCategory.SONSTIGES and cafe.precision is Precision.ADDRESS
    assert office.city == "Gammastadt" and office.ags == "05901008"
    assert office.precision is Precision.GEMEINDE_CENTRE  # offline: Gemeinde centre
    # fields we do not have: warnings naming file, row and field
    where = {(i.file, i.row, i.field) for i in rep.warnings}
    assert ("service.csv", 2, "fees_description") in where
    assert ("organization.csv", 2, "tax_id") in where
    assert ("location.csv", 2, "description") in where
    assert ("address.csv", 2, "address_2") in where
    assert ("contact.csv", None, None) in where
    assert not any(i.field == "fees_description" and i.row == 3 for i in rep.warnings)  # empty


def test_inactive_and_unlinked_services_are_rejected_rows(toy_data_dir: ToyData) -> None:
    tables = _foreign()
    tables["service"][1]["status"] = "defunct"
    tables["service"].append({**tables["service"][0], "id": "svc-3", "name": "ohne Ort"})
    ctx = geo_context(get_settings(), online=False)
    result = parse_offers(_package(tables), "other.zip", ctx)
    assert {o.id for o in result.offers} == {"svc-1"}
    reasons = {(i.file, i.row, i.field) for i in result.report.rejected}
    assert (None, 3, "status") in reasons
    assert ("service.csv", 4, "service_at_location") in reasons


@pytest.mark.parametrize(
    ("member", "why"),
    [("../service.csv", "unzulässiger Pfad"), ("/abs/service.csv", "unzulässiger Pfad")],
)
def test_unsafe_zips_are_refused(member: str, why: str) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(member, "id,name\n1,x\n")
    with pytest.raises(DataError, match=why):
        ingest_hsds.read_package(buf.getvalue(), "evil.zip")


def test_zip_limits_bytes_members_and_rows() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("service.csv", "id,name\n" + "a,b\n" * 5000)  # compresses well
    data = buf.getvalue()
    with pytest.raises(DataError, match="entpackt größer"):
        ingest_hsds.read_package(data, "bomb.zip", max_bytes=10_000)
    with pytest.raises(DataError, match="5000|Zeilen"):
        ingest_hsds.read_package(data, "many.zip", max_rows=100)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(ingest_hsds.MAX_MEMBERS + 1):
            zf.writestr(f"f{i}.txt", "")
    with pytest.raises(DataError, match="Einträge"):
        ingest_hsds.read_package(buf.getvalue(), "members.zip")


def test_quoted_prefixes_follow_the_writer() -> None:
    assert ingest_hsds.QUOTED_PREFIXES == tabular.FORMULA_PREFIXES
    assert ingest_hsds.unquote("'=1+1") == "=1+1" and ingest_hsds.unquote("'abc") == "'abc"


def test_every_offer_field_is_exported_and_documented(tmp_path: Path) -> None:
    """A new Offer field must get a place in the package and a line in the README mapping."""
    full = _rich_offers(
        Offer(
            "t",
            "n",
            OfferCategory.SONSTIGES,
            7.0,
            51.0,
            Precision.ADDRESS,
            CoordSource.FILE,
            ags="05901004",
            kreis_ags="05901",
        )  # fmt: skip
    )[0]
    tables = hsds_tables([full])
    cells = {str(v) for rows in tables.values() for r in rows for v in r.values() if v is not None}
    readme = README.read_text(encoding="utf-8")
    section = readme[readme.index("## Open Referral HSDS") :]
    for f in fields(Offer):
        value = getattr(full, f.name)
        assert value not in (None, (), ""), f.name
        assert f"`{f.name}`" in section, f"README mapping lacks {f.name}"
    assert "12.5" in cells and "2024-06-30" in cells and "counsellor_hours_per_week" in cells
    write_hsds([full], tmp_path, "SYNTHETIC")
    assert json.loads((tmp_path / "datapackage.json").read_text())["profile"] == (
        "tabular-data-package"
    )
