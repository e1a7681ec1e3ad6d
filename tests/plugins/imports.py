"""Import tests' fixtures: no import job outlives its test, and the office that runs the imports."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from crm.imports import runner
from crm.models import Role, Team, User

JOB_TIMEOUT = 60  # seconds a job may take on a loaded machine before a test gives up


@pytest.fixture
def jobs_end(app: Flask) -> Iterator[None]:
    """No job thread outlives its test's app (they use its database); a module asks for it with usefixtures."""
    yield
    assert runner.join_all(JOB_TIMEOUT), "an import job was still running"


@pytest.fixture
def office(make_user: Callable[..., User], make_team: Callable[..., Team], login: Callable[..., Any]) -> User:
    """The district's administrator who runs imports (username office), signed in; 上海专班 exists to import into."""
    make_team(name="上海专班", base_city="上海")
    user = make_user(Role.ADMIN, username="office")
    login(user)
    return user
