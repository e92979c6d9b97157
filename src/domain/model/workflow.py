"""A workflow: a trading strategy configuration (index, CFD, indicator conditions, trigger)."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from domain.model.enums import (
    CloseDirection,
    ConditionElement,
    IndicatorName,
    OrderDirection,
    TriggerLocation,
    TriggerSignal,
    UnitTime,
)
from domain.model.errors import InvalidInputError
from domain.model.ids import Id
from domain.model.rules import (
    ANY_SIGN,
    CODE_MAX,
    NAME_MAX,
    NON_NEGATIVE,
    POSITIVE,
    Problems,
    canonicalize_decimal_fields,
)

REQUIRED_BY_INDICATOR: Mapping[IndicatorName, tuple[str, ...]] = {
    IndicatorName.POLARITE: ("value",),
    IndicatorName.ZONE: ("value", "zone_value"),
}
"""The optional Indicator fields that these indicators cannot do without."""


@dataclass(frozen=True, slots=True)
class Indicator:
    name: IndicatorName
    ut: UnitTime
    value: Decimal | None = None
    zone_value: Decimal | None = None

    def __post_init__(self) -> None:
        canonicalize_decimal_fields(self)

    def collect(self, problems: Problems) -> None:
        problems.decimal("value", self.value, sign=ANY_SIGN)
        problems.decimal("zone_value", self.zone_value, sign=ANY_SIGN)
        for field_name in REQUIRED_BY_INDICATOR.get(self.name, ()):
            problems.check(
                field_name, getattr(self, field_name) is not None, f"is required for the {self.name} indicator"
            )


@dataclass(frozen=True, slots=True)
class Close:
    direction: CloseDirection
    ut: UnitTime
    spread: Decimal

    def __post_init__(self) -> None:
        canonicalize_decimal_fields(self)

    def collect(self, problems: Problems) -> None:
        problems.decimal("spread", self.spread, sign=NON_NEGATIVE)


@dataclass(frozen=True, slots=True)
class Condition:
    indicator: Indicator
    close: Close
    element: ConditionElement | None = None

    def collect(self, problems: Problems) -> None:
        problems.nested("indicator.", self.indicator.collect)
        problems.nested("close.", self.close.collect)


@dataclass(frozen=True, slots=True)
class Trigger:
    ut: UnitTime
    signal: TriggerSignal
    location: TriggerLocation
    order_direction: OrderDirection
    quantity: Decimal

    def __post_init__(self) -> None:
        canonicalize_decimal_fields(self)

    def collect(self, problems: Problems) -> None:
        problems.decimal("quantity", self.quantity, sign=POSITIVE)


@dataclass(frozen=True, slots=True)
class WorkflowSpec:
    """Everything a client sets on a workflow; validated as a whole on construction."""

    name: str
    index: str
    cfd: str
    conditions: tuple[Condition, ...]
    trigger: Trigger
    enable: bool = True
    dry_run: bool = False
    is_us: bool = False
    end_date: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "conditions", tuple(self.conditions))
        problems = Problems()
        problems.text("name", self.name, max_length=NAME_MAX)
        problems.text("index", self.index, max_length=CODE_MAX)
        problems.text("cfd", self.cfd, max_length=CODE_MAX)
        problems.check("conditions", len(self.conditions) >= 1, "needs at least one condition")
        for position, condition in enumerate(self.conditions):
            problems.nested(f"conditions[{position}].", condition.collect)
        problems.nested("trigger.", self.trigger.collect)
        if problems.errors:
            raise InvalidInputError(problems.errors)


@dataclass(frozen=True, slots=True)
class WorkflowStamp:
    """What a workflow stamps on every order it records: its name and whether it runs dry, as they
    are when the order is written."""

    name: str
    dry_run: bool


@dataclass(frozen=True, slots=True)
class Workflow:
    """A stored workflow: its spec plus identity and timestamps (epoch seconds)."""

    id: Id
    spec: WorkflowSpec
    created_at: int
    updated_at: int = field(default=0)

    def __post_init__(self) -> None:
        if self.updated_at == 0:
            object.__setattr__(self, "updated_at", self.created_at)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def stamp(self) -> WorkflowStamp:
        return WorkflowStamp(self.spec.name, self.spec.dry_run)

    @property
    def primary_indicator(self) -> IndicatorName:
        return self.spec.conditions[0].indicator.name

    @property
    def primary_unit_time(self) -> UnitTime:
        return self.spec.conditions[0].indicator.ut

    def replaced_by(self, spec: WorkflowSpec, now: int) -> "Workflow":
        """The same workflow (id, created_at) with a new configuration, updated now."""
        return replace(self, spec=spec, updated_at=max(now, self.created_at))
