"""Liveness and readiness probes (public)."""

from litestar import get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec

from adapters.http.openapi import PublicOperation
from adapters.http.options import MethodListingController
from adapters.http.problems import PROBLEM_JSON, Problem
from adapters.http.shutdown import ShutdownState
from domain.model.errors import UnavailableError
from ports.health import StorageHealth


class HealthController(MethodListingController):
    path = "/health"
    tags = ["operations"]

    @get("/live", operation_id="live", summary="200 while the process serves requests", operation_class=PublicOperation)
    async def live(self) -> dict[str, str]:
        return {"status": "ok"}

    @get(
        "/ready",
        operation_id="ready",
        summary="200 when the storage answers, else 503",
        operation_class=PublicOperation,
        responses={
            503: ResponseSpec(
                Problem, description="Storage unavailable", media_type=PROBLEM_JSON, generate_examples=False
            )
        },
    )
    async def ready(self, storage_health: NamedDependency[StorageHealth], state: State) -> dict[str, str]:
        shutdown: ShutdownState = state.shutdown  # app state, not a second dependency (see factory)
        if shutdown.draining:
            raise UnavailableError("The service is shutting down.")
        await storage_health.check()
        return {"status": "ok"}
