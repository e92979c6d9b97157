"""Every format follows WorkflowOrder's fields by name: their order in the dataclass is nobody's concern."""

import subprocess
import sys
from pathlib import Path

ROUND_TRIP = Path(__file__).with_name("permuted_order_round_trip.py")


def test_an_order_survives_every_format_when_the_fields_of_workflow_order_are_reordered() -> None:
    done = subprocess.run([sys.executable, str(ROUND_TRIP)], capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    assert "every format round-tripped the permuted order" in done.stdout
