"""Give the demo province 13 months of filings, so the status, review and analysis pages have data: filed,
reviewed and corrected through the services, each act at its date (``monitoring.demo``)."""

from django.core.management.base import BaseCommand

from monitoring.demo import load_filings
from monitoring.models import Filing
from portal.accounts.models import User
from portal.enterprises.models import Enterprise


class Command(BaseCommand):
    help = "Load 13 months of demo filings for the demo enterprises (once; does nothing when present)."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=13)

    def handle(self, *args, **options):
        if Filing.objects.exists():
            self.stdout.write("Demo filings already loaded.")
            return
        # The demo enterprise officer's own enterprise is left for a person to file by hand.
        officer = User.objects.filter(username="qiye").first()
        enterprises = Enterprise.objects.exclude(pk=getattr(officer, "enterprise_id", None))
        total = load_filings(enterprises=enterprises, months=options["months"])
        self.stdout.write(self.style.SUCCESS(f"Loaded {total} demo filings."))
