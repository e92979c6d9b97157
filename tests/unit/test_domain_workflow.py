"""WorkflowSpec validation, and the Workflow entity built from it."""

from datetime import date
from decimal import Decimal

import pytest

from builders import NOW, WORKFLOW_ID, make_condition, make_spec, make_trigger
from domain.model.enums import (
    ConditionElement,
    IndicatorName,
    UnitTime,
)
from domain.model.errors import InvalidInputError
from domain.model.workflow import Workflow

CREATED_AT = NOW


def error_fields(error: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [e.field for e in error.value.errors]


# WorkflowSpec


def test_a_valid_spec_has_the_documented_defaults() -> None:
    spec = make_spec()

    assert spec.enable is True
    assert spec.dry_run is False
    assert spec.is_us is False
    assert spec.end_date is None


def test_conditions_given_as_a_list_are_stored_as_a_tuple() -> None:
    spec = make_spec(conditions=[make_condition(), make_condition(IndicatorName.BBB)])

    assert isinstance(spec.conditions, tuple)
    assert [c.indicator.name for c in spec.conditions] == [IndicatorName.MA50, IndicatorName.BBB]


@pytest.mark.parametrize(("field", "maximum"), [("name", 200), ("index", 50), ("cfd", 50)])
def test_text_fields_at_their_length_bounds_are_accepted(field: str, maximum: int) -> None:
    short = make_spec(**{field: "a"})
    long = make_spec(**{field: "a" * maximum})

    assert getattr(short, field) == "a"
    assert getattr(long, field) == "a" * maximum


@pytest.mark.parametrize(("field", "maximum"), [("name", 200), ("index", 50), ("cfd", 50)])
@pytest.mark.parametrize("too_long", [False, True])
def test_text_fields_outside_their_length_bounds_are_rejected(field: str, maximum: int, too_long: bool) -> None:
    value = "a" * (maximum + 1) if too_long else ""

    with pytest.raises(InvalidInputError) as error:
        make_spec(**{field: value})

    assert error_fields(error) == [field]


def test_a_spec_needs_at_least_one_condition() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_spec(conditions=())

    assert error_fields(error) == ["conditions"]


def test_zone_indicator_with_value_and_zone_value_is_accepted() -> None:
    spec = make_spec(conditions=(make_condition(IndicatorName.ZONE, value=Decimal("100"), zone_value=Decimal("-5")),))

    assert spec.conditions[0].indicator.zone_value == Decimal("-5")


def test_zone_indicator_needs_value_and_zone_value() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_spec(conditions=(make_condition(IndicatorName.ZONE),))

    assert error_fields(error) == ["conditions[0].indicator.value", "conditions[0].indicator.zone_value"]


def test_zone_indicator_with_only_a_value_is_missing_its_zone_value() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_spec(conditions=(make_condition(IndicatorName.ZONE, value=Decimal("1")),))

    assert error_fields(error) == ["conditions[0].indicator.zone_value"]


def test_polarite_indicator_needs_a_value() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_spec(conditions=(make_condition(IndicatorName.POLARITE),))

    assert error_fields(error) == ["conditions[0].indicator.value"]


def test_polarite_indicator_does_not_need_a_zone_value() -> None:
    spec = make_spec(conditions=(make_condition(IndicatorName.POLARITE, value=Decimal("0")),))

    assert spec.conditions[0].indicator.value == 0


@pytest.mark.parametrize("name", [IndicatorName.MA50, IndicatorName.COMBO, IndicatorName.BBB, IndicatorName.BBH])
def test_other_indicators_need_no_value(name: IndicatorName) -> None:
    spec = make_spec(conditions=(make_condition(name),))

    assert spec.conditions[0].indicator.value is None


def test_indicator_values_may_be_negative() -> None:
    spec = make_spec(conditions=(make_condition(IndicatorName.POLARITE, value=Decimal("-12.5")),))

    assert spec.conditions[0].indicator.value == Decimal("-12.5")


def test_spread_of_zero_is_accepted() -> None:
    spec = make_spec(conditions=(make_condition(spread=Decimal("0")),))

    assert spec.conditions[0].close.spread == 0


def test_negative_spread_is_rejected() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_spec(conditions=(make_condition(spread=Decimal("-0.1")),))

    assert error_fields(error) == ["conditions[0].close.spread"]


@pytest.mark.parametrize("text", ["0", "-1"])
def test_trigger_quantity_must_be_positive(text: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        make_spec(trigger=make_trigger(Decimal(text)))

    assert error_fields(error) == ["trigger.quantity"]


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1E+126", "1E-131", "1" * 39])
def test_trigger_quantity_must_be_storable_exactly(text: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        make_spec(trigger=make_trigger(Decimal(text)))

    assert error_fields(error) == ["trigger.quantity"]


def test_spec_with_an_absurdly_large_trigger_quantity_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_spec(trigger=make_trigger(Decimal("1E+300")))

    assert error_fields(error) == ["trigger.quantity"]


def test_spec_with_an_absurdly_large_indicator_value_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_spec(conditions=(make_condition(IndicatorName.POLARITE, value=Decimal("1E+300")),))

    assert error_fields(error) == ["conditions[0].indicator.value"]


def test_spec_with_an_absurdly_large_spread_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_spec(conditions=(make_condition(spread=Decimal("1E+300")),))

    assert error_fields(error) == ["conditions[0].close.spread"]


def test_decimals_in_a_spec_take_their_shortest_exact_form() -> None:
    spec = make_spec(
        conditions=(make_condition(IndicatorName.ZONE, value=Decimal("10.50"), zone_value=Decimal("1E+2")),),
        trigger=make_trigger(Decimal("2.000")),
    )

    assert str(spec.conditions[0].indicator.value) == "10.5"
    assert str(spec.conditions[0].indicator.zone_value) == "100"
    assert str(spec.trigger.quantity) == "2"


def test_every_spec_error_is_listed_at_once_with_its_path() -> None:
    with pytest.raises(InvalidInputError) as error:
        make_spec(
            name="",
            index="i" * 51,
            cfd="",
            conditions=(
                make_condition(),
                make_condition(IndicatorName.ZONE, spread=Decimal("-1")),
                make_condition(IndicatorName.POLARITE, value=Decimal("NaN")),
            ),
            trigger=make_trigger(Decimal("0")),
        )

    assert error_fields(error) == [
        "name",
        "index",
        "cfd",
        "conditions[1].indicator.value",
        "conditions[1].indicator.zone_value",
        "conditions[1].close.spread",
        "conditions[2].indicator.value",
        "trigger.quantity",
    ]


def test_spec_keeps_end_date_and_flags() -> None:
    spec = make_spec(enable=False, dry_run=True, is_us=True, end_date=date(2026, 12, 31))

    assert (spec.enable, spec.dry_run, spec.is_us, spec.end_date) == (False, True, True, date(2026, 12, 31))


def test_condition_element_is_optional() -> None:
    spec = make_spec(conditions=(make_condition(element=ConditionElement.HIGH), make_condition()))

    assert [c.element for c in spec.conditions] == [ConditionElement.HIGH, None]


# Workflow


def test_primary_indicator_and_unit_time_come_from_the_first_condition() -> None:
    spec = make_spec(
        conditions=(
            make_condition(IndicatorName.BBH, UnitTime.DAILY),
            make_condition(IndicatorName.MA50, UnitTime.WEEKLY),
        )
    )

    workflow = Workflow(id=WORKFLOW_ID, spec=spec, created_at=CREATED_AT)

    assert workflow.primary_indicator is IndicatorName.BBH
    assert workflow.primary_unit_time is UnitTime.DAILY


def test_a_new_workflow_was_updated_when_it_was_created() -> None:
    workflow = Workflow(id=WORKFLOW_ID, spec=make_spec(), created_at=CREATED_AT)

    assert workflow.updated_at == CREATED_AT


def test_workflow_name_is_the_spec_name() -> None:
    workflow = Workflow(id=WORKFLOW_ID, spec=make_spec(name="Alpha"), created_at=CREATED_AT)

    assert workflow.name == "Alpha"


def test_replaced_by_keeps_id_and_created_at_and_moves_updated_at() -> None:
    original = Workflow(id=WORKFLOW_ID, spec=make_spec(), created_at=CREATED_AT)
    new_spec = make_spec(name="Renamed", enable=False)

    replaced = original.replaced_by(new_spec, CREATED_AT + 3600)

    assert replaced.id == WORKFLOW_ID
    assert replaced.created_at == CREATED_AT
    assert replaced.updated_at == CREATED_AT + 3600
    assert replaced.spec == new_spec
    assert original.spec.name == "DAX Breakout Strategy"


def test_replaced_by_never_moves_updated_at_before_created_at() -> None:
    original = Workflow(id=WORKFLOW_ID, spec=make_spec(), created_at=CREATED_AT)

    replaced = original.replaced_by(make_spec(name="Other"), CREATED_AT - 10)

    assert replaced.updated_at == CREATED_AT
