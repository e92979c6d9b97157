"""The service's version: one number for the package and the HTTP contract (OpenAPI `info.version`).

A contract change moves it as CHANGELOG.md says (minor for an addition, patch for a fix); a release
that changes nothing a consumer sees moves the patch number too, so that a running build always
says which contract it serves.
"""

import platform
from importlib.metadata import PackageNotFoundError, version

VERSION = "1.5.0"


def installed_version() -> str:
    """The version of the installed package (what `pip` put here), or "unknown" when run from a tree
    that was never installed."""
    try:
        return version("workflow-orders")
    except PackageNotFoundError:
        return "unknown"


def version_line() -> str:
    """What `workflow-orders --version` prints."""
    return f"workflow-orders {installed_version()} (HTTP API {VERSION}, Python {platform.python_version()})"
