"""The system administrator's schedule reads in words: jobs by name, 每天 09:00 rather than ``0 9 * * *``,
no English section titles, arguments or raw task paths; industries with their parent and size category named."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from portal.core.schedules import human_schedule

pytestmark = pytest.mark.django_db


def text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def cron(minute="0", hour="9", dom="*", month="*", dow="*", tz="Asia/Shanghai"):
    return SimpleNamespace(minute=minute, hour=hour, day_of_month=dom, month_of_year=month, day_of_week=dow,
                           timezone=tz)


def test_crontabs_in_words():
    assert human_schedule(cron()) == "每天 09:00"
    assert human_schedule(cron(minute="15", hour="*")) == "每小时第 15 分"
    assert human_schedule(cron(minute="30", hour="0", dom="1")) == "每月 1 日 00:30"
    assert human_schedule(cron(hour="7", dow="1,3")) == "每周一、三 07:00"
    assert human_schedule(cron(dom="1", month="1,7")) == "每年 1、7 月 1 日 09:00"
    assert human_schedule(cron(tz="UTC")) == "每天 09:00(UTC)"
    assert "*/5" in human_schedule(cron(minute="*/5", hour="*"))  # not in words: its fields, named
    with translation.override("en"):
        assert human_schedule(cron()) == "Daily 09:00"


def test_the_schedule_list_and_form_read_in_words(world, login):
    client = login(world.users["system_admin"])
    task = PeriodicTask.objects.get(task="monitoring.tasks.remind_late_filers")
    listing = text(client, reverse("admin:django_celery_beat_periodictask_changelist"))
    assert "企业催报提醒" in listing and "每天 09:00" in listing
    for raw in ("monitoring.tasks.", "0 9 * * *", "(m/h/dM/MY/d)", "Scheduler", "Task Name"):
        assert raw not in listing, raw
    form = text(client, reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]))
    assert "运行时间" in form and "每天 09:00" in form
    for raw in ("Schedule", "Arguments", "Execution Options", "monitoring.tasks.", "0 9 * * *", "At 09:00 AM",
                "Crontab translation"):
        assert raw not in form, raw
    crontabs = text(client, reverse("admin:django_celery_beat_crontabschedule_changelist"))
    assert "每天 09:00" in crontabs and "Human readable" not in crontabs


def test_saving_the_form_keeps_the_task_and_no_arguments(world, login):
    client = login(world.users["system_admin"])
    task = PeriodicTask.objects.get(task="monitoring.tasks.remind_late_filers")
    at_ten = CrontabSchedule.objects.create(minute="0", hour="10", timezone="Asia/Shanghai")
    response = client.post(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]), {
        "name": task.name, "regtask": task.task, "task": task.task, "enabled": "on", "description": "",
        "crontab": at_ten.pk, "start_time_0": "", "start_time_1": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    task.refresh_from_db()
    assert task.crontab_id == at_ten.pk and task.args == "[]" and task.kwargs == "{}"


def test_industries_show_their_parent_and_size_category_by_name(world, login):
    listing = text(login(world.users["system_admin"]), reverse("admin:enterprises_industry_changelist"))
    assert "上级行业" in listing and "PARENT" not in listing.upper().replace("上级行业", "")
    assert "13 农副食品加工业 C 制造业 工业" in listing
    assert " industry " not in listing and "agriculture" not in listing
