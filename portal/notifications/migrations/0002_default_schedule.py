"""The default schedule of the portal's jobs (django-celery-beat data; the system administrator edits it in the
admin under Periodic tasks). Times are Asia/Shanghai. The reminders run daily and act only on the days that
settings give relative to each period's deadlines (10th/12th, 13th, 16th with the defaults); the bulletin task
acts only on settings.BULLETIN_DAY_AFTER_QUARTER of January, April, July and October.

Existing entries of the same name are left as an administrator may have changed them.
"""

from django.db import migrations

TZ = "Asia/Shanghai"
# (name, task, minute, hour, description)
SCHEDULE = [
    ("报告期自动锁定", "monitoring.tasks.lock_periods", "30", "0",
     "每日 00:30:锁定审核上报截止日已过的报告期"),
    ("季度通报生成", "monitoring.tasks.generate_quarterly_bulletins", "0", "7",
     "每日 07:00 检查:季度结束后次月第 20 日生成上季度各级通报草稿,提醒省厅审核发布"),
    ("企业催报提醒", "monitoring.tasks.remind_late_filers", "0", "9",
     "每日 09:00 检查:企业报送截止日前 3 天、前 1 天(默认 10 日、12 日)提醒尚未报送的企业"),
    ("县级待审核提醒", "monitoring.tasks.remind_pending_reviews", "0", "9",
     "每日 09:00 检查:企业报送截止日当天(默认 13 日)提醒有待审核报表的县(市、区)"),
    ("县级未上报提醒", "monitoring.tasks.remind_unreported_counties", "0", "9",
     "每日 09:00 检查:审核上报截止日次日(默认 16 日)提醒市级督促未上报的县(市、区)"),
    ("退回报表再次提醒", "monitoring.tasks.remind_returned_filings", "30", "9",
     "每日 09:30:退回两天后仍未重新报送的报表再提醒一次"),
    ("消息补发", "portal.notifications.tasks.queue_stalled_deliveries", "15", "*",
     "每小时第 15 分:重新排队仍未发出的邮件和短信"),
    ("清理接口幂等记录", "monitoring.tasks.purge_idempotency_records", "0", "3",
     "每日 03:00:删除超过 7 天的 Idempotency-Key 应答记录"),
]


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, minute, hour, description in SCHEDULE:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone=TZ)
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab, description=description, enabled=True)
    # Tell a running beat that the schedule changed.
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unseed(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[row[0] for row in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
