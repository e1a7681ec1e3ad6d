"""Contacts' phones and WeChat IDs: in full for the team that holds the contact and for admins, masked for the rest.

Anyone else in the district may reveal one (查看完整号码), which the audit trail records (个人信息保护法 Art. 51); the
city, which only reads, sees masks and reveals nothing. The audit trail itself never holds the numbers.
"""

import pytest
from sqlalchemy import select

from crm.enterprises.contacts import mask_phone, mask_wechat
from crm.extensions import db
from crm.models import AuditEvent, Contact, Role

PHONE, WECHAT = "13812345678", "wx_wangjingli"


@pytest.fixture
def world(make_team, make_user, make_enterprise):
    holders, others = make_team(name="上海专班"), make_team(name="深圳专班")
    enterprise = make_enterprise(name="瀚泽新材料有限公司")
    contact = Contact(enterprise_id=enterprise.id, team_id=holders.id, name="王经理", title="总经理", phone=PHONE,
                      wechat=WECHAT)
    db.session.add(contact)
    db.session.commit()
    return {"enterprise": enterprise, "contact": contact, "holder": make_user(Role.MEMBER, team=holders),
            "other": make_user(Role.MEMBER, team=others), "lead": make_user(Role.LEAD, team=others),
            "leader": make_user(Role.LEADER), "admin": make_user(Role.ADMIN), "city": make_user(Role.CITY)}


def reveals() -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contact_revealed")).all()


def test_masks_keep_the_ends_only():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "+86****5678"
    assert mask_wechat("wx_wangjingli") == "wx****li" and mask_wechat("abcd") == "a***" and mask_wechat("") == ""


@pytest.mark.parametrize("who", ["holder", "admin"])
def test_the_holding_team_and_admins_see_the_numbers(client, login, world, who):
    login(world[who])
    page = client.get(f"/enterprises/{world['enterprise'].id}").text
    assert f'href="tel:{PHONE}"' in page and WECHAT in page
    assert "reveal-contact" not in page  # no 查看完整号码 button: nothing to reveal


@pytest.mark.parametrize("who", ["other", "lead", "leader", "city"])
def test_everyone_else_sees_masks_and_nothing_of_the_numbers(client, login, world, who):
    login(world[who])
    page = client.get(f"/enterprises/{world['enterprise'].id}").text
    assert "138****5678" in page and "wx****li" in page
    assert PHONE not in page and WECHAT not in page and "5678\"" not in page  # nor in a tel: link
    assert ("reveal-contact" in page) is (who != "city")  # the city reads; it reveals nothing


def test_the_list_masks_the_phone_for_everyone(client, login, world):
    login(world["admin"])
    page = client.get("/enterprises/").text
    assert "138****5678" in page and PHONE not in page


def test_revealing_shows_the_numbers_and_is_recorded(client, login, world):
    contact, other = world["contact"], world["other"]
    login(other)
    url = f"/enterprises/{world['enterprise'].id}/contacts/{contact.id}/reveal"
    page = client.post(url)  # without JavaScript: the page, with this contact's numbers
    assert page.status_code == 200 and f'href="tel:{PHONE}"' in page.text and WECHAT in page.text
    assert page.headers["Cache-Control"] == "no-store"
    answer = client.post(url, headers={"Accept": "application/json"})  # js/contact-reveal.js, in place
    assert answer.status_code == 200 and answer.json == {"phone": PHONE, "wechat": WECHAT}
    assert answer.headers["Cache-Control"] == "no-store"
    events = reveals()
    assert [(e.entity, e.entity_id, e.user_id) for e in events] == [("Contact", contact.id, other.id)] * 2
    # revealed once is not revealed for good: the page shows masks again
    assert PHONE not in client.get(f"/enterprises/{world['enterprise'].id}").text


def test_the_city_may_not_reveal(client, login, world):
    login(world["city"])
    response = client.post(f"/enterprises/{world['enterprise'].id}/contacts/{world['contact'].id}/reveal",
                           headers={"Accept": "application/json"})
    assert response.status_code == 403 and PHONE not in response.text
    assert reveals() == []


def test_a_contact_of_another_enterprise_or_district_is_not_found(client, login, world, make_enterprise,
                                                                  make_district):
    login(world["other"])
    elsewhere = make_enterprise(name="别的公司")
    assert client.post(f"/enterprises/{elsewhere.id}/contacts/{world['contact'].id}/reveal").status_code == 404
    far = make_enterprise(name="外区公司", district_id=make_district().id)
    theirs = Contact(enterprise_id=far.id, name="李总", phone="13900001111")
    db.session.add(theirs)
    db.session.commit()
    response = client.post(f"/enterprises/{far.id}/contacts/{theirs.id}/reveal")
    assert response.status_code == 404 and "13900001111" not in response.text
    assert reveals() == []


def test_the_holders_own_view_records_nothing(client, login, world):
    login(world["holder"])
    client.post(f"/enterprises/{world['enterprise'].id}/contacts/{world['contact'].id}/reveal")
    assert reveals() == []


def test_a_contact_is_held_by_the_team_of_whoever_adds_it(client, login, world):
    enterprise = world["enterprise"]
    for who in ("other", "admin"):
        client.post("/logout")
        login(world[who])
        client.post(f"/enterprises/{enterprise.id}/contacts", data={"name": f"{who}联系人", "phone": "13700001111"})
    held = dict(db.session.execute(select(Contact.name, Contact.team_id).where(Contact.name.like("%联系人"))).all())
    assert held == {"other联系人": world["other"].team_id, "admin联系人": None}  # the office's: admins only
    client.post("/logout")
    login(world["other"])
    assert 'href="tel:13700001111"' in client.get(f"/enterprises/{enterprise.id}").text


def test_the_audit_trail_notes_a_number_changed_never_the_number(client, login, world):
    login(world["other"])
    client.post(f"/enterprises/{world['enterprise'].id}/contacts",
                data={"name": "赵经理", "phone": "13700002222", "wechat": "zhao_wechat"})
    added = db.session.scalar(select(Contact).where(Contact.name == "赵经理"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "Contact", AuditEvent.action == "insert",
                                                       AuditEvent.entity_id == added.id))
    assert event.changes["name"] == [None, "赵经理"]
    assert event.changes["phone"] == event.changes["wechat"] == ["…", "…"]
    assert "13700002222" not in str(event.changes) and "zhao_wechat" not in str(event.changes)
