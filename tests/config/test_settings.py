"""Settings come from the environment: malformed values fail loudly, production is safe."""

import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    object_storage_options,
    redis_cache_url,
)
from tests.config.subprocesses import PROJECT_ROOT, bare_environment

FLAG = "OFFERDESK_TEST_VALUE"


# env_str and env_list.


def test_env_str_reads_the_variable_or_the_default(monkeypatch):
    monkeypatch.delenv(FLAG, raising=False)
    assert env_str(FLAG) == ""
    assert env_str(FLAG, "fallback") == "fallback"
    monkeypatch.setenv(FLAG, "value")
    assert env_str(FLAG, "fallback") == "value"


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv(FLAG, " offerdesk.example, www.offerdesk.example ,,")
    assert env_list(FLAG) == ["offerdesk.example", "www.offerdesk.example"]
    monkeypatch.delenv(FLAG)
    assert env_list(FLAG) == []
    assert env_list(FLAG, ("localhost",)) == ["localhost"]


# env_bool.


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("true", True),
        ("True", True),
        (" yes ", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("FALSE", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_accepts_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv(FLAG, raw)

    assert env_bool(FLAG, default=not value) is value


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_falls_back_to_the_default_when_unset(monkeypatch, default):
    monkeypatch.delenv(FLAG, raising=False)

    assert env_bool(FLAG, default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "y"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv(FLAG, raw)

    with pytest.raises(ImproperlyConfigured) as error:
        env_bool(FLAG)
    assert str(error.value) == f"{FLAG}={raw!r} is not a boolean; use 1 or 0."


# env_int.


def test_env_int_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv(FLAG, " 42 ")
    assert env_int(FLAG, 7) == 42
    monkeypatch.setenv(FLAG, "-3")
    assert env_int(FLAG, 7) == -3


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_env_int_falls_back_to_the_default_when_unset_or_blank(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv(FLAG, raising=False)
    else:
        monkeypatch.setenv(FLAG, raw)

    assert env_int(FLAG, 7) == 7


@pytest.mark.parametrize("raw", ["ten", "1.5", "15m"])
def test_env_int_refuses_anything_but_a_whole_number(monkeypatch, raw):
    monkeypatch.setenv(FLAG, raw)

    with pytest.raises(ImproperlyConfigured) as error:
        env_int(FLAG, 7)
    assert str(error.value) == f"{FLAG}={raw!r} is not a whole number."


# database_from_url.


def test_database_from_url_reads_every_part_of_a_postgres_url():
    assert database_from_url("postgres://u:p@h:5433/db") == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "db",
        "USER": "u",
        "PASSWORD": "p",
        "HOST": "h",
        "PORT": "5433",
        "OPTIONS": {},
    }


def test_database_from_url_passes_query_options_to_the_driver():
    settings = database_from_url("postgres://u@h/db?sslmode=require&connect_timeout=5")

    assert settings["OPTIONS"] == {"sslmode": "require", "connect_timeout": "5"}


def test_database_from_url_accepts_postgresql_and_leaves_out_what_is_not_given():
    assert database_from_url("postgresql://db.internal/offerdesk") == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "offerdesk",
        "USER": "",
        "PASSWORD": "",
        "HOST": "db.internal",
        "PORT": "",
        "OPTIONS": {},
    }


def test_database_from_url_decodes_a_percent_encoded_password():
    settings = database_from_url("postgres://offerdesk:p%40ss%3Aword@db:5432/offerdesk")

    assert (settings["USER"], settings["PASSWORD"]) == ("offerdesk", "p@ss:word")


@pytest.mark.parametrize(
    "url",
    ["mysql://u:p@h:3306/db", "sqlite:///var/db.sqlite3", "postgres://u:p@h:5432/", "db"],
)
def test_database_from_url_refuses_anything_but_a_postgres_url_with_a_name(url):
    with pytest.raises(ImproperlyConfigured) as error:
        database_from_url(url)
    assert str(error.value) == (
        f"DATABASE_URL={url!r} is not understood; expected postgres://user@host:port/name."
    )


def test_database_from_url_refuses_a_malformed_port():
    with pytest.raises(ImproperlyConfigured) as error:
        database_from_url("postgres://u:p@h:port/db")
    assert str(error.value) == "DATABASE_URL='postgres://u:p@h:port/db' has a malformed port."


# object_storage_options.


def storage_options(**overrides):
    arguments = {
        "bucket": "offerdesk",
        "endpoint_url": "http://seaweedfs:8333",
        "access_key": "key",
        "secret_key": "secret",
        "region": "",
        "timeout": 5,
    }
    return object_storage_options(**{**arguments, **overrides})


def test_a_bucket_is_private_and_reached_by_path_on_a_store_of_its_own():
    options = storage_options(location="/offers/")
    config = options.pop("client_config")

    assert options == {
        "bucket_name": "offerdesk",
        "endpoint_url": "http://seaweedfs:8333",
        "access_key": "key",
        "secret_key": "secret",
        "region_name": None,
        "location": "offers",
        "default_acl": None,
        "file_overwrite": True,
        "querystring_auth": True,
    }
    assert (config.connect_timeout, config.read_timeout) == (5, 5)
    assert config.s3 == {"addressing_style": "path"}
    assert config.retries == {"max_attempts": 2, "mode": "standard"}


def test_on_aws_itself_the_addressing_is_left_to_boto_and_credentials_to_its_chain():
    options = storage_options(endpoint_url="", access_key="", secret_key="", region="eu-west-1")

    assert (options["endpoint_url"], options["access_key"], options["secret_key"]) == (
        None,
        None,
        None,
    )
    assert options["region_name"] == "eu-west-1"
    assert options["client_config"].s3 == {"addressing_style": "auto"}


def test_an_endpoint_that_is_not_a_url_stops_the_project():
    with pytest.raises(ImproperlyConfigured) as error:
        storage_options(endpoint_url="seaweedfs:8333")
    assert str(error.value) == ("AWS_S3_ENDPOINT_URL='seaweedfs:8333' is not an http or https URL.")


# redis_cache_url.


@pytest.mark.parametrize(
    ("broker", "cache"),
    [
        ("redis://redis:6379/0", "redis://redis:6379/1"),
        ("redis://redis:6379", "redis://redis:6379/1"),
        ("redis://:s%40cret@redis.internal:6380/4", "redis://:s%40cret@redis.internal:6380/5"),
    ],
)
def test_the_cache_takes_the_database_after_the_broker_s(broker, cache):
    assert redis_cache_url(broker) == cache


def test_a_cache_url_of_its_own_is_kept():
    assert redis_cache_url("redis://redis:6379/0", "redis://cache:6379/0") == (
        "redis://cache:6379/0"
    )


def test_the_cache_may_never_share_the_broker_s_database():
    with pytest.raises(ImproperlyConfigured) as error:
        redis_cache_url("redis://redis:6379/3", "redis://redis:6379/3")
    assert str(error.value) == (
        "REDIS_CACHE_URL='redis://redis:6379/3' is the broker's database: clearing the cache "
        "would drop queued tasks. Give the cache a database of its own."
    )


@pytest.mark.parametrize(
    ("broker", "message"),
    [
        (
            "redis://redis:6379/15",
            "REDIS_URL='redis://redis:6379/15' uses Redis database 15; set REDIS_CACHE_URL.",
        ),
        (
            "redis://redis:6379/cache",
            "'redis://redis:6379/cache' does not name a Redis database number.",
        ),
    ],
)
def test_a_broker_url_without_room_for_the_cache_says_what_to_set(broker, message):
    with pytest.raises(ImproperlyConfigured) as error:
        redis_cache_url(broker)
    assert str(error.value) == message


# The project as a deployment starts it: a fresh process with only what the environment says.


def run_manage(tmp_path, *args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=bare_environment(VAR_DIR=str(tmp_path / "var"), **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_key():
    return secrets.token_urlsafe(50)


REFUSAL = (
    "django.core.exceptions.ImproperlyConfigured: With DEBUG off, set SECRET_KEY and "
    "ALLOWED_HOSTS (or DEBUG=1 for local development)."
)


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"ALLOWED_HOSTS": "offerdesk.example"},
        {"SECRET_KEY": "a-key-but-no-hosts"},
        {"DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "offerdesk.example"},
    ],
    ids=["nothing-set", "no-secret-key", "no-allowed-hosts", "blank-secret-key"],
)
def test_with_debug_off_the_project_refuses_to_start_without_secret_key_and_hosts(tmp_path, env):
    result = run_manage(tmp_path, "check", **env)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == REFUSAL


def test_a_malformed_boolean_stops_the_project_with_the_variable_named(tmp_path):
    result = run_manage(tmp_path, "check", DEBUG="maybe")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: DEBUG='maybe' is not a boolean; use 1 or 0."
    )


def test_with_debug_on_the_project_starts_without_any_configuration(tmp_path):
    result = run_manage(tmp_path, "check", DEBUG="1")

    assert (result.returncode, result.stdout) == (
        0,
        "System check identified no issues (0 silenced).\n",
    )


def test_a_production_configuration_passes_the_deploy_checks_without_a_warning(tmp_path):
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=production_key(),
        ALLOWED_HOSTS="offerdesk.example",
    )

    assert result.stderr == ""
    assert (result.returncode, result.stdout) == (
        0,
        "System check identified no issues (0 silenced).\n",
    )


def test_the_docker_compose_configuration_passes_the_deploy_checks(tmp_path):
    """The environment docker-compose.yml gives the web container, with PostgreSQL and Redis."""
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=production_key(),
        ALLOWED_HOSTS="offerdesk.example",
        SITE_URL="https://offerdesk.example",
        CSRF_TRUSTED_ORIGINS="https://offerdesk.example",
        DATABASE_URL="postgres://offerdesk:secret@db:5432/offerdesk",
        REDIS_URL="redis://redis:6379/0",
        REDIS_CACHE_URL="redis://redis:6379/1",
        AWS_STORAGE_BUCKET_NAME="offerdesk",
        AWS_S3_ENDPOINT_URL="http://seaweedfs:8333",
        AWS_ACCESS_KEY_ID="offerdesk",
        AWS_SECRET_ACCESS_KEY="objects",
        AWS_S3_REGION_NAME="us-east-1",
        BEHIND_TLS_PROXY="1",
        FORWARDED_ALLOW_IPS="172.30.80.0/24",
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "beat" / "celerybeat-schedule"),
    )

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def test_turning_off_the_https_redirect_fails_the_deploy_checks(tmp_path):
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=production_key(),
        ALLOWED_HOSTS="offerdesk.example",
        SECURE_SSL_REDIRECT="0",
    )

    assert result.returncode == 1
    assert "(security.W008)" in result.stderr


def test_a_short_secret_key_fails_the_deploy_checks(tmp_path):
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="too-short",
        ALLOWED_HOSTS="offerdesk.example",
    )

    assert result.returncode == 1
    assert "(security.W009)" in result.stderr


# The settings the tests themselves run with.


def test_the_tests_run_with_production_security_but_no_https_redirect(settings):
    assert settings.DEBUG is False
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.SECURE_HSTS_SECONDS == 31536000
    assert settings.X_FRAME_OPTIONS == "DENY"


def test_the_user_model_and_allauth_defaults(settings):
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    assert settings.ACCOUNT_PREVENT_ENUMERATION is True
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0


def test_behind_the_proxy_of_the_compose_file_the_client_address_is_the_forwarded_one(tmp_path):
    result = run_manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)",
        DEBUG="1",
        TRUSTED_PROXY_COUNT="1",
    )

    assert (result.returncode, result.stdout) == (0, "1\n")


def test_an_unknown_e_mail_verification_mode_stops_the_start(tmp_path):
    result = run_manage(tmp_path, "check", DEBUG="1", ACCOUNT_EMAIL_VERIFICATION="none")

    assert result.returncode == 1
    assert "ACCOUNT_EMAIL_VERIFICATION='none': use mandatory or optional." in result.stderr


def test_with_a_bucket_uploads_go_to_the_object_store(tmp_path):
    result = run_manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; d = settings.STORAGES['default'];"
        "print(d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['endpoint_url'])",
        DEBUG="1",
        AWS_STORAGE_BUCKET_NAME="offerdesk-media",
        AWS_S3_ENDPOINT_URL="http://seaweedfs:8333",
    )

    assert (result.returncode, result.stdout) == (
        0,
        "storages.backends.s3.S3Storage offerdesk-media http://seaweedfs:8333\n",
    )


def test_without_a_bucket_uploads_stay_on_the_local_disk(tmp_path):
    result = run_manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])",
        DEBUG="1",
    )

    assert result.stdout == "django.core.files.storage.FileSystemStorage\n"


def test_plain_http_mode_neither_redirects_nor_marks_cookies_secure(tmp_path):
    result = run_manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        SECRET_KEY=production_key(),
        ALLOWED_HOSTS="offerdesk.internal",
        PLAIN_HTTP="1",
    )

    assert (result.returncode, result.stdout) == (0, "False False False 0\n")


def test_kept_database_connections_are_checked_before_reuse(tmp_path):
    result = run_manage(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        DEBUG="1",
        DATABASE_URL="postgres://offerdesk@db:5432/offerdesk",
    )

    assert (result.returncode, result.stdout) == (0, "60 True\n")
