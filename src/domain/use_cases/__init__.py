"""Use cases: one class per thing a caller can do, each with one async `execute`."""
