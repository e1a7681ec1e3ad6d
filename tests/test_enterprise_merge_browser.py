"""A real Chromium, sized as a phone: the office previews a merge of two enterprises, confirms it, then undoes it."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import EnterpriseMerge, Role, Visit
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_the_admin_previews_confirms_and_undoes_a_merge(phone: Any, console_errors: list[str],
                                                        account: Callable[..., str], make_enterprise,
                                                        make_visit) -> None:
    from playwright.sync_api import expect

    keep = make_enterprise(name="瀚泽新材料有限公司", industry=None)
    merged = make_enterprise(name="上海瀚泽新材料有限公司", industry="新材料")
    visit = make_visit(enterprise=merged, summary="合并前的拜访")
    keep_id, merged_id, visit_id = keep.id, merged.id, visit.id
    db.session.commit()
    username = account(Role.ADMIN)

    phone.goto(f"/enterprises/{merged_id}")
    sign_in(phone, username)
    phone.get_by_role("link", name="合并到其他企业").click()
    phone.get_by_role("button", name="预览合并到此企业").click()
    expect(phone.locator("h1, header").get_by_text("预览合并")).to_be_visible()
    expect(phone.locator("#merge-fields")).to_contain_text("取自并入企业")
    expect(phone.locator("#moving-visits")).to_contain_text("1 条")
    expect(phone.locator("#moving-visits a")).to_have_attribute("href", f"/visits/{visit_id}")
    assert fits_width(phone), "the merge preview scrolls the page sideways on a phone"
    assert db.session.scalar(select(Visit.enterprise_id).where(Visit.id == visit_id)) == merged_id
    db.session.commit()  # leave no transaction open against the live server

    phone.get_by_role("button", name="确认合并").click()
    expect(phone).to_have_url(f"{phone.url.split('/enterprises/')[0]}/enterprises/{keep_id}")
    expect(phone.locator("#merges")).to_contain_text("上海瀚泽新材料有限公司")
    expect(phone.locator("#visits")).to_contain_text("合并前的拜访")
    assert fits_width(phone), "the merge records scroll the page sideways on a phone"

    phone.locator("#merges").get_by_role("button", name="撤销合并").click()
    expect(phone.locator(".flash-success")).to_contain_text("已撤销合并")
    assert phone.url.endswith(f"/enterprises/{merged_id}")
    expect(phone.locator("#visits")).to_contain_text("合并前的拜访")
    db.session.expire_all()
    entry = db.session.scalar(select(EnterpriseMerge))
    undone, placed = entry.undone_at, db.session.scalar(select(Visit.enterprise_id).where(Visit.id == visit_id))
    db.session.commit()
    assert undone is not None and placed == merged_id
    assert console_errors == []
