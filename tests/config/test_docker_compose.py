"""The deployment files name things that exist: services, images, volumes, modules, commands."""

import importlib
import json
import os
import re
import shlex
import subprocess

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.handlers.wsgi import WSGIHandler

from config.celery import app
from config.env import database_from_url
from tests.config.subprocesses import PROJECT_ROOT, bare_environment

APP_SERVICES = ("web", "worker", "worker-urls", "beat")


@pytest.fixture(scope="module")
def compose():
    with open(PROJECT_ROOT / "docker-compose.yml") as file:
        return yaml.safe_load(file)


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def command_words(service):
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def shell_script_words(service):
    """The words of `sh -c "..."`, the script split as the shell would for simple commands."""
    words = command_words(service)
    assert words[:2] == ["sh", "-c"]
    return shlex.split(words[2])


def requirements():
    lines = (PROJECT_ROOT / "requirements.txt").read_text().splitlines()
    return {line.split("==")[0].lower() for line in lines if "==" in line}


# Services and images.


def test_compose_has_the_web_worker_beat_database_and_redis_services(services):
    assert sorted(services) == ["beat", "db", "redis", "web", "worker", "worker-urls"]


def test_the_database_is_postgres_16_and_the_cache_and_broker_redis_7(services):
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"


def test_the_app_services_are_built_from_the_dockerfile_beside_compose(services):
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        assert "image" not in services[name]


def test_the_app_services_wait_for_a_healthy_database_and_redis(services):
    for name in APP_SERVICES:
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
    assert services["db"]["healthcheck"]["test"] == [
        "CMD-SHELL",
        "pg_isready -U offerdesk -d offerdesk",
    ]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_only_the_web_service_publishes_a_port(services):
    assert services["web"]["ports"] == ["8000:8000"]
    assert [name for name, service in services.items() if "ports" in service] == ["web"]


# Volumes.


def test_the_database_and_the_uploads_live_in_named_volumes(compose, services):
    assert sorted(compose["volumes"]) == ["pgdata", "uploads"]
    assert services["db"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]


def test_every_app_service_sees_the_uploads_where_media_root_points(services):
    for name in APP_SERVICES:
        media_root = services[name]["environment"]["MEDIA_ROOT"]
        assert media_root == "/app/var/media"
        assert services[name]["volumes"] == [f"uploads:{media_root}"]


# The environment of the app services.


def test_the_app_services_point_django_at_an_importable_settings_module(services):
    for name in APP_SERVICES:
        module = services[name]["environment"]["DJANGO_SETTINGS_MODULE"]
        assert module == "config.settings"
        assert importlib.import_module(module).ROOT_URLCONF == "config.urls"


def test_the_app_services_must_be_given_their_secrets(services):
    environment = services["web"]["environment"]

    assert environment["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"
    assert environment["ALLOWED_HOSTS"] == "${ALLOWED_HOSTS:?set ALLOWED_HOSTS}"
    assert services["db"]["environment"]["POSTGRES_PASSWORD"] == (
        "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
    )


def test_the_database_url_names_the_database_the_db_service_creates(services):
    url = services["web"]["environment"]["DATABASE_URL"].replace(
        "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}", "s3cret"
    )
    db = services["db"]["environment"]

    assert database_from_url(url) == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db["POSTGRES_DB"],
        "USER": db["POSTGRES_USER"],
        "PASSWORD": "s3cret",
        "HOST": "db",
        "PORT": "5432",
        "OPTIONS": {},
    }


def test_the_redis_url_names_the_redis_service(services):
    assert services["web"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"


def test_web_worker_and_beat_share_one_environment(services):
    environments = [services[name]["environment"] for name in APP_SERVICES]

    assert all(environment == environments[0] for environment in environments)
    assert environments[0]["BEHIND_TLS_PROXY"] == "1"


# Commands.


def test_web_migrates_then_serves_config_wsgi_application_with_gunicorn(services):
    words = shell_script_words(services["web"])

    assert words[:4] == ["python", "manage.py", "migrate", "--noinput"]
    assert words[4] == "&&"
    assert words[5:] == [
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        "0.0.0.0:8000",
        "--workers",
        "3",
    ]


def test_config_wsgi_application_exists_and_is_a_wsgi_handler():
    application = importlib.import_module("config.wsgi").application

    assert isinstance(application, WSGIHandler)


def test_worker_and_beat_run_celery_on_the_config_app(services):
    assert command_words(services["worker"])[:4] == ["celery", "-A", "config", "worker"]
    assert command_words(services["worker-urls"])[:4] == ["celery", "-A", "config", "worker"]
    assert command_words(services["beat"])[:4] == ["celery", "-A", "config", "beat"]


def test_url_checks_get_a_thread_pool_and_logo_checks_a_process_pool(services):
    urls = command_words(services["worker-urls"])
    logos = command_words(services["worker"])

    assert urls[urls.index("-Q") + 1] == "urls"
    assert urls[urls.index("-P") + 1] == "threads"
    assert logos[logos.index("-Q") + 1] == "logos,default"
    assert "-P" not in logos  # Celery's default pool: processes


def test_celery_dash_a_config_finds_the_app_in_config_celery():

    assert isinstance(app, Celery)
    assert find_app("config") is app


def test_the_celery_app_registers_the_upload_cleaning_task():

    app.loader.import_default_modules()

    assert "offers.tasks.clean_orphaned_uploads" in app.tasks


def test_every_task_in_the_beat_schedule_is_registered():

    app.loader.import_default_modules()

    assert {name: entry["task"] for name, entry in app.conf.beat_schedule.items()} == {
        "clean-orphaned-uploads": "offers.tasks.clean_orphaned_uploads",
        "sweep-checks": "offers.tasks.sweep_checks",
        "sweep-notifications": "offers.tasks.sweep_notifications",
    }
    assert all(entry["task"] in app.tasks for entry in app.conf.beat_schedule.values())


def test_the_programs_the_commands_run_are_pinned_requirements():
    assert {"gunicorn", "celery", "redis", "psycopg2-binary", "django"} <= requirements()


# The Dockerfile.


def dockerfile_instructions():
    text = (PROJECT_ROOT / "Dockerfile").read_text()
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_the_dockerfile_serves_config_wsgi_with_gunicorn():
    (cmd,) = [line for line in dockerfile_instructions() if line.startswith("CMD ")]

    assert json.loads(cmd.removeprefix("CMD ")) == [
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        "0.0.0.0:8000",
        "--workers",
        "3",
    ]


def test_the_dockerfile_installs_the_requirements_and_runs_as_an_unprivileged_user():
    instructions = dockerfile_instructions()

    assert instructions[0] == "FROM python:3.11-slim"
    assert "RUN pip install --no-cache-dir -r requirements.txt" in instructions
    assert "USER offerdesk" in instructions
    assert "EXPOSE 8000" in instructions


# The Makefile and CI.


def make_dry_run(target):
    result = subprocess.run(
        ["make", "-n", target],
        cwd=PROJECT_ROOT,
        env=bare_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_migrates_and_serves_with_a_celery_worker_and_beat_beside_it():
    commands = make_dry_run("run")

    assert "DEBUG=${DEBUG:-1} .venv/bin/python manage.py migrate --noinput" in commands
    assert re.search(
        r"celery -A config worker --loglevel=INFO -n urls@%h -Q urls -P threads", commands
    )
    assert re.search(
        r"celery -A config worker --loglevel=INFO -n logos@%h -Q logos,default .*--beat", commands
    )
    assert "DEBUG=${DEBUG:-1} .venv/bin/python manage.py runserver 127.0.0.1:8000" in commands


def test_make_test_runs_pytest_in_the_project_venv():
    commands = make_dry_run("test").splitlines()

    assert commands[-1].strip() == ".venv/bin/python -m pytest"


def test_ci_runs_lint_and_the_tests_against_postgres_and_redis():
    lines = (PROJECT_ROOT / ".ci" / "run").read_text().splitlines()

    assert lines[0] == "#!/usr/bin/env bash"
    assert 'export DATABASE_URL="postgres://postgres@127.0.0.1:5432/offerdesk"' in lines
    assert 'export REDIS_URL="redis://127.0.0.1:6379/1"' in lines
    assert lines[-2:] == ["make lint", "make test"]
    assert os.access(PROJECT_ROOT / ".ci" / "run", os.X_OK)
