"""Names kept as data in two languages (an industry's GB/T 4754 name, the size standard's categories): the
English one in the English interface, the Chinese one otherwise and whenever no English name was given."""

from django.utils.translation import get_language


def is_english() -> bool:
    return (get_language() or "").split("-")[0] == "en"


def in_language(chinese: str, english: str | None) -> str:
    return english if english and is_english() else chinese
