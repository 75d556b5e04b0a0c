"""Unified social credit code (统一社会信用代码, GB 32100-2015)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # I, O, S, V, Z are never used
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def validate_credit_code(code: str) -> str:
    """Return the normalised code or raise ValidationError with a message the user can act on."""
    code = normalise(code)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位,当前为%(n)d位。") % {"n": len(code)}, code="credit_code_length"
        )
    bad = sorted({ch for ch in code if ch not in CHARSET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符:%(chars)s(不使用 I、O、S、V、Z)。") % {"chars": _("、").join(bad)},
            code="credit_code_charset",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误:第18位应为“%(expected)s”,请核对后重新输入。") % {"expected": expected},
            code="credit_code_check",
        )
    return code


def make_code(body17: str) -> str:
    """Complete 17 characters with their check character (used by demo data and factories)."""
    return body17 + check_character(body17)
