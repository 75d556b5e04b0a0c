"""A campaign's results as .xlsx: the summary (invited, answered, rates, flag), the distribution of every
question, and the sample with each member's answers. Fed by selectors.results: the same figures as the page."""

import io
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from .models import Question
from .selectors import Results


def _pct(value: Decimal | None) -> float | str:
    return "—" if value is None else float(value)


def workbook(res: Results, invitations: list) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    head = book.add_format({"bold": True, "border": 1})
    pct = book.add_format({"num_format": "0.0%"})
    c = res.campaign
    s = book.add_worksheet(_("汇总"))
    rows = [(_("调查名称"), c.title), (_("评价对象"), c.subject_label or "—"), (_("期间"), c.period_label or "—"),
            (_("发放数"), res.invited), (_("回收数"), res.answered), (_("其中已核验"), res.answered_verified),
            (_("回收率"), _pct(res.response_rate)), (_("满意率(已核验)"), _pct(res.satisfied_rate)),
            (_("满意率(全部答卷)"), _pct(res.satisfied_rate_all)), (_("达标线"), float(c.threshold)),
            (_("低于达标线"), _("是") if res.flagged else _("否"))]
    for i, (label, value) in enumerate(rows):
        s.write_string(i, 0, str(label), head)
        if isinstance(value, float):
            s.write_number(i, 1, value, pct)
        elif isinstance(value, int):
            s.write_number(i, 1, value)
        else:
            s.write_string(i, 1, str(value))
    s.set_column(0, 0, 20)
    s.set_column(1, 1, 40)

    d = book.add_worksheet(_("分布"))
    row = 0
    for r in res.questions:
        d.write_string(row, 0, f"{r.question.order}. {r.question.text}", head)
        row += 1
        for item in r.rows:
            d.write_string(row, 0, str(item["label"]))
            d.write_number(row, 1, item["all"])
            d.write_number(row, 2, item["verified"])
            row += 1
        if r.question.kind == Question.Kind.NUMBER and r.mean is not None:
            d.write_string(row, 0, _("平均值"))
            d.write_number(row, 1, float(r.mean))
            row += 1
        row += 1
    d.set_column(0, 0, 40)

    questions = [r.question for r in res.questions]
    a = book.add_worksheet(_("样本与答卷"))
    header = [_("对象"), _("是否名录企业"), _("是否填写"), _("填写方式"), _("已核验"),
              *[f"{q.order}. {q.text}" for q in questions]]
    for col, text in enumerate(header):
        a.write_string(0, col, str(text), head)
    for i, inv in enumerate(invitations, start=1):
        response = getattr(inv, "response", None) if inv.answered_at else None
        a.write_string(i, 0, inv.name)
        a.write_string(i, 1, _("是") if inv.enterprise_id else _("否"))
        a.write_string(i, 2, _("是") if response else _("否"))
        a.write_string(i, 3, response.get_channel_display() if response else "")
        a.write_string(i, 4, (_("是") if response.verified else _("否")) if response else "")
        for col, q in enumerate(questions, start=5):
            value = (response.answers or {}).get(str(q.pk), "") if response else ""
            if q.kind == Question.Kind.SCALE5 and value != "":
                scale = dict(q.choices())
                value = scale.get(str(value), value)
            a.write_string(i, col, "、".join(value) if isinstance(value, list) else str(value))
    a.set_column(0, 0, 30)
    book.close()
    return out.getvalue()
