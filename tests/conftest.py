"""The suite's fixtures live in tests/plugins, by subject; this file loads them.

The app (a fresh app and database per test, on SQLite and on PostgreSQL), the people and records a test makes, the
district demo, the import jobs, and the browser.
"""

import pytest

pytest.register_assert_rewrite("tests.plugins")  # before the import below: the plugins' asserts are explained too

from tests.plugins.app import (  # noqa: E402, F401  (test modules import these from here)
    CI,
    FAST_SETTINGS,
    PASSWORD,
    PG_SERVER,
    empty_database,
    running_app,
    unavailable,
)

pytest_plugins = ["tests.plugins.app", "tests.plugins.people", "tests.plugins.demo", "tests.plugins.imports",
                  "tests.plugins.browser", "tests.plugins.office"]
