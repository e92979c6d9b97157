"""`workflow-orders export` and `import`: the storage's records to and from an NDJSON file."""

import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from adapters.archive_ndjson import (
    LineTooLongError,
    RecordError,
    check_header,
    header_line,
    numbered_lines,
    parse_record,
    record_line,
)
from app.container import Container, running
from app.export_output import export_sink
from app.settings import Settings
from app.targets import check_target
from domain.model.errors import InvalidInputError
from domain.model.ids import Id
from domain.use_cases.transfer import ExportRecords, ImportRecords, Outcome, Record, Tally, check_record
from ports.archive import ArchivedWorkflow
from ports.clock import Clock

PROBLEMS_SHOWN = 50
"""Lines reported one by one on stderr; beyond that only their number."""


class Progress:
    """Records per second on stderr, rewritten in place about once a second, when stderr is a terminal."""

    def __init__(self, verb: str, stream: TextIO) -> None:
        self._verb, self._stream = verb, stream
        self._live = stream.isatty()
        self.started = time.monotonic()
        self._shown = self.started
        self.count = 0

    def step(self) -> None:
        self.count += 1
        if self._live and (now := time.monotonic()) - self._shown >= 1.0:
            self._shown = now
            self._stream.write(f"\r{self._verb} {self.count} records ({self.rate():.0f} records/s)")
            self._stream.flush()

    def rate(self) -> float:
        return self.count / max(time.monotonic() - self.started, 1e-9)

    def summary(self, text: str) -> None:
        if self._live:
            self._stream.write("\r\033[K")
        elapsed = time.monotonic() - self.started
        self._stream.write(f"{text} in {elapsed:.1f} s ({self.rate():.0f} records/s)\n")


async def export(settings: Settings, output: str | None) -> int:
    """Write every record to `output` (stdout when None); a file appears only once complete."""
    if output is not None:
        check_target(output, settings)
    progress = Progress("exported", sys.stderr)
    workflows = deleted = orders = 0
    container = Container(settings=settings)
    async with running(container):
        exporter: ExportRecords = await container.export_records()  # type: ignore[misc]
        clock: Clock = container.clock()
        with export_sink(output) as stream:
            now = clock.now()
            stream.write(header_line(now))
            async for record in exporter.records(now=now):
                stream.write(record_line(record))
                if isinstance(record, ArchivedWorkflow):
                    workflows += 1
                    deleted += record.deleted
                else:
                    orders += 1
                progress.step()
    where = "stdout" if output is None else output
    progress.summary(f"exported {workflows} workflows ({deleted} deleted) and {orders} orders to {where}")
    return 0


@dataclass
class Plan:
    """What checking the whole file found, before anything is written."""

    problems: dict[int, str] = field(default_factory=dict)
    """Line number → why the line is not imported."""
    keep_until: dict[Id, int] = field(default_factory=dict)
    """Per workflow: the expiry of its newest order in the file."""

    def take(self, record: Record, *, now: int) -> str | None:
        """Count in one record of the file; why it is not to be imported, or None.

        A workflow refused by the API's rules (check_record) still counts as on its line: its orders
        are judged on their own, and are not imported without it (Outcome.NO_WORKFLOW).
        """
        if isinstance(record, ArchivedWorkflow):
            if record.workflow.id in self.keep_until:
                return f"workflow {record.workflow.id} is already on an earlier line"
            self.keep_until[record.workflow.id] = 0
        elif record.workflow_id not in self.keep_until:
            return f"the order's workflow {record.workflow_id} is not on an earlier line"
        try:
            check_record(record, now=now)
        except InvalidInputError as error:
            return error.detail
        if not isinstance(record, ArchivedWorkflow):
            self.keep_until[record.workflow_id] = max(self.keep_until[record.workflow_id], record.expires_at)
        return None


def check(path: Path, *, now: int) -> Plan:
    """Read the whole file once: every line a valid record that the API would store at `now`
    (check_record), the first a known format, each order after its workflow. Memory: the workflows'
    ids and the bad lines, not the records."""
    plan = Plan()
    with path.open("rb") as lines:
        for number, line in numbered_lines(lines):
            if number == 1:
                try:
                    check_header(line)
                except RecordError as error:
                    plan.problems[number] = str(error)
                    return plan  # without a known format, no line can be read
                continue
            if not line.strip():
                continue
            try:
                record = parse_record(line)
            except RecordError as error:
                plan.problems[number] = str(error)
                continue
            if (problem := plan.take(record, now=now)) is not None:
                plan.problems[number] = problem
    if not plan.problems and not plan.keep_until and path.stat().st_size == 0:
        plan.problems[1] = "the file is empty"
    return plan


async def import_(settings: Settings, source: str, *, continue_on_error: bool) -> int:
    """Import the records of `source` (a path, or - for stdin); exit code 0 when every record is now
    in the storage (created, already present, or skipped as expired), 1 otherwise."""
    container = Container(settings=settings)
    clock: Clock = container.clock()
    try:
        with _readable(source) as path:
            plan = check(path, now=clock.now())
            _report(source, plan.problems)
            if plan.problems and not continue_on_error:
                print(
                    f"nothing imported: {len(plan.problems)} invalid lines in {source} "
                    "(fix them, or import the valid records with --continue-on-error)",
                    file=sys.stderr,
                )
                return 1
            tally, refused = await _apply(container, path, plan)
    except LineTooLongError as error:  # found while checking (or while copying stdin): nothing was written
        _report(source, {error.number: str(error)})
        print(f"nothing imported: {source} cannot be read past line {error.number}", file=sys.stderr)
        return 1
    _report(source, refused)
    print(_summary(source, tally, len(plan.problems)), file=sys.stderr)
    return 1 if plan.problems or refused else 0


async def _apply(container: Container, path: Path, plan: Plan) -> tuple[Tally, dict[int, str]]:
    tally, refused = Tally(), {}
    progress = Progress("imported", sys.stderr)
    async with running(container):
        importer: ImportRecords = await container.import_records()  # type: ignore[misc]
        with path.open("rb") as lines:
            for number, line in numbered_lines(lines):
                if number == 1 or number in plan.problems or not line.strip():
                    continue
                record = parse_record(line)
                workflow_id = record.workflow.id if isinstance(record, ArchivedWorkflow) else record.workflow_id
                outcome = await importer.restore(record, keep_until=plan.keep_until[workflow_id])
                tally.add(record, outcome)
                if outcome in (Outcome.CONFLICT, Outcome.NO_WORKFLOW):
                    refused[number] = _refusal(record, outcome)
                progress.step()
    return tally, refused


def _refusal(record: ArchivedWorkflow | object, outcome: Outcome) -> str:
    if isinstance(record, ArchivedWorkflow):
        return (
            f"conflict: the storage has another workflow with id {record.workflow.id}, "
            f"or a live workflow named {record.workflow.name!r}; nothing was overwritten"
        )
    if outcome is Outcome.NO_WORKFLOW:
        return "not imported: its workflow is not in the storage (see that workflow's line)"
    return "conflict: the storage has an order with this id and other content; nothing was overwritten"


def _report(source: str, problems: dict[int, str]) -> None:
    for number, reason in list(problems.items())[:PROBLEMS_SHOWN]:
        print(f"{source}:{number}: {reason}", file=sys.stderr)
    if len(problems) > PROBLEMS_SHOWN:
        print(f"{source}: … and {len(problems) - PROBLEMS_SHOWN} more lines like these", file=sys.stderr)


_LABELS = {
    Outcome.CREATED: "created",
    Outcome.PRESENT: "already present",
    Outcome.CONFLICT: "conflicts",
    Outcome.EXPIRED: "expired",
    Outcome.NO_WORKFLOW: "without their workflow",
}


def _summary(source: str, tally: Tally, invalid: int) -> str:
    def counts(outcomes: dict[Outcome, int]) -> str:
        return ", ".join(f"{outcomes.get(outcome, 0)} {_LABELS[outcome]}" for outcome in Outcome)

    return (
        f"imported {source}: {tally.total(Outcome.CREATED)} created, {tally.total(Outcome.PRESENT)} already present, "
        f"{tally.total(Outcome.CONFLICT) + tally.total(Outcome.NO_WORKFLOW)} refused, "
        f"{tally.total(Outcome.EXPIRED)} expired (skipped), {invalid} invalid lines "
        f"(workflows: {counts(tally.workflows)}; orders: {counts(tally.orders)})"
    )


@contextmanager
def _readable(source: str) -> Iterator[Path]:
    """A path to read twice: the file itself, or stdin copied to a temporary file."""
    if source != "-":
        yield Path(source)
        return
    with tempfile.NamedTemporaryFile(prefix="workflow-orders-import-", suffix=".ndjson") as copy:
        for _, line in numbered_lines(sys.stdin.buffer):  # a line without end stops the copy
            copy.write(line)
        copy.flush()
        yield Path(copy.name)
