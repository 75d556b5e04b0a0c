"""Files for the upload tests, made here byte by byte: real minimal PDFs, Word documents and workbooks, and the
hostile ones (zip bombs with honest or lying sizes, macro-bearing Office files, a PDF carrying an executable)."""

import io
import struct
import zipfile
import zlib

DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}</Types>')
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pdf_bytes(body: bytes = b"", *, catalog: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF with a correct cross-reference table; ``body`` goes into a stream object, ``catalog``
    into the document catalog's dictionary, ``extra`` are more objects (numbered from 5)."""
    objects = [b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R>>",
               b"<</Length %d>>stream\n" % len(body) + body + b"\nendstream", *extra]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def exe_bytes() -> bytes:
    """The first bytes of a Windows executable: the DOS header pointing at the PE header, and the stub."""
    header = bytearray(b"MZ" + b"\x90\x00" * 29)
    header += b"\x00" * (0x3C - len(header)) + struct.pack("<I", 0x80)
    header += b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    header += b"\x00" * (0x80 - len(header))
    return bytes(header + b"PE\x00\x00\x4c\x01" + b"\x00" * 250)


def pdf_exe_polyglot() -> bytes:
    """A PDF that parses, carrying a Windows executable as it is inside a stream."""
    return pdf_bytes(exe_bytes())


def pdf_with_script(*, escaped: bool = False, compressed: bool = False) -> bytes:
    """A PDF that runs a script when opened: plainly, with its names spelt in #xx escapes, or with the action
    hidden in a compressed object stream (/Type /ObjStm)."""
    action = b"<</S/J#61vaScript/J#53(app.alert(1))>>" if escaped else b"<</S/JavaScript/JS(app.alert(1))>>"
    if not compressed:
        return pdf_bytes(catalog=b"/OpenAction " + action)
    packed = zlib.compress(b"6 0 " + action)
    stream = (b"<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n" % len(packed) + packed
              + b"\nendstream")
    return pdf_bytes(catalog=b"/OpenAction 6 0 R", extra=(stream,))


def docx_bytes(*, main_type: str = DOCX_MAIN, macro: bool = False, with_document: bool = True,
               embedded: str = "") -> bytes:
    """A minimal Word document; ``embedded`` names a part under word/embeddings/ (an OLE object, a chart's
    workbook)."""
    buffer = io.BytesIO()
    extra = ('<Override PartName="/word/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
             if macro else "")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES.format(main=main_type, extra=extra))
        if with_document:
            archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                                                  'wordprocessingml/2006/main"><w:body/></w:document>')
        else:
            archive.writestr("xl/workbook.xml", "<workbook/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\xcc\x61" + b"\0" * 64)
        if embedded:
            archive.writestr(f"word/embeddings/{embedded}", b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    return buffer.getvalue()


def _ole_entry(name: str, kind: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    entry = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
    return entry.ljust(128, b"\0")


def doc_bytes(*, macros: bool = False, package: bool = False) -> bytes:
    """A compound file whose directory names a WordDocument stream (and a VBA project, with ``macros``)."""
    header = bytearray(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)
    header[24:26] = struct.pack("<H", 0x3E)
    header[26:28] = struct.pack("<H", 3)
    header[28:30] = b"\xfe\xff"
    header[30:32] = struct.pack("<H", 9)  # 512-byte sectors
    entries = [_ole_entry("Root Entry", 5), _ole_entry("WordDocument", 2), _ole_entry("1Table", 2)]
    if macros:
        entries += [_ole_entry("Macros", 1), _ole_entry("_VBA_PROJECT", 2)]
    if package:  # an embedded "Package" object: any file, wrapped
        entries += [_ole_entry("ObjectPool", 1), _ole_entry("\x01Ole10Native", 2)]
    directory = b"".join(entries)
    directory += b"\0" * (-len(directory) % 512)
    return bytes(header) + directory + b"\x00" * 512


# -- zip archives written by hand, for entries whose compressed data (or declared size) is crafted ----------

def deflate_repeated(parts: list[tuple[bytes, int]]) -> tuple[bytes, int, int]:
    """Raw deflate data of each (bytes, times) repeated, built from one compressed copy per part (a full flush
    makes it stand alone), so a gigabyte costs a second. Returns (data, crc, inflated size)."""
    out, crc, size = bytearray(), 0, 0
    for data, times in parts:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        piece = compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)
        out += piece * times
        for _i in range(times):
            crc = zlib.crc32(data, crc)
        size += len(data) * times
    out += zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    return bytes(out), crc, size


def raw_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of (name, deflated data, crc, declared inflated size, method) entries, as given."""
    out, central = bytearray(), bytearray()
    for name, data, crc, size, method in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data), size,
                               len(encoded), 0, 0, 0, 0, 0, offset)
        central += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


def replace_parts(archive_bytes: bytes, parts: dict[str, tuple[bytes, int, int]]) -> bytes:
    """The archive with some parts replaced by (deflated data, crc, declared size) and the rest kept."""
    entries = []
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        for info in archive.infolist():
            if info.filename in parts:
                data, crc, size = parts[info.filename]
            else:
                raw = archive.read(info)
                compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
                data, crc, size = compressor.compress(raw) + compressor.flush(), zlib.crc32(raw), len(raw)
            entries.append((info.filename, data, crc, size, zipfile.ZIP_DEFLATED))
    known = {name for name, *_rest in entries}
    entries += [(name, *value, zipfile.ZIP_DEFLATED) for name, value in parts.items() if name not in known]
    return raw_zip(entries)


def shared_strings_bomb(megabytes: int) -> tuple[bytes, int, int]:
    """xl/sharedStrings.xml holding one string of ``megabytes`` MB."""
    return deflate_repeated([
        (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
         b'2006/main" count="1" uniqueCount="1"><si><t>', 1),
        (b"A" * (1 << 20), megabytes),
        (b"</t></si></sst>", 1)])


def truncated_part(archive_bytes: bytes, name: str, keep: float = 0.6) -> bytes:
    """The archive with ``name`` cut short (a valid zip: the CRC matches the cut part)."""
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        raw = archive.read(name)
    cut = raw[: int(len(raw) * keep)]
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return replace_parts(archive_bytes, {name: (compressor.compress(cut) + compressor.flush(), zlib.crc32(cut),
                                                len(cut))})
