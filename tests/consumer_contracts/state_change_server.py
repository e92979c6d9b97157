"""The provider-state endpoint pact's verifier calls before each interaction, on a free loopback port.

The verifier POSTs `{"state", "params", "action"}`; the answer's JSON object holds the values the
interaction's provider-state generators use (pact-python's function handlers cannot answer values).
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from provider_states import ProviderStates


def _handler_for(states: ProviderStates) -> type[BaseHTTPRequestHandler]:
    class StateChange(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request: dict[str, Any] = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            try:
                values = states.setup(request["state"], request.get("params")) if request["action"] == "setup" else {}
            except Exception as error:  # the verifier reports the interaction as failed, with this text
                self._answer(500, {"error": f"{type(error).__name__}: {error}"})
            else:
                self._answer(200, values)

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            content = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return StateChange


@contextmanager
def state_change_url(states: ProviderStates) -> Iterator[str]:
    """The URL of a running state change endpoint for `states`, stopped when the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(states))
    thread = threading.Thread(target=server.serve_forever, name="pact-provider-states", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/provider-states"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
