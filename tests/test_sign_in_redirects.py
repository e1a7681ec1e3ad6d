"""After sign-in the browser goes on only to a page of this site, whatever `next` says."""

from urllib.parse import quote, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD

SITE = "https://magnet.example/login"
HOSTILE_NEXT = ["//evil.example", "https://evil.example", "http://evil.example/visits/", "/\\evil.example",
                "\\\\evil", "\\/evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "%2F%2Fevil",
                "%252F%252Fevil", "///evil", "////evil", "http:evil", "https:/evil.example", "/\t/evil.example",
                "/\n/evil.example", "/\r\n/evil.example", " //evil.example", "/%09/evil.example", "/%5Cevil.example",
                "data:text/html,<script>alert(1)</script>", "/@evil.example", "//evil.example@magnet.example",
                "/visits/" + "a" * 20_000, "\u3000//evil.example", "／／evil.example", "/.//evil.example",
                "/\n", "/\r", "/visits/\r\nSet-Cookie: session=x"]


def where_a_browser_goes(location: str) -> tuple[str, str]:
    """(scheme, host) a browser reaches from this Location: it drops tabs and newlines and reads \\ as /."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/").strip()
    parts = urlsplit(urljoin(SITE, cleaned))
    return parts.scheme, parts.netloc


def assert_stays_here(response) -> None:
    assert response.status_code in (302, 303), response.status_code
    location = response.headers["Location"]
    assert location.startswith("/") and location[1:2] not in ("/", "\\"), location[:80]
    assert not any(ord(char) < 0x21 for char in location), repr(location[:80])
    assert where_a_browser_goes(location) == ("https", "magnet.example"), location[:80]


@pytest.mark.parametrize("target", HOSTILE_NEXT, ids=lambda t: repr(t[:30]))
def test_sign_in_goes_on_only_to_this_site(client, member, target):
    response = client.post("/login", data={"username": member.username, "password": PASSWORD, "next": target})
    assert_stays_here(response)
    # signed in already, the sign-in page sends the browser on at once, by the same rule
    assert_stays_here(client.get("/login", query_string={"next": target}))


@pytest.mark.parametrize("target", HOSTILE_NEXT[:12], ids=lambda t: repr(t[:30]))
def test_a_raw_query_string_is_held_to_the_same_rule(client, member, target):
    client.post("/login", data={"username": member.username, "password": PASSWORD})
    assert_stays_here(client.get("/login?next=" + quote(target, safe="%/:\\")))


def test_a_local_target_is_kept(client, member):
    response = client.post("/login", data={"username": member.username, "password": PASSWORD,
                                           "next": "/visits/?kind=call_on"})
    assert response.headers["Location"] == "/visits/?kind=call_on"


def test_any_next_whatsoever_stays_on_this_site(client, member):
    client.post("/login", data={"username": member.username, "password": PASSWORD})
    pieces = st.sampled_from(["/", "//", "\\", ":", "@", "evil.example", "http", "javascript", "%2F", "%5C", "\t",
                              "\n", ".", "?", "#", " ", "\u3000", "／"])

    @given(target=st.one_of(st.text(st.characters(exclude_categories=["Cs"])),
                            st.lists(pieces, max_size=8).map("".join)))
    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    def stays_here(target: str) -> None:
        if "\x00" in target:
            return  # refused before any view reads it (tests/test_hostile_forms.py)
        assert_stays_here(client.get("/login", query_string={"next": target}))

    stays_here()
