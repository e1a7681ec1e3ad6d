"""The enterprise register: names, duplicates, search, contacts, team-scoped activity, merging."""

import json
import random

import pytest
from sqlalchemy import func, select

from crm.domain.credit_code import CHARSET, make_credit_code
from crm.enterprises import merging, services
from crm.enterprises.contacts import mask_phone
from crm.enterprises.names import normalise_name
from crm.enterprises.views import page_url
from crm.extensions import db
from crm.models import AuditEvent, Contact, Enterprise, Lead, Overlap, Ownership, Project, Role, Visit

CODES = [make_credit_code(random.Random(seed)) for seed in range(10)]


def full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


def wrong_check_digit(code: str) -> str:
    return code[:-1] + next(char for char in CHARSET if char != code[-1])


def count_enterprises() -> int:
    return db.session.scalar(select(func.count(Enterprise.id)))


@pytest.fixture
def make_named(make_enterprise):
    """An enterprise whose name key is what the register computes."""
    def make(name: str, **fields):
        return make_enterprise(name=name, name_key=normalise_name(name), **fields)
    return make


@pytest.mark.parametrize(("one", "other"), [
    ("华为技术（上海）有限公司", "上海华为技术有限公司"),
    ("上海市华为技术有限责任公司", "华为技术股份有限公司"),
    ("ＨＵＡＷＥＩ 技术有限公司", "Huawei技术有限公司"),
    ("湖北省十堰市东风汽车零部件有限公司", "东风汽车零部件(十堰)有限公司"),
    ("瀚泽·新材料科技有限公司", "瀚泽新材料科技有限公司"),
])
def test_spellings_of_one_company_share_a_key(one, other):
    assert normalise_name(one) == normalise_name(other)


@pytest.mark.parametrize(("one", "other"), [
    ("北京银行股份有限公司", "上海银行股份有限公司"),  # the place is the trade name
    ("上海汽车集团股份有限公司", "北京汽车集团有限公司"),
    ("华为技术有限公司", "华为软件有限公司"),
])
def test_different_companies_keep_different_keys(one, other):
    assert normalise_name(one) != normalise_name(other)


def test_phones_are_masked_in_lists():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone(None) == ""


def test_a_taken_credit_code_is_refused_however_typed(app, make_named, make_user):
    existing = make_named("瀚泽新材料有限公司", credit_code=CODES[0])
    before = count_enterprises()
    with pytest.raises(services.DuplicateCreditCode) as refused:
        services.create_enterprise(actor=make_user(Role.ADMIN), name="另一家公司",
                                   credit_code=full_width(CODES[0].lower()))
    assert refused.value.existing.id == existing.id
    db.session.rollback()
    assert count_enterprises() == before


def test_merge_moves_everything_and_keeps_the_merged_marked(app, make_named, make_user, make_visit, make_lead,
                                                             make_project):
    admin = make_user(Role.ADMIN)
    keep = make_named("瀚泽新材料有限公司", credit_code=None, industry=None, city=None)
    merged = make_named("上海瀚泽新材料有限公司", credit_code=CODES[1], industry="新材料", city="上海", listed=True)
    visit, lead = make_visit(enterprise=merged), make_lead(enterprise=merged)
    make_project(enterprise=merged)
    db.session.add_all([Contact(enterprise_id=merged.id, name="王经理", phone="13812345678"),
                        Overlap(enterprise_id=merged.id, team_id=visit.team_id, lead_id=lead.id, source="visit",
                                source_id=visit.id)])
    db.session.commit()
    lead_version = lead.version

    assert merging.merge_enterprises(keep, merged, actor=admin) is keep
    db.session.commit()
    db.session.expire_all()
    for model in (Visit, Lead, Project, Contact, Overlap):
        assert db.session.scalar(select(func.count()).where(model.enterprise_id == merged.id)) == 0, model
        assert db.session.scalar(select(func.count()).where(model.enterprise_id == keep.id)) == 1, model
    assert db.session.get(Lead, lead.id).version == lead_version + 1
    assert (keep.credit_code, keep.industry, keep.city, keep.listed) == (CODES[1], "新材料", "上海", True)
    assert merged.merged_into_id == keep.id and merged.credit_code is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert (event.user_id, event.entity_id) == (admin.id, keep.id)
    assert json.loads(event.detail)["moved"]["visits"] == 1
    assert services.similar_enterprises("瀚泽新材料有限公司") == [keep]


def test_merge_refuses_self_and_the_already_merged_and_follows_merges(app, make_named, make_user):
    admin = make_user(Role.ADMIN)
    one, two, three = (make_named(f"瀚泽{n}有限公司") for n in "一二三")
    with pytest.raises(merging.MergeRefused):
        merging.merge_enterprises(one, one, actor=admin)
    merging.merge_enterprises(one, two, actor=admin)
    with pytest.raises(merging.MergeRefused):
        merging.merge_enterprises(three, two, actor=admin)
    with pytest.raises(merging.MergeRefused):  # into two means into one, its kept enterprise
        merging.merge_enterprises(two, one, actor=admin)
    assert merging.merge_enterprises(two, three, actor=admin) is one
    assert three.merged_into_id == one.id


def test_search_by_part_of_name_or_by_code(client, login, make_user, make_named):
    login(make_user(Role.MEMBER))
    make_named("瀚泽新材料科技有限公司", credit_code=CODES[2])
    make_named("Acme Robotics 有限公司", credit_code=CODES[3])
    gone = make_named("瀚泽旧名称有限公司", credit_code=CODES[4])
    gone.merged_into_id = make_named("其他公司").id
    db.session.commit()
    for q in ("新材料", "瀚泽", CODES[2].lower(), full_width(CODES[2])):
        page = client.get("/enterprises/", query_string={"q": q}).text
        assert "瀚泽新材料科技有限公司" in page and "Acme" not in page, q
    assert "Acme Robotics" in client.get("/enterprises/?q=ＲＯＢＯＴ").text
    assert "瀚泽旧名称" not in client.get("/enterprises/?q=瀚泽").text
    assert "没有符合条件的企业" in client.get("/enterprises/?q=100%").text


def test_filters_and_pagination_keep_the_query(app, client, login, make_user, make_named):
    login(make_user(Role.LEADER))
    make_named("杭州甲公司", industry="生物医药", province="浙江", city="杭州", ownership=Ownership.PRIVATE,
               fortune500=True)
    make_named("上海乙公司", industry="生物医药", province="上海", city="上海", ownership=Ownership.FOREIGN)
    make_named("上海丙公司", industry="新材料", province="上海", city="上海", ownership=Ownership.FOREIGN)
    page = client.get("/enterprises/?city=杭州").text
    assert "杭州甲公司" in page and "上海乙公司" not in page
    page = client.get("/enterprises/?industry=生物医药&ownership=foreign").text
    assert "上海乙公司" in page and "上海丙公司" not in page and "杭州甲公司" not in page
    assert "世界500强" in client.get("/enterprises/?province=浙江").text
    assert client.get("/enterprises/?ownership=nonsense").status_code == 400

    app.config["PAGE_SIZE"] = 1
    first = client.get("/enterprises/?province=上海").text
    assert "上海丙公司" in first and "上海乙公司" not in first
    assert "/enterprises/?page=2&amp;province=" in first
    second = client.get("/enterprises/?province=上海&page=2").text
    assert "上海乙公司" in second and "杭州甲公司" not in second


def test_detail_shows_full_phones_and_the_list_masks_them(client, login, make_user, make_named):
    enterprise = make_named("瀚泽新材料有限公司")
    member = make_user(Role.MEMBER)
    db.session.add(Contact(enterprise_id=enterprise.id, team_id=member.team_id, name="王经理", title="总经理",
                           phone="13812345678"))
    db.session.commit()
    login(member)  # of the team that holds the contact (tests/test_contact_privacy.py: everyone else sees masks)
    listing = client.get("/enterprises/").text
    assert "138****5678" in listing and "13812345678" not in listing
    detail = client.get(f"/enterprises/{enterprise.id}").text
    assert "13812345678" in detail and "王经理" in detail and "总经理" in detail


def test_members_see_their_own_teams_work_and_every_signed_project(client, login, make_user, make_team, make_named,
                                                                   make_visit, make_lead, make_project):
    team_a, team_b = make_team(name="上海专班"), make_team(name="深圳专班")
    enterprise = make_named("瀚泽新材料有限公司")
    make_visit(team=team_a, enterprise=enterprise, summary="甲队拜访纪要")
    make_visit(team=team_b, enterprise=enterprise, summary="乙队拜访纪要")
    make_lead(team=team_a, enterprise=enterprise, title="甲队线索项目")
    make_lead(team=team_b, enterprise=enterprise, title="乙队线索项目")
    make_project(team=team_b, enterprise=enterprise, name="乙队签约项目")
    login(make_user(Role.MEMBER, team=team_a))
    page = client.get(f"/enterprises/{enterprise.id}").text
    assert "甲队拜访纪要" in page and "甲队线索项目" in page and "乙队签约项目" in page
    assert "乙队拜访纪要" not in page and "乙队线索项目" not in page
    client.post("/logout")
    login(make_user(Role.LEADER))
    page = client.get(f"/enterprises/{enterprise.id}").text
    assert "乙队拜访纪要" in page and "乙队线索项目" in page


def test_links_go_only_to_pages_that_exist(app, make_named):
    enterprise = make_named("瀚泽新材料有限公司")
    with app.test_request_context():
        assert page_url("enterprises", enterprise.id) == f"/enterprises/{enterprise.id}"
        assert page_url("no-such-pages", 1) is None


def test_adding_an_enterprise_is_audited(client, login, make_user):
    user = make_user(Role.MEMBER)
    login(user)
    response = client.post("/enterprises/new", data={
        "name": "瀚泽新材料（上海）有限公司", "credit_code": full_width(CODES[5].lower()), "industry": "新材料",
        "province": "上海", "city": "上海", "ownership": "private", "listed": "y"})
    enterprise = db.session.scalar(select(Enterprise))
    assert response.status_code == 302 and response.location == f"/enterprises/{enterprise.id}"
    assert (enterprise.credit_code, enterprise.name_key, enterprise.ownership) == (CODES[5], "瀚泽新材料",
                                                                                    Ownership.PRIVATE)
    assert enterprise.listed and not enterprise.fortune500
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "Enterprise"))
    assert (event.action, event.user_id, event.entity_id) == ("insert", user.id, enterprise.id)


def test_a_taken_credit_code_is_refused_with_a_link(client, login, make_user, make_named):
    existing = make_named("瀚泽新材料有限公司", credit_code=CODES[6])
    other = make_named("锐森电子有限公司", credit_code=None)
    login(make_user(Role.MEMBER))
    response = client.post("/enterprises/new", data={"name": "完全不同的公司", "credit_code": CODES[6].lower()})
    assert response.status_code == 422
    assert "已登记在另一家企业名下" in response.text and f'href="/enterprises/{existing.id}"' in response.text
    assert count_enterprises() == 2
    response = client.post(f"/enterprises/{other.id}/edit", data={"name": "锐森电子新名称", "credit_code": CODES[6],
                                                                  "version": other.version})
    assert response.status_code == 422 and f'href="/enterprises/{existing.id}"' in response.text
    db.session.refresh(other)
    assert (other.name, other.credit_code) == ("锐森电子有限公司", None)


def test_a_code_taken_in_a_race_is_refused_not_a_500(client, login, make_user, make_named, monkeypatch):
    make_named("瀚泽新材料有限公司", credit_code=CODES[8])
    monkeypatch.setattr(services, "by_credit_code", lambda code, excluding=None: None)  # the check saw nothing
    login(make_user(Role.MEMBER))
    response = client.post("/enterprises/new", data={"name": "锐森电子有限公司", "credit_code": CODES[8]})
    assert response.status_code == 422 and "刚被登记" in response.text
    assert count_enterprises() == 1


def test_a_wrong_check_digit_is_refused(client, login, make_user):
    login(make_user(Role.MEMBER))
    response = client.post("/enterprises/new", data={"name": "瀚泽新材料有限公司",
                                                     "credit_code": wrong_check_digit(CODES[7])})
    assert response.status_code == 422 and "校验位不正确" in response.text
    assert count_enterprises() == 0


def test_a_look_alike_name_is_saved_only_when_confirmed(client, login, make_user, make_named):
    existing = make_named("瀚泽新材料有限公司")
    login(make_user(Role.MEMBER))
    data = {"name": "上海瀚泽新材料有限公司", "industry": "新材料"}
    warned = client.post("/enterprises/new", data=data)
    assert warned.status_code == 422
    assert "名称相近" in warned.text and f'href="/enterprises/{existing.id}"' in warned.text
    assert "仍然保存" in warned.text and count_enterprises() == 1
    saved = client.post("/enterprises/new", data=data | {"confirm": "y"})
    assert saved.status_code == 302 and count_enterprises() == 2
    # editing other fields of a look-alike asks nothing again
    edited = client.post(saved.location + "/edit", data=data | {"city": "上海", "version": "1"})
    assert edited.status_code == 302


def test_contacts_are_added_checked_and_deleted(client, login, make_user, make_named):
    enterprise, other = make_named("瀚泽新材料有限公司"), make_named("锐森电子有限公司")
    login(make_user(Role.MEMBER))
    url = f"/enterprises/{enterprise.id}/contacts"
    refused = client.post(url, data={"name": "王经理", "phone": "call me"})
    assert refused.status_code == 422 and "电话只能包含数字" in refused.text
    assert client.post(url, data={"title": "总经理"}).status_code == 422
    assert db.session.scalar(select(func.count(Contact.id))) == 0
    added = client.post(url, data={"name": "王经理", "phone": "+86 138-1234-5678", "wechat": "wx_wang"})
    assert added.status_code == 302 and added.location.endswith("#contacts")
    contact = db.session.scalar(select(Contact))
    assert (contact.enterprise_id, contact.phone, contact.title) == (enterprise.id, "+86 138-1234-5678", None)
    assert client.post(f"/enterprises/{other.id}/contacts/{contact.id}/delete").status_code == 404
    assert client.post(f"{url}/{contact.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(Contact.id))) == 0


def test_admin_merges_a_duplicate_and_members_may_not(client, login, make_user, make_named, make_visit):
    keep = make_named("瀚泽新材料有限公司")
    merged = make_named("上海瀚泽新材料有限公司")
    make_named("锐森电子有限公司")
    make_visit(enterprise=merged, summary="合并前的拜访")
    url = f"/enterprises/{merged.id}/merge"
    login(make_user(Role.MEMBER))
    assert client.get(url).status_code == 403
    assert client.post(url, data={"keep_id": keep.id}).status_code == 403
    client.post("/logout")
    login(make_user(Role.ADMIN))
    page = client.get(url).text
    assert f'value="{keep.id}"' in page and "锐森电子有限公司" not in page  # the look-alike is offered
    assert "锐森电子有限公司" in client.get(url, query_string={"q": "锐森"}).text
    assert client.post(url, data={"keep_id": merged.id}).status_code == 422
    assert "没有编号为 99999 的企业" in client.post(url, data={"keep_id": 99999}).text
    response = client.post(url, data={"keep_id": keep.id})
    assert response.status_code == 302 and response.location == f"/enterprises/{keep.id}"
    assert "合并前的拜访" in client.get(response.location).text
    gone = client.get(f"/enterprises/{merged.id}").text
    assert "该企业已合并到" in gone and f'href="/enterprises/{keep.id}"' in gone
    assert client.get(f"/enterprises/{merged.id}/edit").location == f"/enterprises/{keep.id}"
    assert "上海瀚泽" not in client.get("/enterprises/").text


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/enterprises/99999"), ("GET", "/enterprises/99999/edit"), ("POST", "/enterprises/99999/edit"),
    ("GET", "/enterprises/99999/merge"), ("POST", "/enterprises/99999/contacts"),
    ("POST", "/enterprises/99999/contacts/99999/delete"),
])
def test_unknown_ids_answer_404(client, login, make_user, method, url):
    login(make_user(Role.ADMIN))
    assert client.open(url, method=method, data={"name": "x"}).status_code == 404


def test_form_pages_show_what_is_on_file(client, login, make_user, make_named):
    enterprise = make_named("瀚泽新材料有限公司", ownership=Ownership.STATE, credit_code=CODES[9])
    login(make_user(Role.MEMBER))
    assert client.get("/enterprises/new").status_code == 200
    page = client.get(f"/enterprises/{enterprise.id}/edit").text
    assert 'value="瀚泽新材料有限公司"' in page and CODES[9] in page and '<option selected value="state">' in page
    assert "仍然保存" not in page
    assert client.get("/enterprises/?page=abc").status_code == 200
    assert client.get("/enterprises/?page=2305843009213692922").status_code == 200
