"""gunicorn's settings for the web server: `gunicorn -c config/gunicorn.py config.wsgi`.

Read from the environment like Django's settings, with the same loud failures.
"""

import multiprocessing

from config.env import env_bool, env_int, env_list, env_str
from config.logs import json_wanted, logging_config

bind = f"0.0.0.0:{env_int('PORT', 8000)}"
# Sync workers, twice the cores plus one: pages wait on the database and the object store.
workers = env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
# A request still running after this is killed and logged; the slowest page takes well under 1 s.
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests: a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The access log goes to stdout with everything else, as JSON lines like Django's and Celery's.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
logconfig_dict = logging_config(
    level=env_str("LOG_LEVEL", "INFO"),
    json_output=json_wanted(env_bool("DEBUG", False)),
    extra_loggers=("gunicorn.error", "gunicorn.access"),
)
# X-Forwarded-* headers count only when they come from the TLS proxy in front (an address or a
# network); from anyone else they are ignored.
forwarded_allow_ips = ",".join(env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1"]))
