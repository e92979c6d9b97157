"""Conformance suites that every adapter of a port must pass (no test modules of their own)."""
