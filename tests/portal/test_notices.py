"""News, notices and policies: the public pages and their management by province staff."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.notices import services
from portal.notices.models import Notice, NoticeKind
from tests import factories as f

pytestmark = pytest.mark.django_db


def draft(**kwargs) -> Notice:
    return f.NoticeFactory(is_published=False, **kwargs)


# -- public pages ---------------------------------------------------------------------------------
def test_list_searches_title_and_body(client):
    f.NoticeFactory(title="关于报送11月监测数据的通知", body="请按时报送")
    f.NoticeFactory(title="培训会召开", body="围绕数据交换接口展开", kind=NoticeKind.NEWS)
    f.NoticeFactory(title="无关", body="无关")
    text = client.get(reverse("notices:list"), {"q": "监测数据"}).content.decode()
    assert "关于报送11月监测数据的通知" in text and "培训会召开" not in text
    text = client.get(reverse("notices:list"), {"q": "接口"}).content.decode()
    assert "培训会召开" in text and "无关" not in text
    text = client.get(reverse("notices:list"), {"kind": NoticeKind.NEWS}).content.decode()
    assert "培训会召开" in text and "关于报送11月监测数据的通知" not in text


def test_list_paginates(client, django_assert_max_num_queries):
    now = timezone.now()
    for i in range(45):
        f.NoticeFactory(title=f"第{i:02d}号通知", published_at=now - timedelta(hours=i))
    with django_assert_max_num_queries(6):
        first = client.get(reverse("notices:list")).content.decode()
    assert "第00号通知" in first and "第20号通知" not in first
    assert "第 1 / 3 页" in first
    third = client.get(reverse("notices:list"), {"page": 3}).content.decode()
    assert "第44号通知" in third
    # the search is kept on the next page link
    text = client.get(reverse("notices:list"), {"q": "通知"}).content.decode()
    assert "q=%E9%80%9A%E7%9F%A5&amp;page=2" in text


def test_detail_counts_views(client):
    notice = f.NoticeFactory(title="阅读计数", body="第一段\n\n第二段")
    response = client.get(reverse("notices:detail", args=[notice.pk]))
    assert response.status_code == 200
    assert "<p>第一段</p>" in response.content.decode()
    notice.refresh_from_db()
    assert notice.views == 1


def test_drafts_and_scheduled_items_are_not_public(client, world, login):
    hidden = [draft(title="草稿通知"), f.NoticeFactory(title="定时通知", published_at=timezone.now() + timedelta(days=1))]
    for viewer in (client, login(world.users["city"]), login(world.users["enterprise"])):
        for notice in hidden:
            assert viewer.get(reverse("notices:detail", args=[notice.pk])).status_code == 404
        text = viewer.get(reverse("notices:list")).content.decode()
        assert "草稿通知" not in text and "定时通知" not in text
        assert "草稿通知" not in viewer.get(reverse("core:home")).content.decode()
    # the province staff preview them, but the public list stays public
    province = login(world.users["province"])
    assert province.get(reverse("notices:detail", args=[hidden[0].pk])).status_code == 200
    assert "草稿通知" not in province.get(reverse("notices:list")).content.decode()


# -- management ---------------------------------------------------------------------------------
def test_manage_list_includes_drafts_and_filters(world, login):
    draft(title="待发布草稿")
    f.NoticeFactory(title="已发布通知")
    client = login(world.users["province"])
    text = client.get(reverse("notices:manage")).content.decode()
    assert "待发布草稿" in text and "已发布通知" in text
    text = client.get(reverse("notices:manage"), {"status": "draft"}).content.decode()
    assert "待发布草稿" in text and "已发布通知" not in text


def test_create_a_draft_then_publish_it(world, login):
    client = login(world.users["province"])
    assert client.get(reverse("notices:create")).status_code == 200
    response = client.post(reverse("notices:create"), {
        "kind": NoticeKind.NOTICE, "title": "关于开展年度评价的通知", "source": "省工业和信息化厅",
        "body": "各设区市:请于12月10日前提交年度工作总结。"})
    assert response.status_code == 302
    notice = Notice.objects.get(title="关于开展年度评价的通知")
    assert (notice.is_published, notice.author) == (False, world.users["province"])
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, model="notices.Notice",
                                     object_id=str(notice.pk)).exists()
    assert client.post(reverse("notices:publish", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    assert notice.is_published and notice.published_at <= timezone.now()
    assert "关于开展年度评价的通知" in client.get(reverse("core:home")).content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_id=str(notice.pk),
                                     changes__is_published=[False, True]).exists()


def test_create_and_publish_at_once(world, login):
    client = login(world.users["province"])
    client.post(reverse("notices:create"), {"kind": NoticeKind.POLICY, "title": "中小企业促进条例", "body": "全文",
                                            "publish": "on"})
    assert Notice.objects.get(title="中小企业促进条例").is_published


def test_create_requires_title_and_body(world, login):
    response = login(world.users["province"]).post(reverse("notices:create"), {"kind": NoticeKind.NEWS, "title": ""})
    assert response.status_code == 200
    assert "该字段是必填项" in response.content.decode()
    assert not Notice.objects.exists()


def test_edit_is_audited(world, login):
    notice = f.NoticeFactory(title="旧标题")  # loaded without an author: editing still works
    client = login(world.users["province"])
    assert client.get(reverse("notices:edit", args=[notice.pk])).status_code == 200
    response = client.post(reverse("notices:edit", args=[notice.pk]), {
        "kind": notice.kind, "title": "新标题", "source": notice.source, "body": notice.body,
        "published_at": timezone.localtime(notice.published_at).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "新标题"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_id=str(notice.pk))
    assert entry.changes["title"] == ["旧标题", "新标题"]


def test_unpublish_and_delete(world, login):
    notice = f.NoticeFactory(title="要撤回的通知")
    client = login(world.users["province"])
    client.post(reverse("notices:unpublish", args=[notice.pk]), follow=True)
    notice.refresh_from_db()
    assert not notice.is_published
    assert "要撤回的通知" not in client.get(reverse("notices:list")).content.decode()
    assert "确定删除" in client.get(reverse("notices:delete", args=[notice.pk])).content.decode()
    assert client.post(reverse("notices:delete", args=[notice.pk])).status_code == 302
    assert not Notice.objects.filter(pk=notice.pk).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETE, model="notices.Notice")
    assert entry.object_repr == "要撤回的通知" and entry.region_path == world.province.path


def test_publishing_a_scheduled_item_keeps_its_time(world):
    later = timezone.now() + timedelta(days=2)
    notice = draft(published_at=later)
    services.publish_notice(actor=world.users["province"], notice=notice)
    notice.refresh_from_db()
    assert notice.is_published and notice.published_at == later
    assert notice.state == "scheduled"


@pytest.mark.parametrize("role", ["city", "county", "enterprise", "platform_operator", "system_admin",
                                  "security_admin", "audit_admin", "no_role"])
def test_others_cannot_manage(world, login, role):
    notice = draft(title="省厅草稿")
    published = f.NoticeFactory(title="已发布")
    client = login(world.users[role])
    assert client.get(reverse("notices:manage")).status_code == 403
    assert client.get(reverse("notices:create")).status_code == 403
    assert client.post(reverse("notices:create"), {"kind": "news", "title": "x", "body": "y"}).status_code == 403
    for pk in (notice.pk, published.pk):
        assert client.get(reverse("notices:edit", args=[pk])).status_code in (403, 404)
        assert client.post(reverse("notices:publish", args=[pk])).status_code in (403, 404)
        assert client.post(reverse("notices:unpublish", args=[pk])).status_code in (403, 404)
        assert client.post(reverse("notices:delete", args=[pk])).status_code in (403, 404)
    assert Notice.objects.filter(is_published=False).count() == 1 and Notice.objects.count() == 2
    assert not AuditEntry.objects.filter(model="notices.Notice").exists()


def test_anonymous_is_sent_to_login(client):
    notice = f.NoticeFactory()
    for url in (reverse("notices:manage"), reverse("notices:create"), reverse("notices:edit", args=[notice.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_manage_list_query_count(world, login, django_assert_max_num_queries):
    for i in range(40):
        f.NoticeFactory(title=f"条目{i}", author=world.users["province"], is_published=bool(i % 2))
    client = login(world.users["province"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("notices:manage")).status_code == 200
