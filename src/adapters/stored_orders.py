"""Orders read back from storage, rebuilt without validating them again.

Every stored order was validated (and its decimals canonicalised) by WorkflowOrder when it was
recorded, and only this service writes the tables. Running the checks again on every row read
would double the cost of a history page, so the storage adapters rebuild rows through a
`trusted_order_reader`, which trusts what they wrote. Nothing outside the storage adapters may
use it.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from adapters.order_fields import check_every_field
from domain.model.order import WorkflowOrder

Decoder = Callable[[Any], Any]


def trusted_order_reader(decoders: Mapping[str, Decoder | None]) -> Callable[[Iterable[Any]], WorkflowOrder]:
    """What rebuilds the orders one storage format holds from their stored values, without the checks.

    `decoders` names every field of WorkflowOrder once, in the order in which the format gives the
    stored values, each with what turns a stored value back into the field's value (None: the
    value is the field's as it is). A stored None is kept as it is.
    """
    check_every_field(decoders, "a stored order's decoders")
    # The slot descriptors' setters write the frozen dataclass's fields, each found by its name.
    steps = tuple((vars(WorkflowOrder)[name].__set__, decode) for name, decode in decoders.items())
    new = object.__new__

    def read(values: Iterable[Any]) -> WorkflowOrder:
        order = new(WorkflowOrder)
        for (set_field, decode), value in zip(steps, values, strict=True):
            set_field(order, value if decode is None or value is None else decode(value))
        return order

    return read
