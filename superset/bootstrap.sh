#!/bin/sh
# Superset's start in docker-compose.yml: migrate, make sure the admin exists, import the bundle
# (overwriting the bundle's own charts, datasets and dashboard), then serve.
set -eu
superset db upgrade
superset fab create-admin --username admin --firstname Superset --lastname Admin \
    --email admin@localhost --password "$SUPERSET_ADMIN_PASSWORD" || true
superset init
python /app/make_bundle.py http://netflix-analytics:8080 /tmp/netflix-analytics-bundle.zip
superset import-dashboards --path /tmp/netflix-analytics-bundle.zip --username admin
exec gunicorn --bind 0.0.0.0:8088 --workers 2 --timeout 120 "superset.app:create_app()"
