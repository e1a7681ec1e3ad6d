"""Which enterprise an id, a typed name and a credit code mean: one rule, and every caller gives its answer."""

import random
import uuid

import pytest

from crm.domain.credit_code import make_credit_code
from crm.domain.periods import today
from crm.enterprises.resolver import resolve_enterprise
from crm.enterprises.services import find_or_create
from crm.extensions import db
from crm.imports.lookups import Lookups
from crm.models import Role, VisitKind
from crm.visits.services import VisitInput, log_visit

UNKNOWN_CODE = make_credit_code(random.Random(991))


def visit_input(**fields) -> VisitInput:
    return VisitInput(**({"uuid": str(uuid.uuid4()), "visited_on": today(), "kind": VisitKind.CALL_ON} | fields))


@pytest.fixture
def register(make_enterprise):
    """Enterprises on file: two of one name (the older wins), one without a code, one merged into another."""
    names = {
        "older": make_enterprise(name="远航动力有限公司"),
        "younger": make_enterprise(name="上海远航动力（上海）有限公司"),
        "other": make_enterprise(name="星屿新材料有限公司"),
        "uncoded": make_enterprise(name="凌岳精密机械有限公司", credit_code=None),
        "kept": make_enterprise(name="长江储能有限公司"),
    }
    names["merged"] = make_enterprise(name="江汉电池有限公司", merged_into_id=names["kept"].id)
    return names


# (typed name, credit code by whose it is, or "unknown"): the enterprise meant, or None
CASES = [
    ("远航动力有限公司", None, "older"),
    ("  ＳＨＡＮＧＨＡＩ远航动力股份有限公司 ", None, None),  # another company: its key keeps the latin words
    ("上海市远航动力有限公司", None, "older"),  # a spelling of the same name: the oldest of that name
    ("远航动力有限公司", "other", "other"),  # a code on file wins over the name
    ("远航动力有限公司", "unknown", None),  # same name, another code: another enterprise
    ("凌岳精密机械有限公司", "unknown", "uncoded"),  # the one on file has no code: the name decides
    ("江汉电池有限公司", None, None),  # merged away: not found by its name
    ("江汉电池有限公司", "merged", "kept"),  # its code leads to the enterprise it was merged into
    ("从未登记过的公司", None, None),
]


def code_of(register, whose):
    return UNKNOWN_CODE if whose == "unknown" else register[whose].credit_code if whose else None


@pytest.mark.parametrize(("name", "whose", "meant"), CASES)
def test_every_caller_means_the_same_enterprise(app, make_user, register, name, whose, meant):
    code = code_of(register, whose)
    expected = register[meant].id if meant else None
    found = resolve_enterprise(name, credit_code=code)
    assert (found.id if found else None) == expected
    lookups = Lookups()
    lookups.prefetch(enterprises=[(name, code)], industries=False)
    prefetched = lookups.known_enterprise(name, code)
    assert (prefetched.id if prefetched else None) == expected
    if code is None:
        created = find_or_create(name, actor=make_user(Role.MEMBER))
        assert created.id == expected if expected else created.id not in {e.id for e in register.values()}


@pytest.mark.parametrize(("name", "whose", "meant"), [case for case in CASES if case[1] is None])
def test_a_visit_means_what_the_resolver_means(app, make_user, register, name, whose, meant):
    visit = log_visit(make_user(Role.MEMBER), visit_input(enterprise_name=name)).visit
    if meant:
        assert visit.enterprise_id == register[meant].id
    else:
        assert visit.enterprise_id not in {e.id for e in register.values()}


@pytest.mark.parametrize("typed", ["", "   ", "星屿新材料有限公司", " 上海星屿新材料有限公司 "])
def test_an_id_is_taken_while_the_typed_name_reads_as_its_name(app, make_user, register, typed):
    chosen = register["other"]
    assert resolve_enterprise(typed, chosen.id) == chosen
    assert find_or_create(typed, chosen.id, actor=make_user(Role.MEMBER)) == chosen
    visit = log_visit(make_user(Role.MEMBER), visit_input(enterprise_id=chosen.id, enterprise_name=typed)).visit
    assert visit.enterprise_id == chosen.id


def test_an_id_leads_to_the_enterprise_it_was_merged_into(app, register):
    assert resolve_enterprise("江汉电池有限公司", register["merged"].id) == register["kept"]
    assert resolve_enterprise("长江储能有限公司", register["merged"].id) == register["kept"]


def test_a_chosen_id_whose_typed_name_differs_is_not_taken(app, make_user, register):
    """A form whose chosen id and typed name disagree means the name: the visit does not silently take the id."""
    chosen, typed = register["other"], register["uncoded"]
    member = make_user(Role.MEMBER)
    assert resolve_enterprise(typed.name, chosen.id) == typed
    assert log_visit(member, visit_input(enterprise_id=chosen.id, enterprise_name=typed.name)).visit.enterprise == typed
    created = log_visit(member, visit_input(enterprise_id=chosen.id, enterprise_name="新认识科技有限公司")).visit
    assert created.enterprise.name == "新认识科技有限公司" and created.enterprise_id != chosen.id
    db.session.rollback()
