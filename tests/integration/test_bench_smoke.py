"""`python -m bench --smoke` still runs end to end: its table has every row, each with requests served;
`python -m bench.neighbours` too, on one short round, and `python -m bench.lanes` on a few hundred calls.

No speed is asserted: the smoke mode runs each endpoint for a fraction of a second on tiny data, only
so that the benchmark cannot rot unnoticed.
"""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # about a minute: the benchmark with its servers, on SQLite and on moto

REPO = Path(__file__).resolve().parents[2]
SMOKE_DEADLINE_SECONDS = 300
CEILING = "ceiling: bare Litestar, GET /ceiling"
ENDPOINTS = [
    "GET /health/live",
    "GET /v1/workflows/{id}/orders?limit=20",
    "GET /v1/workflows/{id}/orders?limit=20, If-None-Match: 304",
    "GET /v1/orders/{id}",
    "GET /v1/orders/{id}, If-None-Match: 304",
    "GET /v1/workflows (4 workflows)",
    "GET /v1/orders/latest (4 workflows)",
    "GET /v1/orders?since=(24 h ago)&limit=20 (4 workflows)",
    "GET /v1/orders/summary?since=(24 h ago) (4 workflows)",
    "GET /v1/workflows (7 workflows)",
    "GET /v1/orders/latest (7 workflows)",
    "GET /v1/orders?since=(24 h ago)&limit=20 (7 workflows)",
    "GET /v1/orders/summary?since=(24 h ago) (7 workflows)",
    "POST /v1/workflows/{id}/orders (new uuid4 id)",
]
"""The smoke plan seeds 4 workflows, then 3 more on SQLite (bench/run.py, SMOKE)."""
SQLITE_ONLY = {endpoint for endpoint in ENDPOINTS if "(7 workflows)" in endpoint}
"""The second measure of the list endpoints: on moto it would measure moto (the smoke run leaves it out)."""


def _granian_installed() -> bool:
    return (Path(sys.executable).parent / "granian").exists()


def _rows(table: str) -> list[list[str]]:
    """The data rows of the markdown table, as lists of cells."""
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    assert lines, f"no table in the output:\n{table}"
    header, rows = lines[0], lines[1:]
    assert header.startswith("| storage | server | endpoint | requests |"), header
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def _run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m <args>` in the repository; fails the test with its output when it fails."""
    finished = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=SMOKE_DEADLINE_SECONDS,
        check=False,
    )
    assert finished.returncode == 0, f"the bench failed\n{finished.stdout}\n{finished.stderr}"
    return finished


def test_the_smoke_run_prints_a_table_with_every_row_and_requests_served(tmp_path: Path) -> None:
    output = tmp_path / "smoke.md"
    finished = _run_bench("bench", "--smoke", "--output", str(output))
    table = output.read_text()
    assert table in finished.stdout  # printed as well as written

    expected = [("none", "uvicorn", CEILING)]
    expected += [("SQLite", "uvicorn", endpoint) for endpoint in ENDPOINTS]
    if _granian_installed():
        expected += [("none", "granian", CEILING), ("SQLite", "granian", "GET /health/live")]
    expected += [("DynamoDB (moto)", "uvicorn", endpoint) for endpoint in ENDPOINTS if endpoint not in SQLITE_ONLY]
    rows = _rows(table)
    assert [tuple(row[:3]) for row in rows] == expected
    for row in rows:
        assert int(row[3].replace(",", "")) > 0, f"no requests served: {row}"


def test_the_greedy_neighbour_benchmark_runs_and_refuses_the_greedy_consumer() -> None:
    finished = _run_bench("bench.neighbours", "--rounds", "1", "--seconds", "1")
    assert "| alone |" in finished.stdout
    assert "| beside the greedy one |" in finished.stdout
    assert "429:" in finished.stdout.rsplit("greedy answers:", 1)[1]


def test_the_lane_benchmark_measures_both_calls_at_both_depths() -> None:
    finished = _run_bench("bench.lanes", "--calls", "320")
    lines = [line for line in finished.stdout.splitlines() if "µs process CPU per call" in line]
    assert [line.split(":")[0] for line in lines] == [
        "empty call on a reader lane, 1 in flight",
        "empty call on a reader lane, 32 in flight",
        "SqliteRevisions.of_workflow, 1 in flight",
        "SqliteRevisions.of_workflow, 32 in flight",
    ]
