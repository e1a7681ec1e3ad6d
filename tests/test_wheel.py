"""The wheel serves: built from the package, installed alone in a fresh virtualenv, it migrates and serves pages.

The wheel is built (with its compiled catalogue, as `make translations` compiles it) from a copy of the package, so
the build leaves nothing in the checkout; it is installed with its dependencies from the indexes pip is set up with,
into a plain virtualenv outside the checkout, and run from an empty folder, so `import crm` can only find the wheel.
About 25 s here (the build 4 s, the install 16 s from pip's cache).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("setup.cfg", "pyproject.toml", "MANIFEST.in", "README.md")
PASSWORD = "Wheel-check-2026!"
# What the installed app must carry, each a path inside the wheel.
CARRIED = ("crm/templates/base.html", "crm/static/css/app.css", "crm/translations/en/LC_MESSAGES/messages.mo",
           "crm/migrations/alembic.ini", "crm/migrations/env.py", "crm/migrations/script.py.mako",
           "crm/auth/common_passwords.txt")

# Run by the virtualenv's python in the empty folder: the app as installed answers through the Flask test client.
SERVE = """
import re, sys
import crm
assert crm.__file__.startswith(sys.prefix), crm.__file__  # the wheel's crm, not the checkout's
app = crm.create_app()
client = app.test_client()
login = client.get("/login")
assert login.status_code == 200, login.status_code
page = login.get_data(as_text=True)
assert "<title>登录 · 招商通</title>" in page and '<html lang="zh-CN">' in page, page[:500]
sheets = re.findall(r'href="(/static/[^"?]+\\.css)[^"]*"', page)
assert sheets, "the sign-in page links no style sheet"
for sheet in sheets:
    served = client.get(sheet)
    assert served.status_code == 200 and served.mimetype == "text/css" and served.data, (sheet, served.status)
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
signed_in = client.post("/login", data={"username": "reader", "password": sys.argv[1], "csrf_token": token})
assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:500]
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
chosen = client.post("/account/language", data={"locale": "en", "csrf_token": token})
assert chosen.status_code == 302, chosen.status_code
english = client.get("/").get_data(as_text=True)
assert '<html lang="en">' in english and "Investment promotion overview" in english and "Sign out" in english
print("served")
"""


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the package with its catalogue compiled."""
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(ROOT / "crm", source / "crm", ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]", "*.mo"))
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, source / name)
    CommandLineInterface().run(["pybabel", "--quiet", "compile", "--use-fuzzy", "-d", str(source / "crm/translations")])
    dist = tmp_path_factory.mktemp("dist")
    # Isolated, as any build: pip brings the build requirements of pyproject.toml from its index.
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", dist, f"{source}/", cwd=source)
    (built,) = dist.glob("magnet_crm-*.whl")
    return built


def test_the_wheel_carries_what_a_served_page_needs(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [path for path in CARRIED if path not in names]
    assert any(name.startswith("crm/migrations/versions/") and name.endswith(".py") for name in names)
    assert any(name.startswith("crm/static/vendor/") for name in names)
    assert not any(name.startswith("tests/") or "__pycache__" in name for name in names)


def test_the_installed_wheel_migrates_and_serves(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python, flask = venv / "bin" / "python", venv / "bin" / "flask"
    run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)

    here = tmp_path / "served"  # an empty folder: nothing named crm beside it
    here.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "FLASK_", "VIRTUAL_ENV"))}
    env |= {"DATABASE_URL": f"sqlite:///{here / 'wheel.db'}", "FLASK_SECRET_KEY": "wheel-test-" + "k" * 40,
            "FLASK_SESSION_COOKIE_SECURE": "false", "FLASK_MFA_REQUIRED_ROLES": "[]",
            "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    run(flask, "--app", "crm", "db", "upgrade", cwd=here, env=env)
    run(flask, "--app", "crm", "users", "create", "reader", "--role", "admin", "--password", PASSWORD,
        cwd=here, env=env)
    assert run(python, "-c", SERVE, PASSWORD, cwd=here, env=env).strip() == "served"
