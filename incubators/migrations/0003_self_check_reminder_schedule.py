"""The self-check reminder in the default schedule (django-celery-beat data, editable by the system
administrator): daily at 08:30; the task acts 7, 3 and 1 days before the due date (30 May) and the day after."""

from django.db import migrations

TZ = "Asia/Shanghai"
NAME = "创业基地自查表提醒"
TASK = "incubators.tasks.remind_self_checks"


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="30", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone=TZ)
    PeriodicTask.objects.create(name=NAME, task=TASK, crontab=crontab, enabled=True,
                                description="每日 08:30 检查:自查表截止日(5月30日)前 7、3、1 天提醒基地和县级主管部门,"
                                            "截止次日向县、市主管部门通报逾期未报的基地")


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incubators", "0002_bases_records"),
        ("notifications", "0002_default_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
