"""The digest of a set of order ids, as GET /v1/orders/summary computes it for a window."""

import hashlib
from collections.abc import Iterable


def digest_of(order_ids: Iterable[str]) -> str:
    """Lowercase hex SHA-256 of the ids, sorted, each followed by a newline: equal to a summary's
    `digest` exactly when you hold the same orders as the window (ids in lowercase, as the service
    writes them)."""
    digest = hashlib.sha256()
    for order_id in sorted(order_ids):
        digest.update(f"{order_id}\n".encode())
    return digest.hexdigest()
