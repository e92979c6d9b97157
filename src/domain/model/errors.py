"""One tree of domain errors; the HTTP adapter maps each branch to a status code."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid field: a dotted path into the input and a sentence for humans."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    title = "Domain error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(DomainError):
    title = "Not found"


class WorkflowNotFoundError(NotFoundError):
    title = "Workflow not found"

    def __init__(self, workflow_id: str) -> None:
        super().__init__(f"No workflow with id {workflow_id}.")


class OrderNotFoundError(NotFoundError):
    title = "Order not found"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"No unexpired order with id {order_id}.")


class ConflictError(DomainError):
    title = "Conflict"


class WorkflowNameTakenError(ConflictError):
    title = "Workflow name taken"

    def __init__(self, name: str) -> None:
        super().__init__(f"Another workflow is already named {name!r}.")


class OrderIdConflictError(ConflictError):
    title = "Order id already used"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"Order {order_id} was already recorded with different content.")


class InvalidInputError(DomainError):
    title = "Invalid input"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> "InvalidInputError":
        return cls([FieldError(field, message)])


class InvalidCursorError(InvalidInputError):
    title = "Invalid cursor"

    def __init__(self) -> None:
        super().__init__(
            [FieldError("cursor", "not a cursor issued for this query (its workflow or window, and its filters)")]
        )


class WindowTooLargeError(InvalidInputError):
    """A summary was asked of a window holding more orders than one summary covers."""

    title = "Window too large"

    def __init__(self, most: int) -> None:
        super().__init__(
            [
                FieldError(
                    "window",
                    f"holds more than {most} orders: narrow it (a shorter since/until or day, or "
                    "workflow_id, order_code or direction filters) and add up the parts",
                )
            ]
        )


class InvalidEventIdError(InvalidInputError):
    title = "Invalid event id"

    def __init__(self) -> None:
        super().__init__([FieldError("Last-Event-ID", "not an event id this service issued")])


class GoneError(DomainError):
    title = "Gone"


class EventIdExpiredError(GoneError):
    title = "Event id too old"

    def __init__(self) -> None:
        super().__init__("The event id is older than the 7-day retention; start the stream again without one.")


class EventIdUnknownHereError(GoneError):
    """An authentic event id this store cannot place: issued by another store (another storage, a
    restored backup, an import), beyond this store's end, or in an earlier version's format."""

    title = "Event id unknown to this store"

    def __init__(self) -> None:
        super().__init__(
            "The event id was issued by another store (another storage, a restored backup, an import) "
            "or by an earlier version of the service: this store cannot tell what followed it. Start "
            "the stream again without one, and catch up from the order history."
        )


class UnavailableError(DomainError):
    title = "Service unavailable"


class TooManySubscribersError(UnavailableError):
    title = "Too many subscribers"

    def __init__(self) -> None:
        super().__init__("This instance serves as many streams as it may; try again shortly, or another instance.")


class ShuttingDownError(UnavailableError):
    title = "Shutting down"

    def __init__(self) -> None:
        super().__init__("This instance is shutting down; connect again (another instance will answer).")


class StorageUnavailableError(UnavailableError):
    """The storage did not answer in time, or answered with a fault that retries did not cure."""

    title = "Storage unavailable"

    def __init__(self, detail: str = "The storage did not answer; try again shortly.") -> None:
        super().__init__(detail)


class StaleWorkflowError(ConflictError):
    """The workflow changed between reading it and writing an order against it (retry the use case)."""

    title = "Workflow changed"

    def __init__(self, workflow_id: str) -> None:
        super().__init__(f"Workflow {workflow_id} changed while an order was being recorded.")


class DuplicateOrderIdError(ConflictError):
    """Storage already holds an order with this id (the use case decides replay or conflict)."""

    title = "Duplicate order id"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"An order with id {order_id} already exists.")
