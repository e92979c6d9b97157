"""Adapters: storage engines and HTTP, each implementing ports or serving use cases."""
