"""Versorgungslücken in a real browser on the SYNTHETIC toy world with the SYNTHETIC street lattice
of :func:`tests.fixtures.osm_world.toy_world_streets_xml` (walking network built), with its own
Streamlit server: switching between the straight line and a network mode changes the name the
measure dropdown shows (the value stays "nearest", only its name changes; the browser must get
the new name) and the page's intro names straight lines or the mode's travel times."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mapapp.config import get_settings
from mapapp.services.network import build_network, network_folder
from tests.browser.conftest import EXTERNAL, TIMEOUT_MS
from tests.browser.harness import ServerError, StreamlitServer, start_streamlit, wait_healthy
from tests.fixtures.osm_world import write_toy_world_streets
from tests.fixtures.toy_files import ToyData

pytestmark = pytest.mark.browser

LINE_NAME = "Entfernung zum nächsten Angebot (km, Luftlinie)"
WALK_NAME = "Reisezeit zum nächsten Angebot (Minuten, Straßennetz)"
LINE_INTRO = "Luftlinienentfernungen auf einem Bevölkerungsraster"
WALK_INTRO = "Reisezeiten zu Fuß auf dem Straßennetz aus OpenStreetMap"


@pytest.fixture
def walk_server(toy_data_dir: ToyData, tmp_path: Path) -> Iterator[StreamlitServer]:
    settings = get_settings()
    osm = write_toy_world_streets(settings.osm_dir)
    build_network(osm, "walk", network_folder(settings, "walk"))
    server = start_streamlit(toy_data_dir.data_dir, tmp_path / "streamlit.log")
    try:
        try:
            wait_healthy(server)
        except ServerError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield server
    finally:
        server.stop()


def test_mode_switch_renames_the_measure_and_the_intro(browser, walk_server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    context.set_default_timeout(TIMEOUT_MS)
    context.route(EXTERNAL, lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(walk_server.url + "/versorgungsluecken", wait_until="domcontentloaded")
        measure = page.get_by_role("combobox", name="Kennzahl")
        intro = page.locator("[data-testid='stCaptionContainer']").first
        modes = page.get_by_role("radiogroup", name=re.compile("^Entfernung"))
        expect(measure).to_have_value(LINE_NAME)
        expect(intro).to_contain_text(LINE_INTRO)

        modes.get_by_text("zu Fuß", exact=True).click()
        expect(page.get_by_text(re.compile(r"^Anteil über 30 Min\. zu Fuß$"))).to_be_visible()
        expect(measure).to_have_value(WALK_NAME)
        expect(intro).to_contain_text(WALK_INTRO)
        expect(intro).not_to_contain_text("Luftlinie")

        modes.get_by_text("Luftlinie", exact=True).click()
        expect(page.get_by_text(re.compile(r"^Anteil weiter als 10 km$"))).to_be_visible()
        expect(measure).to_have_value(LINE_NAME)
        expect(intro).to_contain_text(LINE_INTRO)

        # another measure keeps its name and stays chosen across a switch
        measure.click()
        page.get_by_role("option", name="Anteil weiter als die Schwelle (%)").click()
        chosen = measure.input_value()
        assert chosen != LINE_NAME
        modes.get_by_text("zu Fuß", exact=True).click()
        expect(intro).to_contain_text(WALK_INTRO)
        expect(measure).to_have_value(chosen)
    finally:
        context.close()
