"""The interface speaks Chinese by default and English on request, from a complete catalogue."""

import html
import re
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from crm.extensions import db
from crm.models import Role, User
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "crm" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
# The keywords `make messages` extracts with: babel's defaults (_, gettext, …) plus the lazy ones.
KEYWORDS = DEFAULT_KEYWORDS | {"_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
FIX = "run `make messages`, then translate the new entries in crm/translations/en/LC_MESSAGES/messages.po"


def load_catalogue() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's text as a tuple of its forms (one unless it has plurals)."""
    return string if isinstance(string, tuple) else (string,)


def choose_language(client, locale: str):
    response = client.post("/account/language", data={"locale": locale})
    assert response.status_code == 302, response.text
    return response


def test_the_default_interface_is_chinese(client):
    page = client.get("/login").text
    assert '<html lang="zh-CN">' in page
    assert "登录招商通" in page and "登录" in page
    assert "Sign in" not in page


def test_a_user_who_chooses_english_gets_english_pages(compiled_catalogue, client, make_user, login):
    user = make_user(Role.MEMBER)
    login(user)
    assert "招商引资工作概况" in client.get("/").text

    assert choose_language(client, "en").location == "/"
    assert db.session.get(User, user.id).locale == "en"

    dashboard = client.get("/")
    assert dashboard.status_code == 200
    page = dashboard.text
    assert '<html lang="en">' in page
    assert "Investment promotion overview" in page
    assert "Key figures" in page and "Signed projects" in page and "Projects of ¥100M+" in page
    assert "out-of-area promotion teams made" in page  # the brief, with its figures filled in
    assert "Sign out" in page
    assert "招商引资工作概况" not in page and "主要指标" not in page

    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "Page not found" in missing.text and "Back to home" in missing.text
    assert "页面不存在" not in missing.text

    forbidden = client.get("/admin/users/")
    assert forbidden.status_code == 403
    assert "Access denied" in forbidden.text
    assert "This is for Security administrator only; you are signed in as Team member." in forbidden.text
    assert "没有权限" not in forbidden.text

    choose_language(client, "zh_CN")
    assert "招商引资工作概况" in client.get("/").text


def test_an_unknown_language_is_ignored(compiled_catalogue, client, make_user, login):
    user = make_user(Role.MEMBER)
    login(user)
    choose_language(client, "fr")
    assert db.session.get(User, user.id).locale != "fr"
    assert "招商引资工作概况" in client.get("/").text


def test_every_message_is_translated_with_the_same_placeholders():
    untranslated, fuzzy, mismatched = [], [], []
    for message in load_catalogue():
        if not message.id:
            continue  # the header
        if message.fuzzy:
            fuzzy.append(message.id)
        if not all(text.strip() for text in forms(message.string)):
            untranslated.append(message.id)
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(forms(message.id))))
        for text in forms(message.string):
            found = set(PLACEHOLDER.findall(text))
            if found != wanted:
                mismatched.append(f"{message.id!r}: needs {sorted(wanted)}, has {sorted(found)} in {text!r}")
    problems = ([f"untranslated: {untranslated}"] if untranslated else []) + (
        [f"fuzzy (unreviewed; check them and remove the flag): {fuzzy}"] if fuzzy else []) + (
        ["placeholders differ:", *mismatched] if mismatched else [])
    assert not problems, f"in {PO}:\n" + "\n".join(problems)


def test_the_catalogue_holds_every_string_the_code_uses():
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    used: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS):
        msgid = forms(message)[0]
        if msgid:
            used.setdefault(msgid, f"{filename}:{lineno}")
    assert len(used) > 50, "extraction found almost nothing: is babel.cfg still right?"
    catalogue = load_catalogue()
    missing = sorted(f"{where}: {msgid!r}" for msgid, where in used.items() if msgid not in catalogue)
    assert not missing, f"{len(missing)} strings are not in the English catalogue; {FIX}:\n" + "\n".join(missing)


def test_lists_in_messages_are_joined_the_english_way(compiled_catalogue, client, make_user, login):
    user = make_user(Role.MEMBER, username="zhangwei")
    login(user)
    choose_language(client, "en")
    response = client.post("/account/password", data={"current": PASSWORD, "new": "Zhangwei1", "confirm": "Zhangwei1"})
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "needs at least 10 characters; it has 9; The password must not contain the username" in page
    assert "、" not in page and "；" not in page


def test_choices_made_when_forms_are_defined_follow_the_pages_language(compiled_catalogue, client, make_user,
                                                                        login):
    """Options written once in a form class (quarters, visit kinds) are shown in the language of each request."""
    login(make_user(Role.LEADER))
    for language, quarter, kind in (("en", "Q1", "On-site visit"), ("zh_CN", "第1季度", "走访")):
        choose_language(client, language)
        ranking, visits = client.get("/rankings/teams").text, client.get("/visits/").text
        assert f'<option value="1">{quarter}</option>' in ranking
        assert f">{kind}</option>" in visits


def test_brackets_and_colons_around_names_are_english_in_english(compiled_catalogue, client, make_user, login,
                                                                   make_project):
    """Punctuation the pages put between their words and the records' text follows the page's language."""
    leader = make_user(Role.LEADER, display_name="王伟", title="副区长")
    admin = make_user(Role.ADMIN, display_name="李主任")
    project = make_project(chief_officer=leader, verified_by=admin,
                           verified_at=datetime(2026, 3, 6, 2, 0, tzinfo=UTC))
    login(admin)
    for language, chief, verified in (("en", "王伟 (副区长)", "Verified (李主任, 2026-03-06)"),
                                      ("zh_CN", "王伟（副区长）", "已认定（李主任，2026-03-06）")):
        choose_language(client, language)
        page = re.sub(r"<[^>]+>", "", client.get(f"/projects/{project.id}").text)  # as read, without the markup
        assert chief in page and verified in page
