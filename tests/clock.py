"""The fixed time at which tests that depend on the calendar run (``@pytest.mark.frozen_clock``).

A weekday in November 2026, Asia/Shanghai: October is the month being filed, the third quarter has ended and
its bulletin day (20 October) has passed, and no year boundary is near. The clock ticks from there, so rows
made one after the other keep their order.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

FROZEN_AT = datetime(2026, 11, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
