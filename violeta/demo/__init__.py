"""Demo data for `make run`: the top layer, which calls each app's ``demo.py`` in order (docs/architecture.md)."""
