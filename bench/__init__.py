"""The service's benchmark: `python -m bench` (see bench/run.py, or `python -m bench --help`)."""
