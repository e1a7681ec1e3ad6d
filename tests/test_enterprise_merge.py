"""Merging enterprises safely: a preview that changes nothing, a confirmed merge recorded precisely, and its undo."""

import json
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import AuditEvent, Contact, Enterprise, EnterpriseMerge, Lead, Overlap, Ownership, Project, Role, Visit

KINDS = (Visit, Lead, Project, Contact, Overlap)
FIELDS = ("name", "credit_code", "industry", "province", "city", "ownership", "fortune500", "listed",
          "merged_into_id")


@pytest.fixture
def pair(make_enterprise, make_visit, make_lead, make_project, make_user) -> dict[str, Any]:
    """A kept enterprise with blanks, a duplicate with work of every kind, one merged into it earlier, an admin."""
    keep = make_enterprise(name="瀚泽新材料有限公司", credit_code=None, industry=None, city="上海", ownership=None)
    merged = make_enterprise(name="上海瀚泽新材料有限公司", industry="新材料", city="苏州", ownership=Ownership.PRIVATE,
                             listed=True)
    earlier = make_enterprise(name="瀚泽材料（旧名）", credit_code=None, merged_into_id=merged.id)
    visits = [make_visit(enterprise=merged, summary=f"第{n}次拜访") for n in (1, 2)]
    lead = make_lead(enterprise=merged, title="瀚泽二期项目")
    project = make_project(enterprise=merged, name="瀚泽新材料产业园")
    contact = Contact(enterprise_id=merged.id, name="王经理", title="总经理")
    overlap = Overlap(enterprise_id=merged.id, team_id=visits[0].team_id, lead_id=lead.id, source="visit",
                      source_id=visits[0].id)
    db.session.add_all([contact, overlap])
    db.session.commit()
    return {"keep": keep, "merged": merged, "earlier": earlier, "visits": visits, "lead": lead, "project": project,
            "contact": contact, "admin": make_user(Role.ADMIN)}


def placement() -> dict[str, list[tuple[int, int]]]:
    """Every row of every kind that moves, with its enterprise."""
    return {model.__name__: db.session.execute(select(model.id, model.enterprise_id).order_by(model.id)).all()
            for model in KINDS}


def fields(*enterprises: Enterprise) -> list[tuple[Any, ...]]:
    db.session.expire_all()
    return [tuple(getattr(db.session.get(Enterprise, e.id), name) for name in FIELDS) for e in enterprises]


def merge(client, pair) -> EnterpriseMerge:
    response = client.post(f"/enterprises/{pair['merged'].id}/merge", data={"keep_id": pair["keep"].id})
    assert response.status_code == 302 and response.location == f"/enterprises/{pair['keep'].id}"
    return db.session.scalar(select(EnterpriseMerge))


def undo(client, pair, entry: EnterpriseMerge):
    return client.post(f"/enterprises/{pair['keep'].id}/merge/undo", data={"merge_id": entry.id})


def test_the_preview_shows_both_sides_and_what_moves_and_changes_nothing(client, login, pair):
    before, values = placement(), fields(pair["keep"], pair["merged"], pair["earlier"])
    login(pair["admin"])
    chooser = client.get(f"/enterprises/{pair['merged'].id}/merge").text
    choices = re.findall(r'<form ([^>]*)>(?:(?!</form>).)*name="keep_id"', chooser, re.DOTALL)
    assert len(choices) == 2  # the look-alike offered, and the id typed
    assert all(f'method="get" action="/enterprises/{pair["merged"].id}/merge/preview"' in form for form in choices)
    page = client.get(f"/enterprises/{pair['merged'].id}/merge/preview", query_string={"keep_id": pair["keep"].id})
    assert page.status_code == 200
    text = page.text
    assert "瀚泽新材料有限公司" in text and "上海瀚泽新材料有限公司" in text
    assert text.count("取自并入企业") == 4  # credit code, industry, ownership, listed; the city is kept's own
    assert pair["merged"].credit_code in text
    for visit in pair["visits"]:
        assert f'href="/visits/{visit.id}"' in text
    assert f'href="/leads/{pair["lead"].id}"' in text and f'href="/projects/{pair["project"].id}"' in text
    assert "王经理" in text and "2 条" in text
    assert 'name="keep_id"' in text and "确认合并" in text
    assert placement() == before and fields(pair["keep"], pair["merged"], pair["earlier"]) == values
    assert db.session.scalar(select(func.count(EnterpriseMerge.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "merge")) == 0


@pytest.mark.parametrize(("keep_id", "message"), [("", "请填写保留的企业编号"), ("99999", "没有编号为 99999 的企业"),
                                                  ("self", "不能把企业合并到它自己")])
def test_a_preview_that_cannot_be_is_refused_on_the_merge_page(client, login, pair, keep_id, message):
    login(pair["admin"])
    keep_id = str(pair["merged"].id) if keep_id == "self" else keep_id
    page = client.get(f"/enterprises/{pair['merged'].id}/merge/preview", query_string={"keep_id": keep_id})
    assert page.status_code == 422 and message in page.text


def test_confirming_merges_and_records_exactly_what_moved_and_changed(client, login, pair):
    login(pair["admin"])
    entry = merge(client, pair)
    keep, merged = pair["keep"], pair["merged"]
    assert entry.moved == {"visits": sorted(v.id for v in pair["visits"]), "leads": [pair["lead"].id],
                           "projects": [pair["project"].id], "contacts": [pair["contact"].id],
                           "overlaps": [db.session.scalar(select(Overlap.id))], "enterprises": [pair["earlier"].id]}
    code = db.session.get(Enterprise, keep.id).credit_code
    assert entry.kept_fields == {"credit_code": [None, code], "industry": [None, "新材料"],
                                 "ownership": [None, "private"], "listed": [False, True]}
    assert entry.merged_fields == {"merged_into_id": [None, keep.id], "credit_code": [code, None]}
    assert (entry.kept_id, entry.merged_id, entry.merged_by_id) == (keep.id, merged.id, pair["admin"].id)
    assert all(row.enterprise_id == keep.id for rows in placement().values() for row in rows)
    page = client.get(f"/enterprises/{keep.id}").text
    assert "合并记录" in page and "撤销合并" in page and f'value="{entry.id}"' in page


def test_undo_puts_back_every_row_and_field_exactly_and_is_audited(client, login, pair, make_visit):
    before, values = placement(), fields(pair["keep"], pair["merged"], pair["earlier"])
    login(pair["admin"])
    entry = merge(client, pair)
    later = make_visit(enterprise=db.session.get(Enterprise, pair["keep"].id), summary="合并之后的拜访")
    response = undo(client, pair, entry)
    assert response.status_code == 302 and response.location == f"/enterprises/{pair['merged'].id}"
    after = placement()
    assert after["Visit"] == sorted([*before["Visit"], (later.id, pair["keep"].id)])  # the later visit stays
    assert {k: v for k, v in after.items() if k != "Visit"} == {k: v for k, v in before.items() if k != "Visit"}
    assert fields(pair["keep"], pair["merged"], pair["earlier"]) == values
    entry = db.session.get(EnterpriseMerge, entry.id)
    assert entry.undone_at is not None and entry.undone_by_id == pair["admin"].id
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(["merge", "merge_undone"]))
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.user_id, e.entity_id) for e in events] == [
        ("merge", pair["admin"].id, pair["keep"].id), ("merge_undone", pair["admin"].id, pair["keep"].id)]
    for event in events:
        detail = json.loads(event.detail)
        assert (detail["merged_name"], detail["kept_name"], detail["merge_id"]) == (
            "上海瀚泽新材料有限公司", "瀚泽新材料有限公司", entry.id)
        assert detail["moved"]["visits"] == 2
    assert "已撤销" in client.get(f"/enterprises/{pair['keep'].id}").text
    assert "该企业已合并到" not in client.get(f"/enterprises/{pair['merged'].id}").text
    refused = undo(client, pair, entry)
    assert refused.status_code == 422 and "这次合并已撤销" in refused.text


def edit_industry(pair):
    db.session.get(Enterprise, pair["keep"].id).industry = "新能源"


def delete_contact(pair):
    db.session.delete(db.session.get(Contact, pair["contact"].id))


def merge_kept_away(pair):
    db.session.get(Enterprise, pair["keep"].id).merged_into_id = pair["earlier"].id


@pytest.mark.parametrize(("change", "message"), [
    (edit_industry, "合并后「行业」已修改，无法准确撤销"),
    (delete_contact, "合并移来的联系人中有 1 条已删除或移到其他企业，无法准确撤销"),
    (merge_kept_away, "「瀚泽新材料有限公司」已合并到其他企业，请先撤销那次合并"),
])
def test_undo_is_refused_when_a_later_change_cannot_be_put_back_exactly(client, login, pair, change, message):
    login(pair["admin"])
    entry = merge(client, pair)
    change(pair)
    db.session.commit()
    moved, values = placement(), fields(pair["keep"], pair["merged"])
    response = undo(client, pair, entry)
    assert response.status_code == 422 and message in response.text
    assert placement() == moved and fields(pair["keep"], pair["merged"]) == values
    assert db.session.get(EnterpriseMerge, entry.id).undone_at is None
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "merge_undone")) == 0


def test_only_the_office_merges_and_undoes(client, login, pair, make_user):
    login(pair["admin"])
    entry = merge(client, pair)
    client.post("/logout")
    login(make_user(Role.MEMBER))
    assert client.get(f"/enterprises/{pair['merged'].id}/merge/preview?keep_id={pair['keep'].id}").status_code == 403
    assert undo(client, pair, entry).status_code == 403
    assert "撤销合并" not in client.get(f"/enterprises/{pair['keep'].id}").text


def test_another_districts_enterprises_can_be_neither_merged_nor_undone(client, login, pair, make_district,
                                                                        make_enterprise, make_user):
    other = make_district(name="茅箭区", code="MJ")
    theirs, their_dup = (make_enterprise(name=name, district_id=other.id) for name in ("茅箭公司", "茅箭公司二"))
    their_admin = make_user(Role.ADMIN, district_id=other.id)
    login(their_admin)
    assert client.post(f"/enterprises/{their_dup.id}/merge", data={"keep_id": theirs.id}).status_code == 302
    their_entry = db.session.scalar(select(EnterpriseMerge))
    client.post("/logout")
    login(pair["admin"])
    merged = pair["merged"].id
    page = client.get(f"/enterprises/{merged}/merge/preview", query_string={"keep_id": theirs.id})
    assert page.status_code == 422 and f"没有编号为 {theirs.id} 的企业" in page.text
    assert client.post(f"/enterprises/{merged}/merge", data={"keep_id": theirs.id}).status_code == 422
    assert client.get(f"/enterprises/{their_dup.id}/merge/preview?keep_id={merged}").status_code == 404
    assert client.post(f"/enterprises/{theirs.id}/merge/undo", data={"merge_id": their_entry.id}).status_code == 404
    assert client.post(f"/enterprises/{pair['keep'].id}/merge/undo",
                       data={"merge_id": their_entry.id}).status_code == 404
    db.session.expire_all()
    assert db.session.get(EnterpriseMerge, their_entry.id).undone_at is None
    assert db.session.scalar(select(func.count(EnterpriseMerge.id))) == 1
