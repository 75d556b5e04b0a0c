"""Session rules hold on the API too; tokens do not outlive a password; the schedule runs only its jobs."""

import time

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from rest_framework.authtoken.models import Token

from portal.accounts import services as account_services
from portal.accounts.middleware import LAST_SEEN_KEY

pytestmark = pytest.mark.django_db


def test_idle_session_gets_nothing_from_the_api(world, login, settings):
    client = login(world.users["county"])
    assert client.get("/api/v1/enterprises/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/api/v1/enterprises/")
    assert response.status_code in (401, 403)
    assert "海安甲企业" not in response.content.decode()


def test_expired_password_session_gets_nothing_from_the_api(world, login):
    user = world.users["county"]
    user.password_changed_at = user.password_changed_at.replace(year=2000)
    user.save()
    response = login(user).get("/api/v1/enterprises/")
    assert response.status_code == 403 and "密码已过期" in response.json()["detail"]


def test_changing_the_password_revokes_api_tokens(world, client):
    user = world.users["county"]
    token = Token.objects.create(user=user)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    account_services.change_password(user=user, new_password="Another#Passw0rd2")
    assert not Token.objects.filter(user=user).exists()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401


@pytest.mark.parametrize("task,kwargs,accepted", [
    ("monitoring.tasks.lock_periods", "{}", True),
    ("portal.notifications.tasks.deliver", "{}", False),  # sends a given message to a given address
    ("portal.bulletins.tasks.generate_bulletins", "{}", False),  # acts on behalf of a given user
    ("monitoring.tasks.lock_periods", '{"today": "2099-01-01"}', False),  # arguments are not schedulable
])
def test_schedule_editor_runs_only_listed_jobs_without_arguments(world, login, task, kwargs, accepted):
    crontab = CrontabSchedule.objects.create(minute="0", hour="4")
    client = login(world.users["system_admin"])
    response = client.post(reverse("admin:django_celery_beat_periodictask_add"), {
        "name": "测试任务", "regtask": task, "task": task, "enabled": "on", "crontab": crontab.pk,
        "args": "[]", "kwargs": kwargs, "expire_seconds": "", "priority": "", "queue": "", "exchange": "",
        "routing_key": "", "headers": "{}", "description": "", "one_off": "", "start_time_0": "", "start_time_1": "",
    })
    created = PeriodicTask.objects.filter(name="测试任务").first()
    assert (created is not None) == accepted, response.content.decode()[:500]
    if created:
        assert created.task == task and created.kwargs == "{}"
