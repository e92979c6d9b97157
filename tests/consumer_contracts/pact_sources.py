"""Where the provider verification takes the consumers' pacts from.

- `PACT_BROKER_BASE_URL` set: the latest pacts of each known consumer on that Pact Broker (with
  `PACT_BROKER_TOKEN`, or `PACT_BROKER_USERNAME` and `PACT_BROKER_PASSWORD`, read by pact itself);
- else `WFO_PACT_DIR` set: the pact files `<consumer>-workflow-orders.json` in that directory;
- else: pacts written afresh by this repository's consumer tests (clients/python/tests/test_pact_*.py),
  run for the purpose into a directory of the test session. No pact is kept in the repository.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pact import Verifier

PROVIDER = "workflow-orders"
ROOT = Path(__file__).parents[2]
CONSUMER_TESTS = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "clients/python/tests").glob("test_pact_*.py"))
BROKER_VARIABLE, DIRECTORY_VARIABLE = "PACT_BROKER_BASE_URL", "WFO_PACT_DIR"
OUTPUT_DIR_VARIABLE = "WFO_PACT_OUTPUT_DIR"
"""Where the consumer tests write their pacts (clients/python/tests/pact_support.py)."""


@dataclass(frozen=True)
class PactSource:
    broker_url: str | None = None
    directory: Path | None = None

    @classmethod
    def configured(cls) -> "PactSource | None":
        """The broker or directory the environment names; None when it names neither."""
        if broker_url := os.environ.get(BROKER_VARIABLE):
            return cls(broker_url=broker_url)
        if directory := os.environ.get(DIRECTORY_VARIABLE):
            return cls(directory=Path(directory))
        return None

    def add_to(self, verifier: Verifier, consumer: str) -> Verifier:
        """`verifier` with the pacts of `consumer` as its source."""
        if self.broker_url is not None:
            return verifier.broker_source(self.broker_url).filter_consumers(consumer)
        assert self.directory is not None
        return verifier.add_source(self.directory / f"{consumer}-{PROVIDER}.json")


def generated_by_consumer_tests(directory: Path) -> PactSource:
    """Runs the consumer pact tests, which write their pacts into `directory`; fails with their output
    when a consumer test fails (a broken consumer expectation fails the provider's build too)."""
    env = {**os.environ, OUTPUT_DIR_VARIABLE: str(directory), "PACT_DO_NOT_TRACK": "true"}
    command = [sys.executable, "-m", "pytest", *CONSUMER_TESTS, "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"the consumer pact tests failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
    return PactSource(directory=directory)
