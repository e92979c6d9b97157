"""`pip install ./clients/python` installs a typed package that needs only httpx and msgspec."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

PROJECT = Path(__file__).parents[1]


def test_the_project_builds_a_wheel_with_the_package_its_type_marker_and_two_dependencies(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy: building writes build/ and egg-info beside the sources
    shutil.copytree(PROJECT, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("workflow_orders_client-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [metadata_name] = [name for name in names if name.endswith(".dist-info/METADATA")]
        metadata = archive.read(metadata_name).decode()
    sources = {path.relative_to(PROJECT / "src").as_posix() for path in (PROJECT / "src").rglob("*.py")}
    assert sources <= names
    assert "workflow_orders_client/py.typed" in names
    assert "Name: workflow-orders-client" in metadata
    required = {
        Requirement(line.removeprefix("Requires-Dist: ")).name
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist: ")
    }
    assert required == {"httpx", "msgspec"}
