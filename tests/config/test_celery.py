"""Celery's broker: folders under VAR_DIR by default, Redis when REDIS_URL is set."""

import json
import subprocess
import sys

from celery.schedules import crontab
from django.conf import settings

from config import celery_app
from tests.config.subprocesses import PROJECT_ROOT, bare_environment

# Runs in a fresh process: the settings are read once, at import.
PRINT_CONFIGURATION = """
import json
import django
django.setup()
from config import celery_app
celery_app.finalize()
conf = celery_app.conf
print(json.dumps({
    "broker_url": conf.broker_url,
    "transport_options": conf.broker_transport_options,
    "always_eager": conf.task_always_eager,
    "eager_propagates": conf.task_eager_propagates,
    "acks_late": conf.task_acks_late,
    "prefetch": conf.worker_prefetch_multiplier,
    "cache": django.conf.settings.CACHES["default"]["BACKEND"],
    "cache_location": django.conf.settings.CACHES["default"].get("LOCATION"),
    "beat_sync_every": conf.beat_sync_every,
}))
"""


def celery_configuration(tmp_path, **env):
    result = subprocess.run(
        [sys.executable, "-c", PRINT_CONFIGURATION],
        cwd=PROJECT_ROOT,
        env=bare_environment(DEBUG="1", VAR_DIR=str(tmp_path), **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_redis_the_broker_is_the_file_system_under_var_dir(tmp_path):
    configuration = celery_configuration(tmp_path)

    assert configuration["broker_url"] == "filesystem://"
    assert configuration["transport_options"] == {
        "data_folder_in": str(tmp_path / "broker" / "queue"),
        "data_folder_out": str(tmp_path / "broker" / "queue"),
        "processed_folder": str(tmp_path / "broker" / "processed"),
        "control_folder": str(tmp_path / "broker" / "control"),
        "store_processed": False,
    }
    assert configuration["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_the_broker_folders_exist_once_the_app_is_ready(tmp_path):
    celery_configuration(tmp_path)

    assert sorted(path.name for path in (tmp_path / "broker").iterdir()) == [
        "control",
        "processed",
        "queue",
    ]


def test_with_redis_url_the_broker_and_the_cache_are_redis(tmp_path):
    configuration = celery_configuration(tmp_path, REDIS_URL="redis://redis.internal:6379/2")

    assert configuration["broker_url"] == "redis://redis.internal:6379/2"
    # Unacknowledged messages come back after an hour, far above any task's time limit, and a
    # publish to a broker that is down fails at once.
    assert configuration["transport_options"] == {"visibility_timeout": 3600, "max_retries": 0}
    assert configuration["cache"] == "django.core.cache.backends.redis.RedisCache"
    # A database of its own: clearing the cache never drops a queued check.
    assert configuration["cache_location"] == "redis://redis.internal:6379/3"
    assert (tmp_path / "broker").exists() is False


def test_tasks_are_queued_not_run_in_process_unless_the_environment_says_so(tmp_path):
    assert celery_configuration(tmp_path)["always_eager"] is False
    assert celery_configuration(tmp_path, CELERY_TASK_ALWAYS_EAGER="0")["always_eager"] is False
    assert celery_configuration(tmp_path, CELERY_TASK_ALWAYS_EAGER="1")["always_eager"] is True


def test_a_task_is_acknowledged_after_it_ran_and_a_worker_takes_one_at_a_time(tmp_path):
    configuration = celery_configuration(tmp_path)

    assert (
        configuration["acks_late"],
        configuration["prefetch"],
        configuration["eager_propagates"],
    ) == (True, 1, True)


def test_the_tests_run_tasks_in_process():
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert celery_app.conf.task_always_eager is True


def test_the_beat_sweeps_checks_and_e_mails_every_minute_and_cleans_uploads_every_hour():
    assert celery_app.conf.beat_schedule == {
        "clean-orphaned-uploads": {
            "task": "offers.tasks.clean_orphaned_uploads",
            "schedule": 3600.0,
        },
        "sweep-checks": {"task": "offers.tasks.sweep_checks", "schedule": 60.0},
        "sweep-notifications": {"task": "offers.tasks.sweep_notifications", "schedule": 60.0},
        "forget-idempotency-keys": {
            "task": "api.tasks.forget_idempotency_keys",
            "schedule": 3600.0,
        },
        "sweep-webhook-deliveries": {"task": "webhooks.tasks.sweep_deliveries", "schedule": 60.0},
        "send-review-reminders": {
            "task": "review.tasks.send_review_reminders",
            "schedule": crontab(hour=7, minute=0),
        },
    }


def test_the_review_reminders_go_out_at_seven_utc_every_day():
    schedule = celery_app.conf.beat_schedule["send-review-reminders"]["schedule"]

    assert (celery_app.conf.timezone, schedule.hour, schedule.minute) == ("UTC", {7}, {0})
    assert schedule.day_of_week == set(range(7))


def test_beat_writes_its_schedule_after_every_task_it_sends(tmp_path):
    # The beat container's health check reads the schedule file's age.
    assert celery_configuration(tmp_path)["beat_sync_every"] == 1
