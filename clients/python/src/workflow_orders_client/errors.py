"""Typed exceptions: one per problem a caller branches on, each carrying the service's problem details."""

from workflow_orders_client.models import Problem, ProblemField


class WorkflowOrdersError(Exception):
    """Base of every error this client raises."""


class ApiError(WorkflowOrdersError):
    """The service answered with an error status; `problem` is its RFC 9457 problem document.

    Statuses without a class of their own (405, 413, 415, an unexpected 500) are raised as ApiError.
    """

    def __init__(self, problem: Problem, request_id: str | None = None) -> None:
        super().__init__(f"{problem.status} {problem.title}: {problem.detail}")
        self.problem = problem
        self.request_id = request_id
        """The service's X-Request-ID of the failed request: the key to its log lines."""

    @property
    def status(self) -> int:
        return self.problem.status


class InvalidInput(ApiError):
    """400: the body, a path id, a query parameter or a cursor is invalid; `errors` names the fields."""

    @property
    def errors(self) -> list[ProblemField]:
        return self.problem.errors or []


class Unauthorized(ApiError):
    """401: no bearer token, or one the service does not know."""


class Forbidden(ApiError):
    """403: a read token tried to write."""


class NotFound(ApiError):
    """404: no such workflow or order (an order is gone once it has expired)."""


class Conflict(ApiError):
    """409: the workflow name is taken, or the order id was used with other content."""


class EventIdExpired(ApiError):
    """410: the stream cannot resume after the event asked for: one older than the 7-day retention,
    or one this service's storage did not issue (another storage, a restored backup or an import,
    or a version before event ids named their store). Follow it again without `last_event_id`,
    and read what you missed from the history."""


class Unavailable(ApiError):
    """503 after every attempt the retry policy allowed; `retry_after` is the service's hint in seconds."""

    def __init__(self, problem: Problem, request_id: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(problem, request_id)
        self.retry_after = retry_after


class RateLimited(Unavailable):
    """429 after every attempt the retry policy allowed: this consumer's request budget is spent for
    now; `retry_after` says in how many seconds one more request fits."""


class ServiceUnreachable(WorkflowOrdersError):
    """No answer after every attempt allowed: a timeout or a connection failure (the cause is chained).

    A write that ends here may or may not have been applied: record_order is safe to call again with
    the same id; a workflow write is not retried, so read the workflow back before repeating it.
    """


class UnexpectedResponse(WorkflowOrdersError):
    """A success status with a body that does not fit the contract (a proxy's page, a newer major version)."""
