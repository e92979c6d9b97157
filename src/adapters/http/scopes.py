"""The scopes a bearer token can carry: `read` for GETs, `write` for everything (write implies read).

A module of its own, free of Litestar, so that the settings (and every command that reads them)
can name the scopes without importing the web framework.
"""

READ = "read"
WRITE = "write"
SCOPES = (READ, WRITE)
