"""Leads: the board, team scoping, stage moves, optimistic locking, 撞单 and signing."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from crm.domain.refused import Refused
from crm.extensions import db
from crm.leads import services
from crm.models import (
    AgreementKind,
    AuditEvent,
    Lead,
    LeadStage,
    LeadStageChange,
    LeadStatus,
    Overlap,
    Project,
    ProjectType,
    Role,
    now_utc,
)
from crm.projects.records.services import SigningRefused, next_project_code, sign_lead

SIGNING = {"name": "新材料基地", "signed_on": "2025-06-18", "agreement_kind": "contract", "project_type": "new",
           "investment": "3.5", "unit": "yi", "industry": "新材料", "location": "张湾经济开发区"}


@pytest.fixture
def member(make_user):
    return make_user(Role.MEMBER, display_name="李晓明")


def board_figures(html: str) -> dict[str, tuple[int, int]]:
    """{stage: (count, total yuan)} as the board page states them."""
    return {stage: (int(count), int(total)) for stage, count, total in re.findall(
        r'data-stage="(\w+)"\s+data-count="(\d+)"\s+data-total-yuan="(\d+)"', html)}


def test_board_counts_and_sums_match_a_plain_computation(client, login, member, make_lead, make_team):
    amounts = {LeadStage.CLUE: [100_000_000, None, 50_000_000], LeadStage.NEGOTIATING: [1_234_567_890],
               LeadStage.AGREED: [None], LeadStage.DROPPED: [20_000_000]}
    for stage, values in amounts.items():
        for value in values:
            make_lead(team=member.team, stage=stage, intended_investment_yuan=value,
                      drop_reason="资金不足" if stage is LeadStage.DROPPED else None)
    make_lead(team=make_team(), stage=LeadStage.CLUE, intended_investment_yuan=900_000_000)  # another team's
    login(member)
    response = client.get("/leads/")
    assert response.status_code == 200
    expected = {stage.value: (len(amounts.get(stage, [])), sum(v or 0 for v in amounts.get(stage, [])))
                for stage in LeadStage}
    assert board_figures(response.text) == expected
    assert "12.35亿元" in response.text and "1.50亿元" in response.text
    assert 'class="board"' in response.text


def test_readers_of_all_choose_a_team_on_the_board(client, login, make_user, make_lead, make_team):
    one, two = make_team(name="上海专班"), make_team(name="深圳专班")
    make_lead(team=one, intended_investment_yuan=100_000_000)
    make_lead(team=two, intended_investment_yuan=300_000_000)
    login(make_user(Role.LEADER))
    assert board_figures(client.get("/leads/").text)["clue"] == (2, 400_000_000)
    assert board_figures(client.get(f"/leads/?team={two.id}").text)["clue"] == (1, 300_000_000)


def test_list_filters_and_pages(app, client, login, member, make_lead, make_enterprise):
    app.config["PAGE_SIZE"] = 2
    acme = make_enterprise(name="华星光电科技有限公司")
    for n in range(3):
        make_lead(team=member.team, title=f"显示面板{n}", enterprise=acme, stage=LeadStage.NEGOTIATING)
    make_lead(team=member.team, title="电池项目", stage=LeadStage.CLUE)
    login(member)
    first = client.get("/leads/list?stage=negotiating&enterprise=华星")
    assert first.status_code == 200 and "电池项目" not in first.text
    assert "第 1 / 2 页，共 3 条" in first.text and "stage=negotiating" in first.text
    assert client.get("/leads/list?stage=bogus&owner=x").status_code == 200


def test_other_teams_leads_answer_404(client, login, member, make_lead, make_team):
    lead = make_lead(team=make_team(), stage=LeadStage.AGREED)
    login(member)
    assert client.get(f"/leads/{lead.id}").status_code == 404
    assert client.get(f"/leads/{lead.id}/edit").status_code == 404
    assert client.post(f"/leads/{lead.id}/edit", data={"title": "x"}).status_code == 404
    assert client.post(f"/leads/{lead.id}/stage", data={"stage": "dropped", "reason": "x"}).status_code == 404
    assert client.post(f"/leads/{lead.id}/sign", data=SIGNING).status_code == 404
    assert db.session.get(Lead, lead.id).stage is LeadStage.AGREED and lead.project is None


def test_member_adds_a_lead_in_wan(client, login, member, make_enterprise):
    enterprise = make_enterprise(name="长江储能有限公司")
    login(member)
    response = client.post("/leads/new", data={
        "enterprise_name": "长江储能有限公司", "title": "储能电池项目", "investment_wan": "8000",
        "owner_id": member.id, "status": "active", "next_action_on": "2026-12-01"})
    assert response.status_code == 302
    lead = db.session.scalar(select(Lead).where(Lead.title == "储能电池项目"))
    assert response.location == f"/leads/{lead.id}"
    assert (lead.enterprise, lead.team, lead.owner) == (enterprise, member.team, member)
    assert lead.intended_investment_yuan == 80_000_000 and lead.stage is LeadStage.CLUE
    assert [(c.from_stage, c.to_stage, c.changed_by) for c in lead.stage_log] == [(None, LeadStage.CLUE, member)]
    bad = client.post("/leads/new", data={"enterprise_name": "长江储能有限公司", "title": "x", "investment_wan": "1亿",
                                          "owner_id": 0, "status": "active"})
    assert bad.status_code == 422 and "金额单位与所选单位不一致" in bad.text


def test_an_unknown_enterprise_is_registered_by_name(client, login, member):
    login(member)
    response = client.post("/leads/new", data={"enterprise_name": "新认识科技有限公司", "title": "芯片封装",
                                               "owner_id": 0, "status": "active"})
    assert response.status_code == 302
    assert db.session.scalar(select(Lead).where(Lead.title == "芯片封装")).enterprise.name == "新认识科技有限公司"


def test_stage_moves_are_logged_with_user_and_time(client, login, member, make_lead):
    lead = make_lead(team=member.team)
    login(member)
    before = now_utc()
    assert client.post(f"/leads/{lead.id}/stage", data={"stage": "contacted", "note": "见到董事长"}).status_code == 302
    assert client.post(f"/leads/{lead.id}/stage", data={"stage": "negotiating"}).status_code == 302
    log = db.session.scalars(select(LeadStageChange).where(LeadStageChange.lead_id == lead.id)
                             .order_by(LeadStageChange.id)).all()
    assert [(c.from_stage, c.to_stage) for c in log] == [(LeadStage.CLUE, LeadStage.CONTACTED),
                                                          (LeadStage.CONTACTED, LeadStage.NEGOTIATING)]
    assert all(c.changed_by_id == member.id and before <= c.changed_at <= now_utc() for c in log)
    page = client.get(f"/leads/{lead.id}").text
    assert "线索 → <strong>接洽</strong>" in page and "见到董事长" in page and "李晓明" in page


def test_dropping_needs_a_reason_and_signed_comes_only_from_signing(client, login, member, make_lead):
    lead = make_lead(team=member.team, stage=LeadStage.NEGOTIATING)
    login(member)
    refused = client.post(f"/leads/{lead.id}/stage", data={"stage": "dropped", "reason": "  "})
    assert refused.status_code == 422 and "放弃线索须填写原因" in refused.text
    assert db.session.get(Lead, lead.id).stage is LeadStage.NEGOTIATING
    signed = client.post(f"/leads/{lead.id}/stage", data={"stage": "signed"})
    assert signed.status_code == 422 and db.session.get(Lead, lead.id).stage is LeadStage.NEGOTIATING
    dropped = client.post(f"/leads/{lead.id}/stage", data={"stage": "dropped", "reason": "企业转投他地"})
    assert dropped.status_code == 302
    lead = db.session.get(Lead, lead.id)
    assert (lead.stage, lead.drop_reason, lead.status) == (LeadStage.DROPPED, "企业转投他地", LeadStatus.CLOSED)
    assert lead.stage_log[-1].note == "企业转投他地"
    assert client.post(f"/leads/{lead.id}/stage", data={"stage": "contacted"}).status_code == 302  # reopened
    assert db.session.get(Lead, lead.id).drop_reason is None


def test_the_second_of_two_edits_from_one_version_gets_409(client, login, member, make_lead):
    lead = make_lead(team=member.team, title="原名称")
    login(member)
    form = {"enterprise_name": lead.enterprise.name, "enterprise_id": lead.enterprise_id, "owner_id": 0,
            "status": "active", "version": lead.version, "investment_wan": "20000"}
    assert f'name="version" type="hidden" value="{lead.version}"' in client.get(f"/leads/{lead.id}/edit").text
    assert client.post(f"/leads/{lead.id}/edit", data=form | {"title": "第一人的名称"}).status_code == 302
    second = client.post(f"/leads/{lead.id}/edit", data=form | {"title": "第二人的名称", "investment_wan": "5"})
    assert second.status_code == 409
    assert "已被他人修改" in second.text and "第一人的名称" in second.text
    lead = db.session.get(Lead, lead.id)
    assert lead.title == "第一人的名称" and lead.intended_investment_yuan == 200_000_000


def test_overlap_warning_then_confirm_records_it(client, login, member, make_lead, make_team, make_enterprise):
    enterprise = make_enterprise(name="比亚迪汽车有限公司")
    rival = make_lead(team=make_team(name="深圳专班"), enterprise=enterprise)
    login(member)
    form = {"enterprise_name": enterprise.name, "title": "整车项目", "owner_id": member.id, "status": "active"}
    warned = client.post("/leads/new", data=form)
    assert warned.status_code == 422 and "深圳专班" in warned.text and "仍然创建" in warned.text
    assert db.session.scalar(select(func.count(Lead.id))) == 1
    assert client.post("/leads/new", data=form | {"confirm_overlap": enterprise.id}).status_code == 302
    lead = db.session.scalar(select(Lead).where(Lead.title == "整车项目"))
    overlap = db.session.scalar(select(Overlap))
    assert (overlap.enterprise_id, overlap.team_id, overlap.lead_id) == (enterprise.id, member.team_id, rival.id)
    assert (overlap.source, overlap.source_id, overlap.created_by_id) == ("lead", lead.id, member.id)


def test_a_lead_repeating_one_of_the_team_s_own_asks_to_confirm_first(client, login, member, make_lead, make_team,
                                                                       make_enterprise):
    enterprise = make_enterprise(name="华为技术有限公司")
    twin = make_lead(team=member.team, enterprise=enterprise, title="华为 研发中心", stage=LeadStage.CONTACTED)
    make_lead(team=member.team, enterprise=enterprise, title="华为研发中心", stage=LeadStage.DROPPED,
              status=LeadStatus.CLOSED, drop_reason="搁置")  # given up: no longer a repeat
    make_lead(team=member.team, enterprise=enterprise, title="华为数据中心")  # another project of the enterprise
    login(member)
    form = {"enterprise_name": enterprise.name, "title": "华为研发中心 ", "owner_id": member.id, "status": "active"}

    warned = client.post("/leads/new", data=form)  # the same title, read as people read it (space and width folded)
    assert warned.status_code == 422 and "仍然创建" in warned.text
    assert "本专班已有同名线索" in warned.text and f'href="/leads/{twin.id}"' in warned.text
    assert 'name="confirm_duplicate"' in warned.text and "撞单提醒" not in warned.text
    assert db.session.scalar(select(func.count(Lead.id))) == 3
    assert client.post("/leads/new", data=form | {"title": "华为数据中心二期"}).status_code == 302  # no repeat

    assert client.post("/leads/new", data=form | {"confirm_duplicate": enterprise.id}).status_code == 302
    assert db.session.scalar(select(func.count(Lead.id)).where(Lead.title == "华为研发中心")) == 2
    assert db.session.scalar(select(func.count(Overlap.id))) == 0  # a repeat within the team is no 撞单


def test_a_repeat_and_another_team_s_lead_are_confirmed_at_once(client, login, member, make_lead, make_team,
                                                               make_enterprise):
    enterprise = make_enterprise(name="宁德时代新能源科技股份有限公司")
    twin = make_lead(team=member.team, enterprise=enterprise, title="电池基地")
    rival = make_lead(team=make_team(name="福建专班"), enterprise=enterprise, title="电池基地")
    login(member)
    form = {"enterprise_name": enterprise.name, "title": "电池基地", "owner_id": member.id, "status": "active"}
    warned = client.post("/leads/new", data=form)
    assert warned.status_code == 422 and "撞单提醒" in warned.text and "本专班已有同名线索" in warned.text
    assert f'href="/leads/{twin.id}"' in warned.text and f'href="/leads/{rival.id}"' not in warned.text
    # only one of the two confirmed: asked again, with the other alone
    again = client.post("/leads/new", data=form | {"confirm_overlap": enterprise.id})
    assert again.status_code == 422 and "本专班已有同名线索" in again.text and "撞单提醒" not in again.text
    confirmed = client.post("/leads/new", data=form | {"confirm_overlap": enterprise.id,
                                                        "confirm_duplicate": enterprise.id})
    assert confirmed.status_code == 302
    assert db.session.scalar(select(func.count(Overlap.id))) == 1


def test_create_lead_refuses_a_repeat_of_the_team_s_active_lead_unless_confirmed(member, make_lead,
                                                                                  make_enterprise):
    enterprise = make_enterprise()
    twin = make_lead(team=member.team, enterprise=enterprise, title="ＡＢＣ 项目", status=LeadStatus.PAUSED)
    with pytest.raises(services.LeadsToConfirm) as refused:
        services.create_lead(actor=member, team=member.team, enterprise=enterprise, title="abc项目")
    assert [lead.id for lead in refused.value.twins] == [twin.id] and refused.value.rivals == []
    db.session.rollback()
    lead = services.create_lead(actor=member, team=member.team, enterprise=enterprise, title="abc项目",
                                confirm_duplicate=True)
    assert lead.id != twin.id


def test_admin_resolves_an_overlap_and_reassigns_the_lead(client, login, admin, member, make_lead, make_user,
                                                          make_team, make_enterprise):
    other = make_user(Role.MEMBER, team=make_team(name="深圳专班"))
    rival = make_lead(team=other.team, owner=other, enterprise=make_enterprise(name="先到企业"))
    ours = make_lead(team=member.team, enterprise=rival.enterprise)
    overlap = Overlap(enterprise=rival.enterprise, team=member.team, lead=rival, source="lead", source_id=ours.id)
    settled = Overlap(enterprise=make_enterprise(name="已了结企业"), team=member.team, lead=make_lead(), source="visit",
                      source_id=1, resolved_at=now_utc(), resolution="维持")
    db.session.add_all([overlap, settled])
    db.session.commit()
    login(member)
    assert client.get("/leads/overlaps").status_code == 403
    client.post("/logout")
    login(admin)
    page = client.get("/leads/overlaps").text
    assert page.index("先到企业") < page.index("已了结企业")
    prefix = f"overlap{overlap.id}-"
    refused = client.post(f"/leads/overlaps/{overlap.id}/resolve", data={prefix + "lead_team_id": 0})
    assert refused.status_code == 422 and db.session.get(Overlap, overlap.id).resolved_at is None
    response = client.post(f"/leads/overlaps/{overlap.id}/resolve",
                           data={prefix + "lead_team_id": member.team_id, prefix + "note": "由上海专班牵头"})
    assert response.status_code == 302 and response.location == "/leads/overlaps"
    overlap, rival = db.session.get(Overlap, overlap.id), db.session.get(Lead, rival.id)
    assert overlap.resolved_at and overlap.resolved_by_id == admin.id and overlap.resolution == "由上海专班牵头"
    assert rival.team_id == member.team_id and rival.owner is None
    audited = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "Overlap",
                                                         AuditEvent.action == "update"))
    assert audited.user_id == admin.id
    again = client.post(f"/leads/overlaps/{overlap.id}/resolve",
                        data={prefix + "lead_team_id": 0, prefix + "note": "x"})
    assert again.status_code == 422 and "该撞单已处理" in again.text


def test_signing_an_agreed_lead_numbers_projects(client, login, member, make_lead):
    first, second = (make_lead(team=member.team, stage=LeadStage.AGREED, title=t) for t in ("一号项目", "二号项目"))
    login(member)
    form = client.get(f"/leads/{first.id}/sign").text
    assert 'value="一号项目"' in form and 'value="20000"' in form  # prefilled, 2亿 shown in 万元
    response = client.post(f"/leads/{first.id}/sign", data=SIGNING)
    assert response.status_code == 302 and response.location == f"/leads/{first.id}"
    assert "项目已签约，编号 ZW-2025-001" in client.get(response.location).text
    project = db.session.get(Lead, first.id).project
    assert (project.code, project.total_investment_yuan, project.team_id, project.verified) == (
        "ZW-2025-001", 350_000_000, member.team_id, False)
    assert project.enterprise_id == first.enterprise_id and project.created_by_id == member.id
    lead = db.session.get(Lead, first.id)
    assert lead.stage is LeadStage.SIGNED and lead.stage_log[-1].changed_by_id == member.id
    in_wan = client.post(f"/leads/{second.id}/sign", data=SIGNING | {"unit": "wan", "investment": "9000"})
    assert in_wan.status_code == 302
    assert db.session.get(Lead, second.id).project.code == "ZW-2025-002"
    twice = client.post(f"/leads/{first.id}/sign", data=SIGNING)
    assert twice.status_code == 422 and "该线索已签约" in twice.text
    assert db.session.scalar(select(func.count(Project.id))) == 2


def test_signing_is_refused_before_agreement(client, login, member, make_lead):
    lead = make_lead(team=member.team, stage=LeadStage.NEGOTIATING)
    login(member)
    assert client.get(f"/leads/{lead.id}/sign").status_code == 302
    refused = client.post(f"/leads/{lead.id}/sign", data=SIGNING)
    assert refused.status_code == 422 and "拟签约" in refused.text
    assert db.session.get(Lead, lead.id).project is None
    with pytest.raises(SigningRefused):
        sign_lead(db.session.get(Lead, lead.id), actor=member, signed_on=date(2025, 1, 2), total_investment_yuan=1,
                  agreement_kind=AgreementKind.INTENT, project_type=ProjectType.NEW, name="x", location=None,
                  industry=None)


def test_a_bad_signing_form_is_refused(client, login, member, make_lead):
    lead = make_lead(team=member.team, stage=LeadStage.AGREED)
    login(member)
    response = client.post(f"/leads/{lead.id}/sign", data=SIGNING | {"investment": "0", "signed_on": "2999-01-01"})
    assert response.status_code == 422
    assert "总投资额必须大于0" in response.text and "签约日期不能晚于今天" in response.text
    assert db.session.get(Lead, lead.id).project is None


def test_project_codes_continue_from_the_highest_ever_given(app, make_project):
    for code in ("ZW-2025-002", "ZW-2025-007", "ZW-2025-00x", "ZW-2024-050", "T-2025-900"):
        make_project(code=code)
    assert next_project_code(date(2025, 3, 1)) == "ZW-2025-008"
    assert next_project_code(date(2023, 3, 1)) == "ZW-2023-001"
    make_project(code="ZW-2025-999")
    make_project(code="ZW-2025-1000")
    assert next_project_code(date(2025, 12, 31)) == "ZW-2025-1001"  # numeric, not text, order
    app.config["PROJECT_CODE_PREFIX"] = "T"
    assert next_project_code(date(2025, 1, 1)) == "T-2025-901"


def test_create_lead_refuses_an_owner_from_another_team(app, member, make_user, make_enterprise):
    stranger = make_user(Role.MEMBER)
    with pytest.raises(Refused):
        services.create_lead(actor=member, team=member.team, enterprise=make_enterprise(), title="x", owner=stranger)


def test_admin_adds_a_lead_for_a_chosen_team(client, login, admin, member, make_user, make_enterprise):
    enterprise = make_enterprise(name="东风零部件有限公司")
    login(admin)
    form = client.get(f"/leads/new?enterprise_id={enterprise.id}").text
    assert 'value="东风零部件有限公司"' in form and 'name="team_id"' in form
    data = {"enterprise_name": enterprise.name, "enterprise_id": enterprise.id, "title": "底盘件", "status": "active",
            "team_id": member.team_id}
    stranger = make_user(Role.MEMBER)
    refused = client.post("/leads/new", data=data | {"owner_id": stranger.id})
    assert refused.status_code == 422 and "负责人必须是本专班成员" in refused.text
    assert client.post("/leads/new", data=data | {"owner_id": member.id}).status_code == 302
    lead = db.session.scalar(select(Lead).where(Lead.title == "底盘件"))
    assert (lead.team_id, lead.owner_id, lead.enterprise_id) == (member.team_id, member.id, enterprise.id)
