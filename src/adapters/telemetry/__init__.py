"""Telemetry: Prometheus metrics for requests, storage calls and recorded orders."""
