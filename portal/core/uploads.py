"""Every uploaded file is checked here before anything parses it.

An Office file (.xlsx, .docx) is a zip archive: a 1 MB upload can inflate to gigabytes, and neither openpyxl
nor calamine bounds that. :func:`check_office` reads the archive's central directory (nothing inflated) and
refuses too many entries, too large an entry, too large a total and too high a compression ratio; then it
inflates every entry once, in 1 MB chunks with bounded memory, which proves the declared sizes (Python's
zipfile never yields more than an entry declares and checks its CRC) and counts the rows of each worksheet,
so that an import refuses a file with too many rows before parsing a cell. Macro-bearing files (a VBA
project, ActiveX controls, a macro-enabled content type) and files whose structure is not the type they
claim are refused too. :func:`check_pdf` and :func:`check_ole` do the same for PDF and Word 97-2003.

:class:`UploadField` is the form field every upload goes through; :func:`read_sheets` reads the checked
workbook's sheets (python-calamine, about 14 times faster than openpyxl's read-only mode); the spool
functions keep an upload for a background job.

The limits are settings (``UPLOAD_*``, see docs/operations.md); every refusal is a ``ValidationError`` with a
message in the user's language.
"""

import os
import re
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import CalamineError, CalamineWorkbook, WorksheetNotFound

XLSX, DOCX, DOC, PDF = "xlsx", "docx", "doc", "pdf"
OFFICE_MAIN_PART = {XLSX: "xl/workbook.xml", DOCX: "word/document.xml"}
OFFICE_MAIN_TYPE = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
}
KIND_LABELS = {XLSX: "Excel(.xlsx)", DOCX: "Word(.docx)", DOC: "Word(.doc)", PDF: "PDF"}
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
CHUNK = 1 << 20
# Parts of an Office file that carry code: a VBA project (and its Word 2003 XML twin), ActiveX controls.
MACRO_PART = re.compile(r"(^|/)(vbaproject\.bin|vbadata\.xml|activex/)", re.IGNORECASE)
MACRO_TYPES = (b"macroenabled", b"vbaproject", b"activex")
# Embedded OLE objects (a "Package" wraps any file, an executable included) and embedded macro-enabled or
# binary parts. An embedded .xlsx (a chart's data) is an Office file like the rest and is kept.
EMBEDDED_PART = re.compile(r"(^|/)embeddings/(?!.*\.(xlsx|docx|pptx|png|jpe?g|emf|wmf)$)", re.IGNORECASE)
EMBEDDED_TYPES = (b"oleobject", b"/package\"")
SMALL_PART_BYTES = 4 << 20  # [Content_Types].xml, workbook.xml and its relations are read whole
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_entries: int
    max_entry_bytes: int
    max_total_bytes: int
    max_ratio: int
    ratio_floor_bytes: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(max_bytes=settings.UPLOAD_MAX_BYTES, max_entries=settings.UPLOAD_ZIP_MAX_ENTRIES,
                   max_entry_bytes=settings.UPLOAD_ZIP_MAX_ENTRY_BYTES,
                   max_total_bytes=settings.UPLOAD_ZIP_MAX_TOTAL_BYTES, max_ratio=settings.UPLOAD_ZIP_MAX_RATIO,
                   ratio_floor_bytes=settings.UPLOAD_ZIP_RATIO_FLOOR_BYTES)


@dataclass
class Checked:
    """What the check found: the kind by content, and for a workbook each sheet's number of rows (header
    included; formatted empty rows count) in the workbook's order."""

    kind: str
    sheet_rows: dict[str, int] = field(default_factory=dict)

    def data_rows(self, sheet: str | int) -> int:
        """Rows below the header of a sheet named or numbered (0 = the first)."""
        if isinstance(sheet, int):
            counts = list(self.sheet_rows.values())
            rows = counts[sheet] if sheet < len(counts) else 0
        else:
            rows = self.sheet_rows.get(sheet, 0)
        return max(rows - 1, 0)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.0f}"


def size_of(fileobj: Any) -> int:
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, os.SEEK_END)
        size = fileobj.tell()
    fileobj.seek(0)
    return int(size)


def check_size(fileobj: Any, limits: Limits | None = None) -> int:
    limits = limits or Limits.from_settings()
    size = size_of(fileobj)
    if size > limits.max_bytes:
        raise _refuse(_("文件过大:不能超过 %(mb)s MB。") % {"mb": _mb(limits.max_bytes)}, "too_large")
    if not size:
        raise _refuse(_("文件是空的,请重新选择。"), "empty")
    return size


def detect_kind(fileobj: Any) -> str | None:
    """'xlsx', 'docx', 'pdf' or 'doc' by the first bytes and (for a zip) the main part's name; None otherwise.
    Reads the header and the zip's central directory only."""
    fileobj.seek(0)
    head = fileobj.read(8)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head == OLE_MAGIC:
        kind = DOC
    elif head.startswith(b"PK\x03\x04"):
        fileobj.seek(0)
        try:
            with zipfile.ZipFile(fileobj) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            names = set()
        kind = next((k for k, part in OFFICE_MAIN_PART.items() if part in names), None)
    fileobj.seek(0)
    return kind


# -- Office Open XML (zip) ----------------------------------------------------------------------------------

def _damaged() -> ValidationError:
    return _refuse(_("文件已损坏或不完整,无法读取,请重新保存后上传。"), "damaged")


def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """The central directory's promises, before anything is inflated."""
    if len(infos) > limits.max_entries:
        raise _refuse(_("文件结构异常:包含 %(n)d 个部件,超过上限 %(max)d 个。") % {
            "n": len(infos), "max": limits.max_entries}, "too_many_entries")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(_("文件已加密,请取消密码保护后上传。"), "encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged()
        if info.file_size > limits.max_entry_bytes:
            raise _bomb(limits)
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _bomb(limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise _bomb(limits)


def _bomb(limits: Limits) -> ValidationError:
    return _refuse(_("文件解压后过大或压缩比异常(解压后不能超过 %(mb)s MB,压缩比不能超过 %(ratio)d 倍),"
                     "已拒绝。请检查文件是否正确。") % {"mb": _mb(limits.max_total_bytes), "ratio": limits.max_ratio},
                   "bomb")


def _check_macros(infos: list[zipfile.ZipInfo], content_types: bytes) -> None:
    lowered = content_types.lower()
    if any(MACRO_PART.search(i.filename) for i in infos) or any(t in lowered for t in MACRO_TYPES):
        raise _refuse(_("文件含有宏或控件代码,出于安全考虑不予接收。请另存为不含宏的文件后上传。"), "macros")


def _check_embedded(infos: list[zipfile.ZipInfo], content_types: bytes) -> None:
    lowered = content_types.lower()
    if any(EMBEDDED_PART.search(i.filename) for i in infos) or any(t in lowered for t in EMBEDDED_TYPES):
        raise _embedded()


def _embedded() -> ValidationError:
    return _refuse(_("文件中嵌入了对象、附件或脚本,出于安全考虑不予接收。请删除嵌入的对象后重新上传。"), "embedded")


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A small XML part read whole (its size is checked first), refusing any DTD (Office parts have none)."""
    info = archive.getinfo(name)
    if info.file_size > SMALL_PART_BYTES:
        raise _damaged()
    data = archive.read(info)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _damaged()
    return data


def _xml(data: bytes) -> ElementTree.Element:
    """A small part already read by :func:`_small_part`, which refuses any DTD: no entity can expand."""
    try:
        return ElementTree.fromstring(data)  # noqa: S314 (no DTD, bounded size: see _small_part)
    except ElementTree.ParseError as exc:
        raise _damaged() from exc


def _main_type(content_types: bytes, part: str) -> str:
    root = _xml(content_types)
    for override in root:
        if override.tag.endswith("Override") and override.get("PartName", "").lstrip("/") == part:
            return override.get("ContentType", "")
    return ""


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part ("xl/worksheets/sheet1.xml"), in the workbook's order."""
    rels = {}
    for rel in _xml(_small_part(archive, "xl/_rels/workbook.xml.rels")):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        rels[rel.get("Id")] = os.path.normpath(target).replace("\\", "/")
    sheets = {}
    for element in _xml(_small_part(archive, "xl/workbook.xml")).iter():
        if element.tag.endswith("}sheet"):
            part = rels.get(element.get(f"{{{REL_NS}}}id"))
            if part:
                sheets[element.get("name", "")] = part
    return sheets


@dataclass(frozen=True)
class _SheetArea:
    """What a worksheet may address: calamine allocates every cell of the rectangle its cells span, so a tiny
    file with one cell at XFD1048576 would ask for billions."""

    max_rows: int
    max_columns: int

    def holds(self, ref: str) -> bool:
        """A cell reference ("B12") inside the area."""
        match = CELL_REF.fullmatch(ref)
        if match is None:
            return False
        column = 0
        for letter in match.group(1):
            column = column * 26 + ord(letter) - 64
        return column <= self.max_columns and 1 <= int(match.group(2)) <= self.max_rows


CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")  # an Office part has none; refused before expat sees one
OVERLAP = 16


def _outside_area(limits: "_SheetArea") -> ValidationError:
    return _refuse(_("工作表的范围超出上限(不能超过 %(rows)d 行、%(cols)d 列),请删除多余的行列后重新上传。") % {
        "rows": limits.max_rows, "cols": limits.max_columns}, "sheet_area")


def _no_ref() -> ValidationError:
    return _refuse(_("文件结构异常:有单元格缺少位置信息。请用 Excel 或 WPS 打开后重新保存,再上传。"),
                   "cell_without_ref")


def _unreadable_sheet() -> ValidationError:
    return _damaged()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _scan_sheet(stream: IO[bytes], area: "_SheetArea") -> int:
    """The worksheet's rows (its <row> elements), refusing cells addressed outside ``area`` and cells without
    an address (calamine would place them one after another, as far right as they go).

    Read as XML, a chunk at a time (expat, no DTD allowed), so the markup's spelling — whitespace, quotes,
    namespace prefixes — cannot hide a row or a cell from the count; finished rows are dropped as they end, so
    memory stays bounded whatever the sheet's size."""
    parser: ElementTree.XMLPullParser = ElementTree.XMLPullParser(events=("start", "end"))
    stack: list[ElementTree.Element] = []
    rows, tail = 0, b""
    while chunk := stream.read(CHUNK):
        if any(d in tail + chunk for d in DECLARATIONS):
            raise _unreadable_sheet()
        tail = chunk[-OVERLAP:]
        try:
            parser.feed(chunk)
            events = list(parser.read_events())
        except ElementTree.ParseError as exc:
            raise _unreadable_sheet() from exc
        rows = _check_events(events, stack, rows, area)
    try:
        parser.close()
        rows = _check_events(list(parser.read_events()), stack, rows, area)
    except ElementTree.ParseError as exc:
        raise _unreadable_sheet() from exc
    return rows


def _check_events(events: list, stack: list, rows: int, area: "_SheetArea") -> int:
    for event, elem in events:
        name = _local(elem.tag)
        if event == "start":
            stack.append(elem)
            if name == "row":
                rows += 1
                ref = elem.get("r")
                if rows > area.max_rows or (ref is not None and not (ref.isdigit() and int(ref) <= area.max_rows)):
                    raise _outside_area(area)
            elif name == "c":
                ref = elem.get("r")
                if ref is None:
                    raise _no_ref()
                if not area.holds(ref):
                    raise _outside_area(area)
            continue
        stack.pop()
        if name in ("row", "c", "mergeCell", "col", "hyperlink") and stack:
            del stack[-1][-1]  # the element just ended is its parent's last child: drop it (bounded memory)
    return rows


def _drain(stream: IO[bytes]) -> None:
    while stream.read(CHUNK):
        pass


def _inflate_all(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], sheet_parts: Iterable[str]) -> dict[str, int]:
    """Inflate every entry once (bounded memory): zipfile stops at each entry's declared size and checks its
    CRC, so a lying directory fails here. Returns the rows counted in each worksheet part."""
    counted = set(sheet_parts)
    area = _SheetArea(max_rows=settings.UPLOAD_SHEET_MAX_ROWS, max_columns=settings.UPLOAD_SHEET_MAX_COLUMNS)
    rows = {}
    for info in infos:
        with archive.open(info) as stream:
            if info.filename in counted:
                rows[info.filename] = _scan_sheet(stream, area)
            else:
                _drain(stream)
    return rows


def check_office(fileobj: Any, kind: str, limits: Limits | None = None) -> Checked:
    """Refuse a zip bomb, a macro-bearing file or one that is not the Office type ``kind`` ('xlsx'/'docx')."""
    limits = limits or Limits.from_settings()
    check_size(fileobj, limits)
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            _check_directory(infos, limits)
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or OFFICE_MAIN_PART[kind] not in names:
                raise _not_kind(kind)
            content_types = _small_part(archive, "[Content_Types].xml")
            _check_macros(infos, content_types)
            _check_embedded(infos, content_types)
            if _main_type(content_types, OFFICE_MAIN_PART[kind]) != OFFICE_MAIN_TYPE[kind]:
                raise _not_kind(kind)
            sheets = _sheet_parts(archive) if kind == XLSX else {}
            rows = _inflate_all(archive, infos, sheets.values())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, KeyError) as exc:
        raise _damaged() from exc
    finally:
        fileobj.seek(0)
    return Checked(kind=kind, sheet_rows={name: rows.get(part, 0) for name, part in sheets.items()})


def _not_kind(kind: str) -> ValidationError:
    return _refuse(_("文件内容不是有效的%(kind)s文件,请检查后重新上传。") % {"kind": KIND_LABELS[kind]}, "wrong_type")


# -- PDF and Word 97-2003 ----------------------------------------------------------------------------------

PDF_TAIL = 2048
STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
XREF_AT = re.compile(rb"\s*(xref\b|\d+\s+\d+\s+obj\b)")
DOS_STUB = re.compile(rb"This program (?:cannot be run in DOS mode|must be run under Win32)")
ELF_MAGIC = re.compile(rb"\x7fELF[\x01\x02][\x01\x02]\x01")


def _pe_at(data: bytes, at: int) -> bool:
    """Is there a PE executable's header at ``at`` ("MZ", and "PE\\0\\0" where its e_lfanew points)?"""
    if at + 64 > len(data):
        return False
    lfanew = int.from_bytes(data[at + 60:at + 64], "little")
    return 64 <= lfanew <= 1024 and data[at + lfanew:at + lfanew + 4] == b"PE\x00\x00"


def _executable_inside(fileobj: Any) -> bool:
    """An executable carried in the file as it is (a polyglot): a PE header, a DOS stub's text, an ELF header.
    Read in 1 MB chunks overlapping by 2 KB, so a header across a boundary is still seen whole."""
    fileobj.seek(0)
    tail = b""
    while chunk := fileobj.read(CHUNK):
        data = tail + chunk
        if DOS_STUB.search(data) or ELF_MAGIC.search(data):
            return True
        at = data.find(b"MZ")
        while at != -1:
            if _pe_at(data, at):
                return True
            at = data.find(b"MZ", at + 1)
        tail = data[-2048:]
    return False


PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Names that make a PDF act rather than show: scripts, launching programs, files carried inside, forms that
# send or fetch data, embedded media players.
PDF_ACTIVE = {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"SubmitForm",
              b"ImportData", b"XFA"}
PDF_STREAM = re.compile(rb"stream\r?\n")
PDF_OBJ_START = re.compile(rb"\d+\s+\d+\s+obj\b")


def _pdf_names(data: bytes) -> set[bytes]:
    """The names in ``data``, with their #xx escapes decoded (``/J#61vaScript`` is ``/JavaScript``)."""
    return {PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), m.group(1)) for m in PDF_NAME.finditer(data)}


def _object_streams(data: bytes, budget: int) -> Iterable[bytes]:
    """The inflated contents of the compressed object streams (/Type /ObjStm, /FlateDecode), where objects —
    an action among them — can hide from a scan of the raw bytes. Inflation stops at ``budget`` bytes in all."""
    for match in PDF_STREAM.finditer(data):
        header_from = max(data.rfind(b"obj", max(match.start() - 4096, 0), match.start()), 0)
        names = _pdf_names(data[header_from:match.start()])
        if b"ObjStm" not in names or b"FlateDecode" not in names:
            continue
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(data[match.end():], budget)
        except zlib.error as exc:
            raise _not_kind(PDF) from exc
        budget -= len(inflated)
        yield inflated
        if budget <= 0:
            return


def _outside_streams(data: bytes) -> bytes:
    """The PDF's object text without the streams' bodies (images, fonts, compressed bytes), where a name-like
    byte sequence means nothing."""
    parts, at = [], 0
    for match in PDF_STREAM.finditer(data):
        if match.start() < at:
            continue
        parts.append(data[at:match.start()])
        end = data.find(b"endstream", match.end())
        at = len(data) if end == -1 else end
    parts.append(data[at:])
    return b" ".join(parts)


def _pdf_active(fileobj: Any, limits: Limits) -> bool:
    fileobj.seek(0)
    data = fileobj.read()
    if _pdf_names(_outside_streams(data)) & PDF_ACTIVE:
        return True
    return any(_pdf_names(inflated) & PDF_ACTIVE for inflated in _object_streams(data, limits.max_total_bytes))


def check_pdf(fileobj: Any, limits: Limits | None = None) -> Checked:
    """A PDF whose cross-reference the last ``startxref`` points at, and no executable riding inside it."""
    size = check_size(fileobj, limits)
    fileobj.seek(0)
    if not fileobj.read(8).startswith(b"%PDF-"):
        raise _not_kind(PDF)
    fileobj.seek(max(size - PDF_TAIL, 0))
    match = STARTXREF.search(fileobj.read())
    if match is None or int(match.group(1)) >= size:
        raise _not_kind(PDF)
    fileobj.seek(int(match.group(1)))
    if not XREF_AT.match(fileobj.read(64)):
        raise _not_kind(PDF)
    if _executable_inside(fileobj):
        raise _refuse(_("文件中夹带可执行程序,出于安全考虑不予接收。"), "executable")
    if _pdf_active(fileobj, limits or Limits.from_settings()):
        raise _refuse(_("PDF 文件含有脚本、附件或自动执行的动作,出于安全考虑不予接收。请另存为普通 PDF 后上传。"),
                      "active")
    fileobj.seek(0)
    return Checked(kind=PDF)


def _ole_names(fileobj: Any, size: int) -> Iterable[str]:
    """The names in a compound file's directory: UTF-16 names at the start of each 128-byte entry of every
    sector. Reading every sector keeps this independent of the FAT (which a crafted file could bend)."""
    fileobj.seek(0)
    header = fileobj.read(512)
    sector = 1 << int.from_bytes(header[30:32], "little")
    if sector not in (512, 4096):
        raise _not_kind(DOC)
    fileobj.seek(sector)
    while block := fileobj.read(sector):
        for offset in range(0, len(block) - 127, 128):
            length = int.from_bytes(block[offset + 64:offset + 66], "little")
            kind = block[offset + 66]
            if 2 <= length <= 64 and length % 2 == 0 and kind in (1, 2):  # a storage or a stream
                yield block[offset:offset + length - 2].decode("utf-16-le", "replace")


OLE_MACRO_NAMES = {"macros", "_vba_project", "vba", "projectwm", "dir"}


def check_ole(fileobj: Any, limits: Limits | None = None) -> Checked:
    """A Word 97-2003 document without a VBA project (storage "Macros" / stream "_VBA_PROJECT")."""
    size = check_size(fileobj, limits)
    fileobj.seek(0)
    if fileobj.read(8) != OLE_MAGIC:
        raise _not_kind(DOC)
    names = {n.lower() for n in _ole_names(fileobj, size)}
    fileobj.seek(0)
    if "worddocument" not in names:
        raise _not_kind(DOC)
    if names & {"macros", "_vba_project"}:
        raise _refuse(_("文件含有宏或控件代码,出于安全考虑不予接收。请另存为不含宏的文件后上传。"), "macros")
    if "\x01ole10native" in names:  # a packaged file (any file, a program included)
        raise _embedded()
    return Checked(kind=DOC)


CHECKS: dict[str, Callable[..., Checked]] = {
    XLSX: lambda f, limits=None: check_office(f, XLSX, limits),
    DOCX: lambda f, limits=None: check_office(f, DOCX, limits),
    PDF: check_pdf,
    DOC: check_ole,
}


def check(fileobj: Any, kinds: Iterable[str], *, extension: str | None = None) -> Checked:
    """Check ``fileobj`` as one of ``kinds`` by its content (and its file name's extension, when given, must
    name the same kind). The result is kept on the object, so a form and the service it calls check once."""
    kinds = tuple(kinds)
    done = getattr(fileobj, "upload_check", None)
    if isinstance(done, Checked) and done.kind in kinds:
        return done
    check_size(fileobj)
    kind = detect_kind(fileobj)
    if kind is None or kind not in kinds:
        raise _refuse(_("文件内容不是%(kinds)s格式,请检查后重新上传。") % {
            "kinds": _("、").join(KIND_LABELS[k] for k in kinds)}, "wrong_type")
    if extension is not None and extension != kind:
        raise _refuse(_("文件内容(%(kind)s)与扩展名(.%(ext)s)不符,请检查后重新上传。") % {
            "kind": kind.upper(), "ext": extension}, "extension")
    result = CHECKS[kind](fileobj)
    try:
        fileobj.upload_check = result
    except AttributeError:  # a file object that takes no attributes: checked again next time
        pass
    return result


def check_rows(checked: Checked, limits: Mapping[str | int, int]) -> None:
    """Refuse a workbook one of whose sheets (by name, or 0 for the first) has more data rows than allowed."""
    for sheet, cap in limits.items():
        rows = checked.data_rows(sheet)
        if rows > cap:
            name = sheet if isinstance(sheet, str) else (list(checked.sheet_rows) or [""])[sheet]
            raise _refuse(_("工作表“%(sheet)s”有 %(n)d 行数据,超过本次导入的上限 %(max)d 行,请分批导入。") % {
                "sheet": name, "n": rows, "max": cap}, "too_many_rows")


class UploadField(forms.FileField):
    """A file field that checks the upload before any form or service reads it: size, type by content (and
    the extension), zip bombs, macros, structure, and for workbooks the rows per sheet (``row_limits``)."""

    EXTENSIONS = {XLSX: (".xlsx",), DOCX: (".docx",), DOC: (".doc",), PDF: (".pdf",)}

    def __init__(self, *, kinds: Iterable[str], row_limits: Mapping[str | int, int] | None = None,
                 **kwargs: Any) -> None:
        self.kinds = tuple(kinds)
        self.row_limits: dict[str | int, int] = dict(row_limits or {})
        accept = ",".join(ext for k in self.kinds for ext in self.EXTENSIONS[k])
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": accept}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if not upload:
            return upload
        extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
        if extension not in self.kinds:
            raise ValidationError(gettext_lazy("请上传 %(ext)s 格式的文件。") % {
                "ext": _("、").join(f".{k}" for k in self.kinds)}, code="extension")
        checked = check(upload, self.kinds, extension=extension)
        if self.row_limits:
            check_rows(checked, self.row_limits)
        return upload


# -- Reading a checked workbook ----------------------------------------------------------------------------

def _cell(value: Any) -> Any:
    """calamine's cell as openpyxl gave it: None for an empty cell, an int for a whole number."""
    if value.__class__ is float:
        return int(value) if value.is_integer() and abs(value) < 1 << 53 else value
    return None if value == "" else value


def _sheet_rows(workbook: CalamineWorkbook, key: str | int, cap: int) -> list[tuple[int, list]]:
    try:
        sheet = workbook.get_sheet_by_index(key) if isinstance(key, int) else workbook.get_sheet_by_name(key)
    except (WorksheetNotFound, IndexError) as exc:
        raise _refuse(_("文件中缺少工作表“%(s)s”,请使用本平台提供的模板。") % {"s": key}, "no_sheet") from exc
    start_row, start_column = sheet.start or (0, 0)
    if sheet.height + start_row > cap + 1:  # the scan counted <row> elements; this is where cells are
        check_rows(Checked(XLSX, {sheet.name: sheet.height + start_row}), {sheet.name: cap})
    pad = [None] * start_column
    rows = []
    for n, values in enumerate(sheet.iter_rows(), start=1):  # rows are numbered from the sheet's first
        if any(v != "" for v in values):
            rows.append((n, pad + [_cell(v) for v in values]))
    return rows


def read_sheets(fileobj: Any, sheets: Mapping[str | int, int]) -> dict[str | int, list[tuple[int, list]]]:
    """The non-empty rows of each sheet (by name, or 0 for the first) as (row number, values), header row
    included. The workbook is checked first (:func:`check`); a sheet with more data rows than its limit, a
    missing sheet or a damaged part raise a ValidationError."""
    checked = check(fileobj, (XLSX,))
    check_rows(checked, sheets)
    fileobj.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        out = {key: _sheet_rows(workbook, key, cap) for key, cap in sheets.items()}
        workbook.close()
    except CalamineError as exc:
        raise _damaged() from exc
    finally:
        fileobj.seek(0)
    return out


# -- Keeping an upload for a background job -----------------------------------------------------------------

def spool_dir() -> Path:
    return Path(settings.UPLOAD_SPOOL_DIR)


def spool(fileobj: Any, suffix: str = ".xlsx") -> str:
    """Copy an upload to the spool (a directory web and worker share, never served) under a generated name;
    returns the name for the job. Spooled files older than UPLOAD_SPOOL_MAX_AGE are removed on the way."""
    directory = spool_dir()
    directory.mkdir(parents=True, exist_ok=True)
    purge_spool()
    name = f"{uuid.uuid4().hex}{suffix}"
    fileobj.seek(0)
    with (directory / name).open("xb") as out:
        while chunk := fileobj.read(CHUNK):
            out.write(chunk)
    fileobj.seek(0)
    return name


def spooled_path(name: str) -> Path:
    """The spooled file's path; only a name :func:`spool` made is accepted."""
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", name or ""):
        raise ValueError("not a spooled file name")
    return spool_dir() / name


def discard(name: str) -> None:
    spooled_path(name).unlink(missing_ok=True)


def purge_spool(now: float | None = None) -> int:
    """Remove spooled files a lost job left behind."""
    directory = spool_dir()
    if not directory.is_dir():
        return 0
    cutoff = (now or time.time()) - settings.UPLOAD_SPOOL_MAX_AGE.total_seconds()
    removed = 0
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
