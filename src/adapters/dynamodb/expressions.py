"""Expression fragments shared by the repositories."""

ABSENT = "attribute_not_exists(#pk)"
"""No item with this key exists yet (with names("pk"))."""


def names(*attributes: str) -> dict[str, str]:
    """Placeholders for attribute names (many of ours, such as name and ttl, are reserved words)."""
    return {f"#{a}": a for a in attributes}


def live(name_value: str) -> str:
    """The workflow item exists, is not a tombstone, and still has the name that was read
    (with names("pk", "deleted", "name") and the name bound to `name_value`)."""
    return f"attribute_exists(#pk) AND attribute_not_exists(#deleted) AND #name = {name_value}"
