"""dry_run_member: the text that says a stored spec's dry_run, which a write condition looks for."""

import pytest

from adapters.spec_json import dry_run_member, spec_to_json
from builders import make_spec


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_specs_json_states_its_dry_run_once_and_never_the_other_value(dry_run: bool) -> None:
    # A name that spells out the other value: inside a JSON string the quotes are escaped.
    spec = make_spec(f'x"{dry_run_member(not dry_run)}', dry_run=dry_run)

    text = spec_to_json(spec)

    assert text.count(dry_run_member(dry_run)) == 1
    assert dry_run_member(not dry_run) not in text
    assert dry_run_member(None) not in text
