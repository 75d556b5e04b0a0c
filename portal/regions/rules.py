"""The documents' numbers for the region pages, as data (seed 000, §三)."""

from portal.enterprises.models import SizeClass

# Monitored enterprises should be about 15% medium, 45% small, 40% micro (shares of the SMEs).
TARGET_MIX = {SizeClass.MEDIUM.value: 15, SizeClass.SMALL.value: 45, SizeClass.MICRO.value: 40}
# A share further than this many percentage points from its target is flagged on the overview.
MIX_TOLERANCE = 5
