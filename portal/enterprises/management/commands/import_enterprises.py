"""Import the enterprise registry from the xlsx template, as a named official (audited as channel "cli")."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.models import User
from portal.audit.context import origin
from portal.enterprises import services


class Command(BaseCommand):
    help = "Import enterprises from an xlsx file (the portal's template). Every row valid, or nothing is saved."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file, in the layout of the template downloadable from the portal")
        parser.add_argument("--user", required=True, help="username of the official the import is made as")
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在:{path}")
        user = User.objects.filter(username=options["user"], is_active=True).select_related("region").first()
        if user is None:
            raise CommandError(f"用户不存在或已停用:{options['user']}")
        with origin("cli"), path.open("rb") as fh:
            try:
                result = services.import_enterprises(actor=user, fileobj=fh, dry_run=options["dry_run"])
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
        if not result.ok:
            for message in result.errors:
                self.stderr.write(message)
            raise CommandError(f"发现 {len(result.errors)} 处错误,未保存任何数据。")
        verb = "检查通过(未保存)" if options["dry_run"] else "导入完成"
        self.stdout.write(self.style.SUCCESS(
            f"{verb}:新增 {result.created} 家,更新 {result.updated} 家,无变化 {result.unchanged} 家。"))
