"""Requests per second of the 亿元以上 ranking's first page, signed in, against a bare Flask page, via gunicorn.

Both are served by gunicorn with the same workers on loopback, in the same run, on the same database: the app
with production settings (no debug, a secret key, cookies over plain http), signed in as a district leader
with the password alone, as under `make run`; the baseline is scripts/bare_ranking.py, which runs the same SQL
with the plain driver and renders the same rows with a plain Jinja template. A threaded keep-alive client drives
each with the same number of connections for a fixed time, in alternating rounds so drift in machine load hits
both alike. Target: the app holds at least half the baseline's requests per second. Load the province demo
first (see scripts/bench_reports.py), then:

    .venv/bin/python scripts/bench_throughput.py                  # both databases, when they answer
    .venv/bin/python scripts/bench_throughput.py --database-url sqlite:////tmp/province.db --seconds 5

The exit status is 1 when the target is missed or a page fails.
"""

from __future__ import annotations

import argparse
import http.client
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench_common import PASSWORD, ROOT, SECOND_STEP, PlainDB, chosen_urls, env_with, leader_login

TARGET = 0.5
GUNICORN = [sys.executable, "-m", "gunicorn"]  # the running interpreter's: a checkout without .venv runs too


@dataclass
class Server:
    """One gunicorn serving an app on a free loopback port."""

    name: str
    app: str
    env: dict[str, str]
    extra: list[str] = field(default_factory=list)
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self, workers: int) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [*GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "--chdir", str(ROOT), *self.extra, self.app], env=self.env)

    def wait(self, path: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise SystemExit(f"{self.name}: gunicorn exited with {self.process.returncode}")
            try:
                status, _, _ = request(self.port, "GET", path)
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"{self.name}: no answer on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def request(port: int, method: str, path: str, body: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def sign_in(port: int, username: str, password: str) -> str:
    """Sign in through the form; return the Cookie header of the signed-in session."""
    status, headers, body = request(port, "GET", "/login")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
    cookie = SimpleCookie(headers.get("set-cookie", ""))
    if status != 200 or not token:
        raise SystemExit(f"the sign-in page answered {status}")
    form = urlencode({"username": username, "password": password, "csrf_token": token.group(1).decode()})
    status, headers, _ = request(port, "POST", "/login", form, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v.value}" for k, v in cookie.items())})
    signed = SimpleCookie(headers.get("set-cookie", ""))
    if status != 302 or "session" not in signed or urlsplit(headers.get("location", "")).path in SECOND_STEP:
        raise SystemExit(f"signing in as {username} failed: HTTP {status} to {headers.get('location')}")
    return f"session={signed['session'].value}"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.seconds += other.seconds

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def drive(port: int, path: str, headers: dict[str, str], connections: int, seconds: float) -> Tally:
    """Send requests over `connections` keep-alive connections for `seconds`; count answers and errors."""
    tallies = [Tally() for _ in range(connections)]
    deadline = time.perf_counter() + seconds

    def client(tally: Tally) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (started := time.perf_counter()) < deadline:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    tally.latencies.append(time.perf_counter() - started)
                else:
                    tally.errors += 1
            except (OSError, http.client.HTTPException):
                tally.errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(t,)) for t in tallies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Tally(seconds=time.perf_counter() - began)
    for tally in tallies:
        total.latencies += tally.latencies
        total.errors += tally.errors
    return total


def same_rows(app_html: bytes, bare_html: bytes) -> bool:
    """Both pages show the same totals and the same projects in the same order."""
    def key(html: bytes) -> tuple:
        return (re.search(rb'data-count="(\d+)" data-total-yuan="(\d+)"', html).groups(),
                re.findall(rb'<tr data-code="([^"]+)"', html))
    return key(app_html) == key(bare_html)


def run(url: str, year: int, args: argparse.Namespace) -> bool:
    plain = PlainDB(url)
    username = leader_login(plain)
    plain.close()
    path = f"/rankings/projects?year={year}"
    # The leader signs in with the password alone, as under `make run` (FLASK_MFA_REQUIRED_ROLES='[]'): the run
    # measures the ranking's page, and enrolling a second factor would change the demo database it reads.
    app = Server("app", "crm:create_app()", env_with(
        DATABASE_URL=url, FLASK_SECRET_KEY=secrets.token_hex(32), FLASK_SESSION_COOKIE_SECURE="false",
        FLASK_DEBUG="0", FLASK_MFA_REQUIRED_ROLES="[]"))
    bare = Server("bare", "bare_ranking:app", env_with(DATABASE_URL=url), ["--pythonpath", str(ROOT / "scripts")])
    try:
        for server in (app, bare):
            server.start(args.workers)
        app.wait("/healthz")
        bare.wait(path)
        cookie = {"Cookie": sign_in(app.port, username, args.password)}
        app_status, _, app_html = request(app.port, "GET", path, headers=cookie)
        bare_status, _, bare_html = request(bare.port, "GET", path)
        if app_status != 200 or bare_status != 200 or not same_rows(app_html, bare_html):
            print(f"{url}: the pages differ (app HTTP {app_status}, bare HTTP {bare_status}): FAIL")
            return False
        tallies = {"app": Tally(), "bare": Tally()}
        for server, headers in ((app, cookie), (bare, {})):  # warm-up: fill caches, open connections
            drive(server.port, path, headers, args.connections, 2)
        for _ in range(args.rounds):
            for server, headers in ((app, cookie), (bare, {})):
                tallies[server.name].add(drive(server.port, path, headers, args.connections, args.seconds))
    finally:
        for server in (app, bare):
            server.stop()
    kind = url.split(":", 1)[0]
    print(f"\n{kind}: {url}  ({args.workers} gunicorn workers, {args.connections} connections, "
          f"{args.rounds}×{args.seconds:g} s each, {path})")
    print(f"{'page':28} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}")
    for name, label in (("app", "app (signed in)"), ("bare", "bare Flask + plain driver")):
        t = tallies[name]
        print(f"{label:28} {len(t.latencies):8d} {t.rps:8.1f} {t.percentile(0.5):8.1f} {t.percentile(0.95):8.1f} "
              f"{t.errors:6d}")
    ratio = tallies["app"].rps / tallies["bare"].rps if tallies["bare"].rps else 0.0
    ok = ratio >= TARGET and not tallies["app"].errors and not tallies["bare"].errors
    print(f"app/bare {ratio:.2f} (target ≥ {TARGET}): {'PASS' if ok else 'FAIL'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append",
                        help="a database with the province demo (repeatable; default: /tmp/province.db and the "
                             "PostgreSQL database bench, those that answer)")
    parser.add_argument("--year", type=int, default=date.today().year, help="the ranking's year")
    parser.add_argument("--seconds", type=float, default=10, help="length of each round (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per page, alternating (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (default 2)")
    parser.add_argument("--password", default=PASSWORD, help="the leader's password (default: the demo's)")
    args = parser.parse_args(argv)
    urls = chosen_urls(args.database_url)
    if not urls:
        print("no database to run on: load the province demo (see --help)", file=sys.stderr)
        return 2
    results = [run(url, args.year, args) for url in urls]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
