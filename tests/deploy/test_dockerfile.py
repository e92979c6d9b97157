"""The Dockerfile, read as instructions (no Docker engine here): stages, user, command, port, context."""

import fnmatch
import json
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import _parser

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
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
