"""SQLite storage: the embedded default adapter for workflows, orders and storage health."""
