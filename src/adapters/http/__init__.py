"""HTTP adapter: Litestar controllers and msgspec Structs serving the use cases as API v1."""
