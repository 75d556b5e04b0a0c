"""The frozen clock really holds for tests marked ``frozen_clock``."""

import pytest
from django.utils import timezone

from monitoring import periods
from tests.clock import FROZEN_AT


@pytest.mark.django_db
@pytest.mark.frozen_clock
def test_a_frozen_test_files_the_month_before_frozen_at(settings):
    settings.FILING_DEADLINE_DAY, settings.REVIEW_DEADLINE_DAY = 13, 15
    assert timezone.localdate() == FROZEN_AT.date()
    period = periods.current_filing_period()
    assert (period.year, period.month) == (2026, 10)
    assert (str(period.enterprise_deadline), str(period.review_deadline)) == ("2026-11-13", "2026-11-15")

