# The production image, built in two stages: the first installs the requirements, compiles the
# translations (GNU gettext lives only there) and collects the static files; the second carries
# the result and nothing else. gunicorn serves the portal, whitenoise its static files.
FROM python:3.11-slim AS build
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /venv
ENV PATH=/venv/bin:$PATH
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput \
    && DEBUG=1 python manage.py compilemessages --ignore=".*"

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/venv/bin:$PATH
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build /app /app
# Local state (the beat's schedule, uploads when no bucket is set) lives under /app/var.
RUN useradd --system --home /app offerdesk && mkdir -p /app/var/media /app/var/beat \
    && chown -R offerdesk /app/var
USER offerdesk
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
