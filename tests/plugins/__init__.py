"""The suite's shared fixtures, by subject; tests/conftest.py loads them (pytest_plugins), as Indico does."""
