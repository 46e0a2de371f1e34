"""docker-compose.yml cannot run here (no Docker engine): check what can be checked."""

import importlib
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_declares_web_worker_beat_database_and_redis_with_health_checks():
    services = COMPOSE["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= services.keys()
    for name in ("web", "db", "redis", "worker"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def _command(service):
    command = COMPOSE["services"][service]["command"]
    return command if isinstance(command, str) else " ".join(command)


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_compose_commands_name_modules_that_exist(service):
    command = _command(service)
    for module in re.findall(r"([\w.]+):application", command):
        importlib.import_module(module)
    for app in re.findall(r"celery -A (\w+)", command):
        assert hasattr(importlib.import_module(app), "celery_app")
    for scheduler in re.findall(r"--scheduler ([\w.]+):(\w+)", command):
        assert hasattr(importlib.import_module(scheduler[0]), scheduler[1])
    for management_command in re.findall(r"manage\.py (\w+)", command):
        assert management_command in get_commands()


def test_compose_takes_secrets_from_the_environment():
    environment = COMPOSE["x-app"]["environment"]
    assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"]
