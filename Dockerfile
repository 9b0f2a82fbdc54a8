# The production image: gunicorn serves the portal, whitenoise its static files.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput \
    && DEBUG=1 python manage.py compilemessages --ignore=".*"
# The uploads volume mounts at /app/var/media; made here so that it belongs to the app user.
RUN useradd --system --home /app offerdesk && mkdir -p /app/var/media \
    && chown -R offerdesk /app/var
USER offerdesk
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
