"""Open Referral HSDS 3.x export of offers: the tables organization, service, location,
service_at_location, address, phone, schedule and language as a tabular data package (one CSV
per table + ``datapackage.json``), in the columns of :data:`mapapp.ingest.hsds.COLUMNS`.

One offer = one service at one location. HSDS ids are UUIDs: version-5 UUIDs of the offer id (the
same offer gets the same ids in every export); the offer id itself is ``service.komm_in_id``.
Our fields HSDS has no place for are ``komm_in_*`` columns (declared in the descriptor). CSVs are
plain RFC 4180 (UTF-8, ``,``) with text cells neutralised against spreadsheet formulas
(:mod:`mapapp.io.tabular`; the importer reads them back as written). Every file is written
atomically.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from mapapp.ingest.hsds import COLUMNS, DESCRIPTOR, EXT
from mapapp.io.atomic import write_text
from mapapp.io.tabular import to_safe_csv
from mapapp.offers_model import Accessibility, Offer

#: Namespace of our HSDS UUIDs (uuid5 of ``"<table>:<offer id>"``).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://komm-in-nrw.invalid/hsds")
HSDS_VERSION = "3.0"
STATE = "Nordrhein-Westfalen"

_NUMBERS = {"latitude", "longitude", f"{EXT}capacity"}


def hsds_id(kind: str, key: str) -> str:
    """The stable UUID of one row (``kind`` = table, ``key`` = offer id or organization name)."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _service(o: Offer, sid: str) -> dict[str, Any]:
    return {
        "id": sid,
        "organization_id": hsds_id("organization", o.provider) if o.provider else None,
        "name": o.name,
        "description": o.note,
        "url": o.website,
        "email": o.email,
        "status": "active",
        "assured_date": o.last_verified.isoformat() if o.last_verified else None,
        f"{EXT}id": o.id,
        f"{EXT}category": o.category.value,
        f"{EXT}category_original": o.category_original,
        f"{EXT}target_groups": ";".join(t.value for t in o.target_groups) or None,
        f"{EXT}appointment_only": _yes_no(getattr(o, "appointment_only", None)),
        f"{EXT}capacity": o.capacity,
        f"{EXT}capacity_unit": o.capacity_unit.value if o.capacity_unit else None,
        f"{EXT}source": o.source,
        f"{EXT}source_date": o.source_date,
    }


def _location(o: Offer, lid: str) -> dict[str, Any]:
    return {
        "id": lid,
        "location_type": "physical",
        "name": o.name,
        "latitude": o.lat,
        "longitude": o.lon,
        f"{EXT}precision": o.precision.value,
        f"{EXT}coord_source": o.coord_source.value,
        f"{EXT}ags": o.ags,
        f"{EXT}kreis_ags": o.kreis_ags,
        f"{EXT}barrier_free": o.barrier_free.value
        if o.barrier_free is not Accessibility.UNKNOWN
        else None,
    }


def hsds_tables(offers: Sequence[Offer]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table (:data:`mapapp.ingest.hsds.COLUMNS`) for ``offers``."""
    t: dict[str, list[dict[str, Any]]] = {name: [] for name in COLUMNS}
    providers = sorted({o.provider for o in offers if o.provider})
    t["organization"] = [
        {"id": hsds_id("organization", p), "name": p, "description": ""} for p in providers
    ]
    for o in offers:
        sid, lid = hsds_id("service", o.id), hsds_id("location", o.id)
        t["service"].append(_service(o, sid))
        t["location"].append(_location(o, lid))
        t["service_at_location"].append(
            {"id": hsds_id("service_at_location", o.id), "service_id": sid, "location_id": lid}
        )
        if o.street or o.postcode or o.city:
            t["address"].append(
                {
                    "id": hsds_id("address", o.id), "location_id": lid, "address_1": o.street,
                    "city": o.city, "state_province": STATE, "postal_code": o.postcode,
                    "country": "DE", "address_type": "physical",
                }
            )  # fmt: skip
        if o.phone:
            t["phone"].append({"id": hsds_id("phone", o.id), "service_id": sid, "number": o.phone})
        if o.opening_hours:
            t["schedule"].append(
                {"id": hsds_id("schedule", o.id), "service_id": sid, "description": o.opening_hours}
            )
        for code in o.languages:
            t["language"].append(
                {"id": hsds_id(f"language:{code}", o.id), "service_id": sid, "code": code}
            )
    return t


def _field_type(name: str) -> str:
    return "number" if name in _NUMBERS else "string"


def descriptor(attribution: str) -> dict[str, Any]:
    """``datapackage.json``: a tabular data package, one resource per table with its schema
    (primary key ``id``, foreign keys to service, location and organization)."""
    resources = []
    for name, columns in COLUMNS.items():
        fields = [{"name": c, "type": _field_type(c)} for c in columns]
        foreign = [
            {"fields": col, "reference": {"resource": target, "fields": "id"}}
            for col, target in (
                ("service_id", "service"),
                ("location_id", "location"),
                ("organization_id", "organization"),
            )
            if col in columns
        ]
        schema: dict[str, Any] = {"fields": fields, "primaryKey": ["id"]}
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "komm-in-nrw-offers-hsds",
        "title": "KOMM-IN NRW: Integrationsangebote (Open Referral HSDS 3.0)",
        "description": f"HSDS {HSDS_VERSION}; eigene Felder: {EXT}*. Quellen: {attribution}",
        "resources": resources,
    }


def write_hsds(offers: Sequence[Offer], folder: str | Path, attribution: str) -> list[Path]:
    """Write the package into ``folder`` (created; files replaced atomically); returns the files."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in hsds_tables(offers).items():
        frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS[name]))
        frame = frame.astype(object).where(frame.notna(), None)
        written.append(write_text(target / f"{name}.csv", to_safe_csv(frame)))
    text = json.dumps(descriptor(attribution), ensure_ascii=False, indent=2)
    written.append(write_text(target / DESCRIPTOR, text + "\n"))
    return written
