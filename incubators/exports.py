"""Spreadsheets of the startup bases, fed by selectors."""

from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext as _


def write_tenants(out: IO[bytes], *, base: Any, tenants: list) -> None:
    """A base's tenants: code, name, dates, graduation, whether the registry knows them."""
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_("入孵企业"))
    bold = book.add_format({"bold": True})
    sheet.write(0, 0, _("%(b)s 入孵企业") % {"b": base.name}, bold)
    headers = [_("统一社会信用代码"), _("企业名称"), _("入孵日期"), _("出孵日期"), _("孵化毕业日期"), _("毕业原因"),
               _("企业名录")]
    sheet.write_row(2, 0, headers, bold)
    for i, t in enumerate(tenants, start=3):
        sheet.write_row(i, 0, [t.credit_code, t.name, str(t.entered_on), str(t.exited_on or ""),
                               str(t.graduated_on or ""), t.graduation_reason,
                               _("已关联") if t.enterprise_id else _("未关联")])
    sheet.set_column(0, 1, 24)
    sheet.set_column(2, 6, 14)
    book.close()
