"""The production shape: docker-compose.yml and the Dockerfile agree with settings, and `check --deploy` passes."""

import ast
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE = BASE_DIR / "docker-compose.yml"
DOCKERFILE = BASE_DIR / "Dockerfile"
PORTAL_SERVICES = ("migrate", "web", "worker", "beat")
REQUIRED = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS")
# Interpolated by compose itself, never passed to the portal as such.
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def environment(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def command(service: dict) -> str:
    cmd = service.get("command") or ""
    return " ".join(cmd) if isinstance(cmd, list) else cmd


# What a production container has besides the portal's own variables: nothing of the test run's
# (tests/conftest.py sets DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests, which check --deploy rejects).
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "DATABASE_URL", "REDIS_URL")


def production_env(**extra) -> dict:
    env = {k: os.environ[k] for k in PASSED_THROUGH if k in os.environ}
    env.update(SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="portal.example.gov.cn",
               CSRF_TRUSTED_ORIGINS="https://portal.example.gov.cn", **extra)
    return env


def test_the_stack_has_its_services_with_health_checks_and_named_volumes(compose):
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    assert services["postgres"]["image"].split(":")[1].startswith("16")
    assert services["redis"]["image"].split(":")[1].startswith("7")
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "pgdata" in compose["volumes"] and "media" in compose["volumes"]
    assert any(str(v).startswith("pgdata:") for v in services["postgres"]["volumes"])


def test_portal_services_run_the_portal(compose):
    services = compose["services"]
    assert "gunicorn portal.wsgi" in command(services["web"])
    assert "celery -A portal worker" in command(services["worker"])
    beat = command(services["beat"])
    assert "celery -A portal beat" in beat and "django_celery_beat.schedulers:DatabaseScheduler" in beat
    assert "manage.py migrate" in command(services["migrate"])
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["image"] == services["migrate"]["image"]


def test_portal_services_get_only_variables_settings_reads(compose):
    known = set(settings.ENV_VARS)
    for name in PORTAL_SERVICES:
        env = environment(compose["services"][name])
        assert set(env) <= known, (name, set(env) - known)
    for name in ("web", "worker", "beat"):
        env = environment(compose["services"][name])
        for var in REQUIRED:
            assert env.get(var), (name, var)


def test_every_variable_the_compose_file_interpolates_is_known():
    text = COMPOSE.read_text(encoding="utf-8").replace("$$", "")
    named = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", text))
    assert named, "the compose file takes its secrets from the environment"
    assert named <= set(settings.ENV_VARS) | COMPOSE_ONLY, named - set(settings.ENV_VARS) - COMPOSE_ONLY
    example = (BASE_DIR / "docs" / "env.example").read_text(encoding="utf-8")
    for var in named:
        assert re.search(rf"^{var}=", example, re.M), f"{var} missing from docs/env.example"


def test_dockerfile_is_slim_python_and_runs_as_a_user():
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")


def test_check_deploy_passes_with_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=production_env(), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_collectstatic_builds_the_production_manifest(tmp_path):
    """What the Dockerfile runs at build time: whitenoise's manifest storage must find every reference."""
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.test.utils import override_settings\n"
        f"with override_settings(STATIC_ROOT={str(tmp_path)!r}):\n"
        "    call_command('collectstatic', '--noinput', verbosity=0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR,
        env=production_env(DJANGO_SETTINGS_MODULE="portal.settings"), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles.json").exists()


def test_env_vars_lists_every_variable_settings_reads():
    """ENV_VARS is what the compose check trusts, so it must be complete: every env.*("NAME") and os.environ read."""

    tree = ast.parse((BASE_DIR / "portal" / "settings.py").read_text(encoding="utf-8"))
    read = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        func = node.func
        target = func.value if isinstance(func, ast.Attribute) else func
        name = ast.unparse(target)
        if name == "env" or ast.unparse(func) in ("os.environ.get", "os.getenv", "os.environ.setdefault"):
            read.add(node.args[0].value)
    assert {"SECRET_KEY", "DATABASE_URL"} <= read
    assert read <= set(settings.ENV_VARS), f"read but not in ENV_VARS: {sorted(read - set(settings.ENV_VARS))}"
