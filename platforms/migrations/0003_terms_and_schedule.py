"""Each platform's current operating unit becomes its first term (start unknown), and the re-review
reminder joins the beat schedule (daily; it acts on recognitions 90 days before they lapse)."""

from django.db import migrations
from django.utils import timezone

TZ = "Asia/Shanghai"
NAME = "示范平台复核提醒"
TASK = "platforms.tasks.remind_recognition_reviews"


def forwards(apps, schema_editor):
    Platform = apps.get_model("platforms", "Platform")
    OperatorTerm = apps.get_model("platforms", "OperatorTerm")
    OperatorTerm.objects.bulk_create([OperatorTerm(platform_id=pk, operator_name=name)
                                      for pk, name in Platform.objects.values_list("pk", "operator_name")])
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if not PeriodicTask.objects.filter(name=NAME).exists():
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone=TZ)
        PeriodicTask.objects.create(name=NAME, task=TASK, crontab=crontab, enabled=True,
                                    description="每日 08:00:示范认定有效期届满前 90 天提醒平台和主管部门准备复核")
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("platforms", "0002_registry_records"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
