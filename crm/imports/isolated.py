"""Parsing a spreadsheet in a child process, where a crash or a runaway cannot take down a web worker.

`parse_isolated(data, filename, file_format, sheet, limits)` runs `python -m crm.imports.isolated`, hands it the
file through a pipe, and reads back the rows. The child limits its own address space to `limits.memory_bytes`
(RLIMIT_AS) and its processor time to a second past `limits.seconds`; the parent kills it once `limits.seconds` of
wall-clock time have passed. A child that dies (a parser asking for more memory than allowed aborts it), runs out
of time or answers nothing readable is an `ImportRefused` with a Chinese message; the caller goes on serving.

The rows come back pickled; the parent unpickles them allowing no class but the datetime types, so a child that a
hostile file subverted still cannot make the parent build anything else.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_app_context

from ..web.i18n import gettext as _
from .limits import ImportLimits
from .reading import ImportRefused, Table, parse

MEMORY_EXIT = 3  # the child's exit status after a MemoryError it caught
OUT_OF_MEMORY = frozenset({-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, MEMORY_EXIT})
OUT_OF_TIME = frozenset({-signal.SIGXCPU})
ALLOWED = frozenset({("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
                     ("datetime", "timedelta")})
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


class RowsUnpickler(pickle.Unpickler):
    """Lists, text, numbers and the datetime types; nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cell type")
        return super().find_class(module, name)


def request_locale() -> str:
    if not has_app_context():
        return "zh_CN"
    from flask_babel import get_locale

    try:
        return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    except Exception:  # a locale selector needing a request, in a background job
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def parse_isolated(data: bytes, filename: str, file_format: str, sheet: str | None, limits: ImportLimits) -> Table:
    """Parse a checked file in a child process under the limits; its table, or why it was refused."""
    payload = pickle.dumps((data, filename, file_format, sheet, limits.as_tuple(), request_locale()))
    environment = os.environ | {"RUST_BACKTRACE": "0"}
    try:
        child = subprocess.run([sys.executable, "-m", "crm.imports.isolated"], input=payload, capture_output=True,
                               timeout=limits.seconds, env=environment, check=False)
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise out_of_time(limits) from None
    if child.returncode in OUT_OF_MEMORY:
        megabytes = f"{limits.memory_bytes // (1024 * 1024):,}"
        raise ImportRefused(_("读取文件时超出了 %(mb)s MB 的内存上限（表格过大或结构异常），已停止读取；"
                              "请检查文件或拆分后再导入", mb=megabytes), "memory")
    if child.returncode in OUT_OF_TIME:
        raise out_of_time(limits)
    try:
        answer = RowsUnpickler(io.BytesIO(child.stdout)).load() if child.returncode == 0 else None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        answer = None
    if isinstance(answer, tuple) and len(answer) == 3 and answer[0] == "refused":
        raise ImportRefused(str(answer[1]), str(answer[2]))
    if not (isinstance(answer, tuple) and len(answer) == 3 and answer[0] == "table" and isinstance(answer[2], list)):
        if has_app_context():
            current_app.logger.error("import parser exited %s: %s", child.returncode, child.stderr[-2000:])
        raise ImportRefused(_("文件已损坏或不是Excel文件，无法读取"), "unreadable")
    return Table(filename, file_format, str(answer[1]), answer[2])


def out_of_time(limits: ImportLimits) -> ImportRefused:
    seconds = f"{limits.seconds:g}"
    return ImportRefused(_("读取文件超过 %(seconds)s 秒，已停止；请检查文件或拆分后再导入", seconds=seconds), "timeout")


def translating(locale: str) -> Flask:
    """A bare app whose context gives the messages of the reading the parent's language (Chinese: the msgids)."""
    from babel.support import NullTranslations, Translations

    app = Flask(__name__)
    app.app_context().push()
    g._translations = NullTranslations() if locale.startswith("zh") else Translations.load(
        str(TRANSLATIONS), [locale])
    return app


def limit_self(limits: ImportLimits) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    seconds = int(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def main() -> int:
    """The child: read the job from stdin, write the answer to stdout."""
    data, filename, file_format, sheet, limit_values, locale = pickle.load(sys.stdin.buffer)
    limits = ImportLimits(*limit_values)
    translating(locale)
    limit_self(limits)
    try:
        table = parse(data, filename, file_format, sheet, limits)
        answer: tuple[Any, ...] = ("table", table.sheet, table.rows)
    except ImportRefused as refused:
        answer = ("refused", refused.message, refused.reason)
    except MemoryError:
        return MEMORY_EXIT
    del data
    try:
        sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        return MEMORY_EXIT
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
