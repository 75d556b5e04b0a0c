"""The English catalogue keeps up with the Chinese interface: every string translated, the compiled
catalogue in step with its source, and every literal {% translate %} of the templates present."""

import ast
import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def entries() -> list[dict]:
    """A small reader of the .po file: msgid, msgid_plural, msgstr[...] and flags of each entry."""
    out, current, key = [], None, None
    for raw in PO.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current and "msgid" in current:
                out.append({k: _unquote(v) if isinstance(v, list) else v for k, v in current.items()})
            current, key = None, None
            continue
        current = current or {"flags": ""}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key].append(line)
        else:
            key, _space, value = line.partition(" ")
            current[key] = [value]
    return [e for e in out if e["msgid"]]


def test_every_message_is_translated_and_none_is_fuzzy():
    missing = [e["msgid"] for e in entries()
               if not any(v for k, v in e.items() if k.startswith("msgstr"))]
    fuzzy = [e["msgid"] for e in entries() if "fuzzy" in e["flags"]]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_compiled_catalogue_matches_its_source():
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    def compiled_text(e):
        return compiled.pgettext(e["msgctxt"], e["msgid"]) if "msgctxt" in e else compiled.gettext(e["msgid"])

    stale = [e["msgid"] for e in entries()
             if "msgid_plural" not in e and compiled_text(e) != e.get("msgstr", "")]
    assert not stale, f"django.mo is older than django.po (run make messages): {stale[:5]}"


def test_every_literal_template_string_is_in_the_catalogue():
    known = {e["msgid"] for e in entries()}
    pattern = re.compile(r'{%\s*translate\s+"([^"]+)"')
    absent = sorted({m for path in (ROOT / "templates").rglob("*.html")
                     for m in pattern.findall(path.read_text(encoding="utf-8"))
                # makemessages doubles a literal % of a template string in its msgid
                if m not in known and m.replace("%", "%%") not in known})
    assert not absent, f"not in locale/en (run make messages and translate): {absent[:10]}"
