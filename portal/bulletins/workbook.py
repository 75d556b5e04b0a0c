"""A bulletin as .xlsx: its title, the period line, the kind's columns, the rows and the own line (合计).

Names and codes are written as text (never numbers or formulas), figures as numbers; set up to print on
A4 landscape, one page wide, the header row repeated, page numbers in the footer."""

import io

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from .kinds import BulletinKind
from .models import Bulletin

HEADER_ROW = 3


def _formats(book: xlsxwriter.Workbook) -> dict:
    return {
        "head": book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}),
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        "line": book.add_format({"align": "left"}),
        "note": book.add_format({"text_wrap": True, "valign": "top"}),
        "int": book.add_format({"border": 1, "num_format": "#,##0"}),
        "float": book.add_format({"border": 1, "num_format": "#,##0.0"}),
        "pct": book.add_format({"border": 1, "num_format": "0.0"}),
        "text": book.add_format({"border": 1, "num_format": "@"}),
        "blank": book.add_format({"border": 1}),
    }


def _write_row(sheet, row: int, values: dict, kind: BulletinKind, fmt: dict) -> None:
    for col, column in enumerate(kind.columns):
        value = values.get(column.key)
        if value is None or value == "":
            sheet.write_string(row, col, "—" if column.kind != "text" else "", fmt["blank"])
        elif column.kind == "text":
            sheet.write_string(row, col, str(value), fmt["text"])
        else:
            sheet.write_number(row, col, value, fmt[column.kind])


def workbook(bulletin: Bulletin, kind: BulletinKind) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    fmt = _formats(book)
    sheet = book.add_worksheet(str(kind.label)[:31])
    width = len(kind.columns)
    sheet.merge_range(0, 0, 0, width - 1, bulletin.title, fmt["title"])
    sheet.set_row(0, 24)
    sheet.merge_range(1, 0, 1, width - 1, _("%(period)s;生成时间:%(at)s") % {
        "period": kind.describe_period(bulletin.period),
        "at": timezone.localtime(bulletin.generated_at or timezone.now()).strftime("%Y-%m-%d %H:%M")}, fmt["line"])
    for col, column in enumerate(kind.columns):
        header = f"{column.header}(%)" if column.kind == "pct" else str(column.header)
        sheet.write_string(HEADER_ROW, col, header, fmt["head"])
    for i, values in enumerate(bulletin.figures, start=HEADER_ROW + 1):
        _write_row(sheet, i, values, kind, fmt)
    _write_row(sheet, HEADER_ROW + 1 + len(bulletin.figures), {**bulletin.totals, "name": str(kind.total_label)},
               kind, fmt)
    last = HEADER_ROW + 1 + len(bulletin.figures)
    if kind.footnote:  # merged across the table and wrapped, so that it prints inside the page
        last += 2
        sheet.merge_range(last, 0, last, width - 1, str(kind.footnote), fmt["note"])
        sheet.set_row(last, 15 * (1 + len(str(kind.footnote)) // max(width * 6, 1)))
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, width - 1, 11)
    sheet.freeze_panes(HEADER_ROW + 1, 2)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.center_horizontally()
    sheet.print_area(0, 0, last, width - 1)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW)
    sheet.repeat_columns(0, 1)
    sheet.set_footer(_("&C第 &P 页 共 &N 页"))
    book.close()
    return out.getvalue()
