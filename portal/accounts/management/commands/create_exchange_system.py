"""manage.py create_exchange_system NAME --region CODE [--full-name TEXT] [--rotate-token]

Creates the account of a region's own monitoring system (role ``exchange``, bound to the region, no
usable password: API only) and prints its API token. The system's requests are recorded in the audit
trail with channel ``api:NAME``. ``--rotate-token`` issues a new token for an existing system (the old
one stops working at once).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.accounts import services as accounts
from portal.accounts.models import Role, User
from portal.audit import context
from portal.regions.models import Region


class Command(BaseCommand):
    help = "Create a data-exchange system account (role exchange, API only) for a region and print its API token."

    def add_arguments(self, parser):
        parser.add_argument("name", help="system name: the login name and the audit channel api:<name>")
        parser.add_argument("--region", help="GB/T 2260 code of the region whose data it exchanges (required to create)")
        parser.add_argument("--full-name", default="", help="display name (default: <region>数据交换系统)")
        parser.add_argument("--rotate-token", action="store_true",
                            help="issue a new token for an existing exchange system (the old token stops working)")

    def handle(self, *args, name, region=None, full_name="", rotate_token=False, **options):
        with context.origin("cli"):
            if rotate_token:
                user = User.objects.filter(username=name, role=Role.EXCHANGE).first()
                if user is None:
                    raise CommandError(f"no exchange system named {name!r}")
                token = accounts.issue_exchange_token(user=user)
                self.stdout.write(f"new API token of exchange system {name} (the previous one is revoked):")
                self.stdout.write(token.key)
                return
            if not region:
                raise CommandError("--region CODE is required to create an exchange system")
            place = Region.objects.filter(code=region.strip()).first()
            if place is None:
                raise CommandError(f"unknown region code {region!r}")
            try:
                user, token = accounts.create_exchange_system(name=name, region=place, full_name=full_name)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"created exchange system {user.username} for {place.code} {place.name} "
                          f"(audit channel api:{user.username})")
        self.stdout.write("API token (send as 'Authorization: Token <key>'; shown once, keep it safe):")
        self.stdout.write(token.key)
