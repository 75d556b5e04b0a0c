"""Load a (revised) size standard from its JSON file and reclassify every enterprise. No code change needed."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.accounts.models import User
from portal.audit.context import origin
from portal.enterprises import selectors, services, standards


class Command(BaseCommand):
    help = ("Load a size standard (JSON, the layout of portal/enterprises/data/size_standard_2011.json) and "
            "re-derive every enterprise's size class from the standard now in force.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the standard as JSON")
        parser.add_argument("--user", help="username recorded as the actor in the audit trail (optional)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在:{path}")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"用户不存在或已停用:{options['user']}")
        with origin("cli"), transaction.atomic():
            try:
                standard = standards.load_size_standard(path)
            except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
                raise CommandError(f"划型标准文件有误:{exc}") from exc
            missing = standards.uncovered_categories(standard)
            if missing:
                raise CommandError(f"划型标准缺少以下行业类别:{'、'.join(sorted(missing))};未作任何修改。")
            in_force = standards.current_standard()
            changed = services.reclassify_all(actor=actor, standard=in_force)
        self.stdout.write(self.style.SUCCESS(f"已加载划型标准:{standard.title}({standard.code})。"))
        if in_force.pk != standard.pk:
            self.stdout.write(f"现行标准仍为:{in_force.title}({in_force.code}),施行日期更晚。")
        self.stdout.write(f"已按现行标准重新划型,{changed} 家企业的划型结果或依据有变化。")
        coarse = selectors.coarse_industry_count()
        if coarse:
            self.stdout.write(f"另有 {coarse} 家企业的行业代码跨多个划型行业类别,未重新划型,须改填更细的行业代码。")
