from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, render

from . import selectors
from .models import Notice, NoticeKind


def notice_list(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in NoticeKind.values else None
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.notice_list(user=request.user, kind=kind, q=q), 20).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page, "kind": kind, "q": q, "kinds": NoticeKind.choices})


def notice_detail(request, pk: int):
    notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=pk)
    Notice.objects.filter(pk=notice.pk).update(views=F("views") + 1)
    return render(request, "notices/detail.html", {"notice": notice})
