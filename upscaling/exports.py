"""The progress reports as .xlsx (the same rows as the printable page)."""

from io import BytesIO

import xlsxwriter
from django.utils.translation import gettext as _


def progress_workbook(context: dict) -> bytes:
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("进度"))
    bold = book.add_format({"bold": True})
    sheet.write(0, 0, f"{context['year']}{_('年')} {context['title']}", bold)
    headers = [_("排名"), _("地区"), _("年度目标(家)"), _("新增规上(家)"), _("退规(家)"), _("净增(家)"),
               _("完成进度(%)"), _("时序进度(%)"), _("状态"), _("新增产值(亿元)")]
    sheet.write_row(2, 0, headers, bold)
    rows = list(context["rows"]) + [context["total"]]
    for i, r in enumerate(rows, start=3):
        sheet.write_row(i, 0, [r.rank or "", r.name, r.target if r.target is not None else "", r.gross, r.leavers,
                               r.net, round(r.progress, 1) if r.progress is not None else "", round(r.elapsed, 1),
                               str(r.light_label), float(r.new_output)])
    sheet.set_column(1, 1, 14)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def reward_workbook(*, year: int, rows: list) -> bytes:
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("奖励测算"))
    bold = book.add_format({"bold": True})
    sheet.write(0, 0, _("%(y)s年列规企业新增地方贡献(万元)") % {"y": year}, bold)
    sheet.write_row(2, 0, [_("地区"), _("当年列规企业(家)"), _("当年税收"), _("上年税收"), _("新增地方贡献")], bold)
    for i, r in enumerate(rows, start=3):
        sheet.write_row(i, 0, [r.name, r.enterprises, float(r.taxes), float(r.taxes_last_year),
                               float(r.new_contribution)])
    sheet.set_column(0, 0, 14)
    book.close()
    return buffer.getvalue()
