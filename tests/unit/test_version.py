"""One version for the package and the HTTP contract, and a command that says it."""

import json
import platform
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

COMMITTED_OPENAPI = Path(__file__).parents[2] / "openapi.json"


def test_the_installed_package_has_the_version_of_the_contract_it_serves():
    contract_version = json.loads(COMMITTED_OPENAPI.read_text())["info"]["version"]

    assert version("workflow-orders") == contract_version


def test_the_command_prints_its_version_the_contract_and_python_and_exits_0():
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "--version"], capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0
    assert done.stdout.strip() == (
        f"workflow-orders {version('workflow-orders')} (HTTP API {version('workflow-orders')}, "
        f"Python {platform.python_version()})"
    )
