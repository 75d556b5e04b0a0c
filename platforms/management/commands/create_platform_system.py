"""manage.py create_platform_system NAME --platform ID

Creates (or, for an existing one, gives a new token to) the account of a platform's own system, which pushes
its service records to POST /api/v1/platforms/<ID>/service-records/, and prints its API token. The account is
an operator without a usable password (API only), granted that one platform; a new token revokes the old one.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from platforms import services
from platforms.models import Platform
from portal.audit import context


class Command(BaseCommand):
    help = "Create a service platform's API account (or rotate its token) and print the token."

    def add_arguments(self, parser):
        parser.add_argument("name", help="system name: the account's login name")
        parser.add_argument("--platform", type=int, required=True, help="the platform's id")

    def handle(self, *args, name, platform, **options):
        target = Platform.objects.filter(pk=platform).first()
        if target is None:
            raise CommandError(f"no platform with id {platform}")
        with context.origin("cli"):
            try:
                user, token = services.create_platform_system(platform=target, name=name)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"API account {user.username} of {target.name}; push to "
                          f"/api/v1/platforms/{target.pk}/service-records/ with 'Authorization: Token <key>':")
        self.stdout.write(token.key)
