"""Ports: the Protocols through which use cases reach storage, time and identity."""
