"""The API's request parsers (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``): what no endpoint can take is refused
here, once, with a 400 whose ``detail`` says why in the caller's language.

- text no column stores (``portal.core.bounds.UNSTORABLE``): NUL, which PostgreSQL refuses in text and JSON, and
  unpaired surrogates (``"\\ud800"``), which JSON's escapes can carry and nothing can encode as UTF-8 (the
  filing's content hash, the idempotency fingerprint, the database driver) — in any string, key or value;
- JSON nested deeper than ``MAX_DEPTH`` (a filing batch is four levels deep): Python's parser would recurse
  until it fails, and every reader after it walks the same depth again;
- JSON that does not parse, with the reason.

Kept apart from ``portal.core.api`` (which imports DRF's views): the settings name these classes, and DRF's
views read the settings when their module loads.
"""

import codecs
import json
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

from .bounds import storable

MAX_DEPTH = 20


def unstorable_text_message() -> str:
    return _("请求中含有不允许的字符(空字符 U+0000 或不成对的代理字符 U+D800–U+DFFF),未处理。")


def too_deep_message() -> str:
    return _("请求体的 JSON 嵌套超过%(n)d层,未处理。") % {"n": MAX_DEPTH}


def check_json(data: Any, *, check_text: bool = True) -> None:
    """Walk parsed JSON without recursion: ParseError on a container deeper than MAX_DEPTH or (``check_text``)
    a string that no column stores."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if check_text and not storable(value):
                raise ParseError(unstorable_text_message())
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ParseError(too_deep_message())
        items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        for key, item in items:
            if check_text and isinstance(key, str) and not storable(key):
                raise ParseError(unstorable_text_message())
            if isinstance(item, str | dict | list):
                stack.append((item, depth + 1))


def check_form(data: QueryDict) -> None:
    """Form fields (urlencoded or multipart): no key or value that no column stores."""
    for key, values in data.lists():
        if not storable(key) or not all(storable(v) for v in values if isinstance(v, str)):
            raise ParseError(unstorable_text_message())


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(_("请求体不是有效的 %(encoding)s 文本。") % {"encoding": encoding}) from exc
        try:
            data = json.loads(text, parse_constant=strict_constant if self.strict else None)
        except RecursionError:
            raise ParseError(too_deep_message()) from None
        except ValueError as exc:
            raise ParseError(_("请求体不是有效的 JSON:%(error)s") % {"error": exc}) from None
        # NUL and surrogates reach a parsed string only through a \u escape: without one, only the depth.
        check_json(data, check_text="\\u" in text)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        check_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        check_form(parsed.data)
        return parsed
