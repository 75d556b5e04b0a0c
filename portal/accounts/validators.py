import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CLASSES = (
    (re.compile(r"[a-z]"), "lower"),
    (re.compile(r"[A-Z]"), "upper"),
    (re.compile(r"[0-9]"), "digit"),
    (re.compile(r"[^A-Za-z0-9]"), "symbol"),
)


class CharacterClassValidator:
    """At least ``min_classes`` of: lower case, upper case, digits, symbols (等保 password complexity)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for pattern, _name in _CLASSES if pattern.search(password))
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码须至少包含大写字母、小写字母、数字、符号中的 %(n)d 类。") % {"n": self.min_classes}
