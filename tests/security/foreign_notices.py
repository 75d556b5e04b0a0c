"""Notice routes with arguments.

Notices are managed by the province staff only (scope ``can_manage_notices``); a draft is visible to them
alone. So for every other role a draft notice is foreign to the page that shows it and to every
management route (edit, publish, unpublish, delete); the province may reach all of them (None).
"""

from tests import factories as f

from ._objects import Own, draft_notice


def _draft(world, role):
    if role == "province":
        return None
    return {"pk": draft_notice(world).pk}


FOREIGN = {
    "notices:detail": _draft,
    "notices:edit": _draft,
    "notices:publish": _draft,
    "notices:unpublish": _draft,
    "notices:delete": _draft,
}

POST_DATA = {
    "notices:edit": lambda world, role: {"kind": "notice", "title": "越权修改的标题", "body": "越权", "source": "x"},
}


# -- the same routes for the province, which manages notices ----------------------------------------------
def _own_draft(**kwargs):
    return lambda world: [Own("province", {"pk": draft_notice(world).pk}, **kwargs)]


OWN = {
    "notices:detail": _own_draft(marker="未发布的草稿通知"),
    "notices:edit": _own_draft(marker="未发布的草稿通知"),
    "notices:publish": _own_draft(method="post", status=302),
    "notices:unpublish": lambda world: [Own("province", {"pk": f.NoticeFactory(title="已发布待撤回").pk},
                                            method="post", status=302)],
    "notices:delete": _own_draft(method="post", status=302),
}
