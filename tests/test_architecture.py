"""The house's shape, read from the code itself: views short, no import circles, blueprints imported by the factory.

The views are taken from the app's URL map, the modules from the package's files: a new route or module is covered
the day it is added.
"""

import ast
import inspect
from pathlib import Path

import pytest
from flask import Flask

import crm

PACKAGE = Path(crm.__file__).resolve().parent
MAX_VIEW_LINES = 20


def view_length(view) -> int:
    """Lines of a view's own code: from its `def` to its last line, decorators not counted."""
    function = inspect.unwrap(view)
    lines, _ = inspect.getsourcelines(function)
    decorators = sum(1 for line in lines if line.lstrip().startswith("@"))
    return len(lines) - decorators


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_view_runs_over_twenty_lines(app: Flask) -> None:
    long = {endpoint: view_length(view) for endpoint, view in app.view_functions.items()
            if inspect.unwrap(view).__module__.startswith("crm.") and view_length(view) > MAX_VIEW_LINES}
    assert long == {}
    assert len(app.view_functions) > 100  # the URL map was read, not an empty one


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.relative_to(PACKAGE).parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ours a module imports when it is loaded (imports inside functions run later and are left out)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.If) and "TYPE_CHECKING" in ast.unparse(statement.test):
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                stem = ".".join(base + ([node.module] if node.module else []))
                targets = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target not in (module, "crm"):
                    found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {module: imported(module, path, known) for module, path in known.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_circles_are_found_when_there_are_some() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = import_graph()
    assert len(graph) > 150
    assert circles(graph) == []


def test_blueprints_are_imported_by_the_factory_alone() -> None:
    graph = import_graph()
    blueprints = {module for module in graph if module.endswith(".blueprint")}
    assert len(blueprints) >= 15
    importers = {module: sorted(targets & blueprints) for module, targets in graph.items() if targets & blueprints}
    assert importers == {}  # the factory imports them inside register_blueprints, when the app is built
