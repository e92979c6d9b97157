"""The Dockerfile, read as instructions (no Docker engine here): stages, user, command, port, context,
and the lock file the image installs its dependencies from."""

import fnmatch
import json
import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from app.cli import _parser

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
LOCK = ROOT / "requirements.lock"
LOCK_COMMAND = (
    "uv pip compile pyproject.toml --python-version {python} --python-platform linux --generate-hashes"
    " -o requirements.lock"
)
"""The command that regenerates the lock, for the Python version of the image's base."""
SERVE_COMMAND = ["workflow-orders", "serve", "--host", "0.0.0.0", "--port", "8000"]


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str

    def exec_form(self) -> list[str]:
        """The JSON array of an exec-form CMD/ENTRYPOINT; fails on the shell form."""
        value = json.loads(self.arguments)
        assert isinstance(value, list), f"{self.keyword} must be in exec form (a JSON array)"
        return [str(item) for item in value]


@dataclass(frozen=True)
class Stage:
    image: str
    name: str | None
    instructions: tuple[Instruction, ...]

    def all(self, keyword: str) -> list[Instruction]:
        return [instruction for instruction in self.instructions if instruction.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None


def instructions(text: str) -> list[Instruction]:
    """Dockerfile instructions, with comments dropped and continuation lines joined."""
    result, pending = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        result.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends in a continuation line"
    return result


def stages(text: str) -> list[Stage]:
    """The build stages, with ARG defaults declared before the first FROM substituted in images."""
    global_args: dict[str, str] = {}
    found: list[tuple[str, str | None, list[Instruction]]] = []
    for instruction in instructions(text):
        if instruction.keyword == "FROM":
            words = instruction.arguments.split()
            image = words[0]
            for name, value in global_args.items():
                image = image.replace(f"${{{name}}}", value).replace(f"${name}", value)
            alias = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            found.append((image, alias, []))
        elif not found:
            assert instruction.keyword == "ARG", f"{instruction.keyword} before the first FROM"
            name, _, value = instruction.arguments.partition("=")
            global_args[name] = value
        else:
            found[-1][2].append(instruction)
    return [Stage(image, alias, tuple(body)) for image, alias, body in found]


@pytest.fixture(scope="module")
def build() -> list[Stage]:
    return stages(DOCKERFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def final(build: list[Stage]) -> Stage:
    return build[-1]


def image_command(stage: Stage) -> list[str]:
    entrypoint, cmd = stage.last("ENTRYPOINT"), stage.last("CMD")
    return (entrypoint.exec_form() if entrypoint else []) + (cmd.exec_form() if cmd else [])


def image_user(stage: Stage) -> tuple[int, int]:
    """The final USER as numeric uid and gid (Kubernetes can verify runAsNonRoot only on numbers)."""
    user = stage.last("USER")
    assert user is not None, "the image runs as root: no USER"
    uid, _, gid = user.arguments.partition(":")
    assert uid.isdigit(), f"USER must be a numeric uid:gid, got {user.arguments!r}"
    assert gid.isdigit(), f"USER must be a numeric uid:gid, got {user.arguments!r}"
    return int(uid), int(gid)


def test_the_image_is_built_in_stages_on_the_slim_python_3_11_base(build: list[Stage]) -> None:
    assert len(build) >= 2
    assert {stage.image for stage in build} == {"python:3.11-slim"}


def test_the_final_stage_copies_only_the_virtualenv_from_the_build_stage(build: list[Stage], final: Stage) -> None:
    copies = final.all("COPY")
    assert copies, "the final stage copies nothing"
    for copy in copies:
        words = copy.arguments.split()
        assert words[0] == f"--from={build[0].name}", f"the final stage copies from the build context: {copy}"
        assert words[1:] == ["/opt/venv", "/opt/venv"]


def test_the_final_stage_installs_no_packages_or_build_tools(final: Stage) -> None:
    for run in final.all("RUN"):
        words = set(shlex.split(run.arguments.replace("&&", " ")))
        assert not words & {"apt-get", "apt", "pip", "gcc", "make", "build-essential"}, run.arguments


def test_the_service_runs_as_an_unprivileged_user(final: Stage) -> None:
    uid, gid = image_user(final)
    assert uid >= 1000
    assert gid >= 1000
    assert any(f"--uid {uid}" in run.arguments for run in final.all("RUN")), "the user is not created in the image"


def test_the_container_serves_on_all_interfaces_on_port_8000(final: Stage) -> None:
    assert image_command(final) == SERVE_COMMAND
    assert final.last("EXPOSE") == Instruction("EXPOSE", "8000")


def test_the_command_is_the_projects_console_script_and_parses_as_serve() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts[SERVE_COMMAND[0]] == "app.cli:main"
    args = _parser().parse_args(SERVE_COMMAND[1:])
    assert (args.command, args.host, args.port) == ("serve", "0.0.0.0", 8000)


def test_the_image_has_no_healthcheck_since_kubernetes_probes_do_that(build: list[Stage]) -> None:
    assert not [stage for stage in build if stage.all("HEALTHCHECK")]


def _ignored(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore leaves `path` (relative, with /) out of the build context: the last
    pattern that matches the path or one of its parent folders decides; `!` re-includes."""
    parts = path.split("/")
    candidates = ["/".join(parts[: index + 1]) for index in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!").rstrip("/")
        if any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates):
            ignored = not negated
    return ignored


@pytest.fixture(scope="module")
def ignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def test_the_build_context_holds_what_the_build_stage_copies(build: list[Stage], ignore_patterns: list[str]) -> None:
    sources = [
        source for copy in build[0].all("COPY") for source in copy.arguments.split()[:-1] if not source.startswith("--")
    ]
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not _ignored(source, ignore_patterns), f"{source} is excluded by .dockerignore"
    assert not _ignored("src/app/cli.py", ignore_patterns)


@pytest.mark.parametrize(
    "path", [".git/config", "tests/conftest.py", ".venv/bin/python", "workflow-orders.db", ".ci/run", "deploy"]
)
def test_the_build_context_leaves_out_local_state_and_tests(path: str, ignore_patterns: list[str]) -> None:
    assert _ignored(path, ignore_patterns)


def _pip_installs(stage: Stage) -> list[list[str]]:
    """The words after `pip install` of each RUN that runs pip install, in order."""
    found = []
    for run in stage.all("RUN"):
        for command in run.arguments.split("&&"):
            words = shlex.split(command)
            if len(words) >= 2 and words[0].endswith("pip") and words[1] == "install":
                found.append(words[2:])
    return found


def test_the_build_stage_installs_the_locked_dependencies_with_hashes_then_the_project_alone(
    build: list[Stage],
) -> None:
    installs = _pip_installs(build[0])
    assert len(installs) == 2, installs
    locked, project = installs
    assert {"--no-deps", "--require-hashes", "--only-binary=:all:"} <= set(locked), locked
    assert locked[locked.index("-r") + 1] == LOCK.name
    assert "--no-deps" in project
    assert project[-1] == ".", project


def test_the_lock_is_copied_in_alone_before_the_dependencies_are_installed(build: list[Stage]) -> None:
    """The dependency layer then stays cached while only the source changes."""
    body = [(i.keyword, i.arguments) for i in build[0].instructions if i.keyword in ("COPY", "RUN")]
    lock_copy = body.index(("COPY", f"{LOCK.name} ./"))
    lock_install = next(n for n, (keyword, arguments) in enumerate(body) if LOCK.name in arguments and keyword == "RUN")
    assert lock_copy < lock_install
    assert all(keyword != "COPY" for keyword, _ in body[lock_copy + 1 : lock_install])


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    hashes: tuple[str, ...]
    via: tuple[str, ...]


def locked_pins(text: str) -> dict[str, Pin]:
    """The pins of a `uv pip compile --generate-hashes` file, by canonical name."""
    pins: dict[str, Pin] = {}
    entry: list[str] = []
    via: list[str] = []
    in_via = False

    def close() -> None:
        if not entry:
            return
        requirement, *hashes = " ".join(entry).split(" --hash=")
        parsed = Requirement(requirement.strip())
        [specifier] = parsed.specifier
        assert specifier.operator == "==", f"not an exact pin: {requirement}"
        name = canonicalize_name(parsed.name)
        pins[name] = Pin(name, specifier.version, tuple(h.strip() for h in hashes), tuple(via))

    for line in text.splitlines():
        stripped = line.strip()
        if line and not line[0].isspace() and not stripped.startswith("#"):
            close()
            entry, via, in_via = [stripped.rstrip("\\").strip()], [], False
        elif stripped.startswith("--hash="):
            entry.append(stripped.rstrip("\\").strip())
        elif stripped == "# via" or stripped.startswith("# via "):
            in_via = True
            via.extend(filter(None, [stripped.removeprefix("# via").strip()]))
        elif stripped.startswith("#") and in_via:
            via.append(stripped.lstrip("# ").strip())
    close()
    return pins


@pytest.fixture(scope="module")
def pins() -> dict[str, Pin]:
    return locked_pins(LOCK.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def test_the_lock_pins_every_runtime_dependency_at_a_version_the_project_accepts(
    pins: dict[str, Pin], runtime_requirements: list[Requirement]
) -> None:
    assert runtime_requirements
    for requirement in runtime_requirements:
        pin = pins.get(canonicalize_name(requirement.name))
        assert pin is not None, f"{requirement.name} is not in {LOCK.name}"
        assert requirement.specifier.contains(pin.version, prereleases=True), (
            f"{LOCK.name} pins {pin.name}=={pin.version}, outside {requirement}: regenerate the lock"
        )


def test_the_lock_holds_only_the_runtime_dependencies_and_what_they_need(
    pins: dict[str, Pin], runtime_requirements: list[Requirement]
) -> None:
    """Compiled without the dev extra: the pins the project itself asks for are its dependencies."""
    direct = {name for name, pin in pins.items() if "workflow-orders (pyproject.toml)" in pin.via}
    assert direct == {canonicalize_name(requirement.name) for requirement in runtime_requirements}
    assert "workflow-orders" not in pins
    assert all(pin.via for pin in pins.values()), "a pin without a `# via` annotation: regenerate the lock"


def test_every_pin_carries_sha256_hashes(pins: dict[str, Pin]) -> None:
    for pin in pins.values():
        assert pin.hashes, f"{pin.name} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", value) for value in pin.hashes), pin


def test_the_lock_names_the_command_that_regenerates_it_for_the_python_of_the_image(build: list[Stage]) -> None:
    [image] = {stage.image for stage in build}
    python = image.removeprefix("python:").partition("-")[0]
    header = LOCK.read_text(encoding="utf-8").splitlines()[:2]
    assert header[0].startswith("# This file was autogenerated by uv")
    assert header[1].removeprefix("#").strip() == LOCK_COMMAND.format(python=python)
