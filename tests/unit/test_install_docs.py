"""The README documents the runtime install on its own, and that install holds no development tool."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEVELOPMENT_TOOLS = ("pytest", "ruff", "mypy", "moto", "import-linter", "hypothesis", "schemathesis")


def _requirement_name(requirement: str) -> str:
    for separator in "<>=!~;[ ":
        requirement = requirement.split(separator, 1)[0]
    return requirement.lower()


def test_the_readme_gives_the_runtime_install_beside_the_development_install() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e '.[dev]'" in readme
    assert "`pip install .`" in readme


def test_the_runtime_install_holds_no_development_tool() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_requirement_name(requirement) for requirement in project["dependencies"]}
    development = {_requirement_name(requirement) for requirement in project["optional-dependencies"]["dev"]}
    assert not runtime & set(DEVELOPMENT_TOOLS)
    assert {"pytest", "ruff", "mypy"} <= development
