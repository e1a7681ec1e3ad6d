"""What each hand-made speed layer saves on the pages it serves: each page with the layer, against the same page
with the plain way in its place (measured in the same run, interleaved, in CPU time), as a ratio: plain ÷ layer,
so 1.30× means the page takes 30% longer without it. A layer earns its keep at 1.10× or more on a page it serves.

The layers:
- per_role: the menu's markup kept per role and language (crm/web/templating.py), against rendering it each time;
- kept translations: the request's translations kept in `g` (crm/web/i18n.py), against Flask-Babel's lookup each call;
- filter form: the ranking's filter form kept as markup per state (crm/rankings/filter_form.py), against rendering it;
- option lists: ListedSelectField's option markup made once (crm/web/option_lists.py), against WTForms' SelectField
  building, comparing and rendering every choice (timed with the filter form rendered each time, as on a miss);
- id links: the ranking's row links built from one url_for (crm/rankings/shown_rows.py), against url_for a row.

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
from contextlib import ExitStack, contextmanager, nullcontext
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
    """`owner.name` is `value` inside the block (deleted when value is None)."""
    had, old = hasattr(owner, name) and name in vars(owner), getattr(owner, name, None)
    if value is None:
        delattr(owner, name)
    else:
        setattr(owner, name, value)
    try:
        yield
    finally:
        if had:
            setattr(owner, name, old)
        elif value is not None:
            delattr(owner, name)


@contextmanager
def without_per_role(app: Any) -> Iterator[None]:
    from markupsafe import Markup
    globals_, kept = app.jinja_env.globals, app.jinja_env.globals["per_role"]
    globals_["per_role"] = lambda name, caller: Markup(caller())
    try:
        yield
    finally:
        globals_["per_role"] = kept


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


@contextmanager
def without_option_lists(app: Any) -> Iterator[None]:
    """ListedSelectField as a plain SelectField of the same choices (its option markup, lookup and choices gone)."""
    from wtforms import SelectField

    from crm.web.option_lists import ListedSelectField
    with ExitStack() as stack:
        stack.enter_context(without_filter_form(app))
        for name in ("iter_choices", "has_groups", "pre_validate"):
            stack.enter_context(patched(ListedSelectField, name, getattr(SelectField, name)))
        stack.enter_context(patched(ListedSelectField, "option_tags", None))
        yield


def only_without_filter_form(app: Any) -> Any:
    return without_filter_form(app)


def without_id_links(_app: Any) -> Any:
    from flask import url_for

    import crm.rankings.shown_rows as shown_rows

    def links(endpoint: str, key: str) -> Callable[[int], str]:
        return lambda record_id: url_for(endpoint, **{key: record_id})
    return patched(shown_rows, "id_links", links)


# (layer, how to take it away, the pages it serves; for option lists the baseline has the filter form rendered too)
LAYERS: list[tuple[str, Callable[[Any], Any], Callable[[Any], Any] | None, tuple[str, ...]]] = [
    ("per_role menu", without_per_role, None, ("/projects/", "/rankings/projects")),
    ("kept translations", without_kept_translations, None, ("/projects/", "/rankings/projects")),
    ("filter form markup", without_filter_form, None, ("/rankings/projects",)),
    ("option lists", without_option_lists, only_without_filter_form, ("/rankings/projects", "/rankings/teams")),
    ("id links", without_id_links, None, ("/rankings/projects",)),
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

    def sides(path: str, take_away: Callable[[Any], Any], baseline: Callable[[Any], Any] | None) -> tuple[Any, Any]:
        def with_layer() -> None:
            with baseline(app) if baseline is not None else nullcontext():
                request(path)

        def plain_way() -> None:
            with take_away(app):
                request(path)
        return with_layer, plain_way

    print(f"{'layer':22}{'page':22}{'with (ms)':>10}{'plain (ms)':>11}{'ratio':>8}  verdict")
    verdicts = []
    for name, take_away, baseline, pages in LAYERS:
        for path in pages:
            (kept,), (bare,) = alternately([cpu_time(side) for side in sides(path, take_away, baseline)], args.runs,
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
