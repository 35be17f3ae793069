"""environment.yml and pyproject.toml declare the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"matplotlib-base": "matplotlib", "h3-py": "h3", "pyosmium": "osmium"}


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = {_name(d) for d in project["dependencies"]}
    wanted |= {_name(d) for d in project["optional-dependencies"]["dev"]}
    conda = set()
    text = (ROOT / "environment.yml").read_text("utf-8")
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"\s+-\s+([A-Za-z0-9_.\-]+)", line)
        if m and not line.strip().startswith("#"):
            name = _name(m.group(1))
            conda.add(CONDA_NAMES.get(name, name))
    conda -= {"python", "pip"}
    assert wanted == conda
