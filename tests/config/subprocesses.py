"""Running the project in a fresh process, as a deployment or a developer would start it."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# A subprocess starts from a bare environment: nothing that pytest-env, CI or other tests put in
# ours (SECRET_KEY, DATABASE_URL, REDIS_URL, DJANGO_ALLOW_ASYNC_UNSAFE...) leaks into it.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def bare_environment(**env):
    inherited = {key: os.environ[key] for key in INHERITED if key in os.environ}
    return {**inherited, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
