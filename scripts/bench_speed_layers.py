"""What each hand-made speed layer saves on the pages it serves: each page with the layer, against the same page
with the plain way in its place (measured in the same run, interleaved, in CPU time), as a ratio: plain ÷ layer,
so 1.30× means the page takes 30% longer without it. A layer earns its keep at 1.10× or more on a page it serves.

The layers:
- kept translations: the request's translations kept in `g` (crm/web/i18n.py), against Flask-Babel's lookup each call;
- filter form: the ranking's filter form kept as markup per state (crm/rankings/filter_form.py), against rendering it;
- kept filter lists: the ranking's team, industry and district lists kept a minute per process
  (crm/rankings/filter_options.py), against reading them each request;

Three more did not pay on the district demo and are gone: the menu's markup kept per role (1.02–1.06×), a SelectField
made over to write its options from markup made once (1.02–1.06×), and the ranking's row links cut from one url_for
(1.04–1.06×).

Signed in as the district's leader on a demo database, production settings:

    FLASK_SECRET_KEY=x DATABASE_URL=sqlite:////tmp/demo.db .venv/bin/flask --app crm db upgrade
    FLASK_SECRET_KEY=x DATABASE_URL=sqlite:////tmp/demo.db .venv/bin/flask --app crm demo
    .venv/bin/python scripts/bench_speed_layers.py --database-url sqlite:////tmp/demo.db
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench_common import PlainDB, alternately, leader_login, production_app, signed_in_client

PAYS = 1.10


def cpu_time(work: Callable[[], Any]) -> Callable[[], tuple[float]]:
    """A measure of the CPU time the work takes in this process (the machine's other load hardly moves it)."""
    def measure() -> tuple[float]:
        started = time.process_time()
        work()
        return (time.process_time() - started,)
    return measure


@contextmanager
def patched(owner: Any, name: str, value: Any) -> Iterator[None]:
    """`owner.name` is `value` inside the block."""
    old = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, old)


def without_kept_translations(_app: Any) -> Any:
    import flask_babel

    import crm.web.i18n as i18n
    return patched(i18n, "translations", flask_babel.get_translations)


def without_filter_form(_app: Any) -> Any:
    from flask import render_template
    from markupsafe import Markup

    import crm.rankings.views as views

    def rendered(form: Any, endpoint: str) -> Markup:
        return Markup(render_template("rankings/_period_form.html", form=form, endpoint=endpoint))
    return patched(views, "filter_form", rendered)


def without_kept_lists(_app: Any) -> Any:
    import crm.rankings.filter_options as filter_options
    return patched(filter_options, "kept_list", lambda _key, read, _wanted: read())


# (layer, how to take it away, the pages it serves)
LAYERS: list[tuple[str, Callable[[Any], Any], tuple[str, ...]]] = [
    ("kept translations", without_kept_translations, ("/projects/", "/rankings/projects")),
    ("filter form markup", without_filter_form, ("/rankings/projects",)),
    ("kept filter lists", without_kept_lists, ("/rankings/projects",)),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/demo.db", help="a database with the demo loaded")
    parser.add_argument("--runs", type=int, default=40, help="timed requests of each side (default 40)")
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args(argv)

    plain = PlainDB(args.database_url)
    username = leader_login(plain)
    plain.close()
    app = production_app(args.database_url)
    client = signed_in_client(app, username)

    def request(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    def sides(path: str, take_away: Callable[[Any], Any]) -> tuple[Any, Any]:
        def with_layer() -> None:
            request(path)

        def plain_way() -> None:
            with take_away(app):
                request(path)
        return with_layer, plain_way

    print(f"{'layer':22}{'page':22}{'with (ms)':>10}{'plain (ms)':>11}{'ratio':>8}  verdict")
    verdicts = []
    for name, take_away, pages in LAYERS:
        for path in pages:
            (kept,), (bare,) = alternately([cpu_time(side) for side in sides(path, take_away)], args.runs,
                                           args.warmup)
            ratio = bare / kept
            verdicts.append((name, ratio))
            print(f"{name:22}{path:22}{kept:10.2f}{bare:11.2f}{ratio:7.2f}×  {'pays' if ratio >= PAYS else '-'}")
    print()
    for name in dict.fromkeys(name for name, _ratio in verdicts):
        best = max(ratio for layer, ratio in verdicts if layer == name)
        print(f"{name:22} best {best:.2f}×: {'keep' if best >= PAYS else 'does not pay'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
