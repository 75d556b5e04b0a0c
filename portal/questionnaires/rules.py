"""The engine's tables as data: the five levels of a satisfaction question, which of them count as
satisfied, the default sample share and satisfied threshold, and the built-in questionnaire."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# scale5: stored as 5 (best) .. 1 (worst); the top two count as satisfied, the bottom two as a bad rating.
SCALE5 = (
    (5, _("非常满意")),
    (4, _("满意")),
    (3, _("一般")),
    (2, _("不满意")),
    (1, _("非常不满意")),
)
SATISFIED_LEVELS = frozenset({5, 4})
BAD_LEVELS = frozenset({2, 1})

# Seed 001: at least 20% of the distinct enterprises served, rounded up; below 80% satisfied is flagged.
DEFAULT_SAMPLE_FRACTION = Decimal("0.2")
DEFAULT_SATISFIED_THRESHOLD = Decimal("0.80")

TEXT_MAX_LENGTH = 2000
NUMBER_MAX_DIGITS = 18

SERVICE_SATISFACTION = "service_satisfaction"  # the built-in questionnaire's key
RATING_WINDOW_DAYS = 30  # an appeal's rating stays open this many days
