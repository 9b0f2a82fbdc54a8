"""Small helpers that read the environment and fail loudly on a malformed value."""

import os
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1 or 0.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url):
    """Turn postgres://user:password@host:port/name into a Django DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql") or not parts.path.strip("/"):
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} is not understood; expected postgres://user@host:port/name."
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} has a malformed port.") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        # ?sslmode=require and the like go to the driver as they are.
        "OPTIONS": dict(parse_qsl(parts.query)),
    }


def env_int_list(name, default=()):
    items = env_list(name, default)
    try:
        return tuple(int(item) for item in items)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={os.environ.get(name)!r} must be whole numbers separated by commas."
        ) from None


def object_storage_options(
    *, bucket, endpoint_url, access_key, secret_key, region, timeout, location=""
):
    """django-storages' S3Storage options for a private bucket. With an endpoint of its own (a
    store that is not AWS), buckets are addressed by path: http://store:8333/bucket/key, since a
    host name per bucket would need DNS entries of its own."""
    # Imported here: botocore is only needed, and only loaded, when a bucket is configured.
    from botocore.config import Config  # noqa: PLC0415 - see the line above

    if endpoint_url and urlsplit(endpoint_url).scheme not in ("http", "https"):
        raise ImproperlyConfigured(
            f"AWS_S3_ENDPOINT_URL={endpoint_url!r} is not an http or https URL."
        )
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "region_name": region or None,
        # A prefix for every key, for a bucket shared with something else.
        "location": location.strip("/"),
        # Private objects, new names for new uploads (ours are random), and never a public URL.
        "default_acl": None,
        "file_overwrite": True,
        "querystring_auth": True,
        "client_config": Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": 2, "mode": "standard"},
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            signature_version="s3v4",
        ),
    }


def redis_cache_url(broker_url, cache_url=""):
    """The cache's Redis URL: `cache_url`, or the broker's with the next database number. The
    two must differ, so that clearing the cache never drops a queued task."""
    broker = urlsplit(broker_url)
    number = _redis_database(broker_url)
    if not cache_url:
        if number >= 15:
            raise ImproperlyConfigured(
                f"REDIS_URL={broker_url!r} uses Redis database {number}; set REDIS_CACHE_URL."
            )
        cache_url = broker._replace(path=f"/{number + 1}").geturl()
    cache = urlsplit(cache_url)
    if (cache.hostname, cache.port, _redis_database(cache_url)) == (
        broker.hostname,
        broker.port,
        number,
    ):
        raise ImproperlyConfigured(
            f"REDIS_CACHE_URL={cache_url!r} is the broker's database: clearing the cache would "
            "drop queued tasks. Give the cache a database of its own."
        )
    return cache_url


def _redis_database(url):
    path = urlsplit(url).path.strip("/") or "0"
    if not path.isdigit():
        raise ImproperlyConfigured(f"{url!r} does not name a Redis database number.")
    return int(path)
