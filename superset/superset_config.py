# Superset configuration for the netflix-analytics dashboard: used by docker-compose.yml and by
# scripts/superset-dashboard-check.sh. Everything that differs between the two comes from the
# environment.
import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = os.environ.get("SUPERSET_METADATA_URI", "sqlite:////app/superset_home/superset.db")

# Superset refuses shillelagh (its APSW dialect) by default because some of shillelagh's adapters
# read local files. The bundle's database loads only the generic JSON adapter
# (`engine_params.adapters` in superset/bundle/databases/), which reads HTTP(S) URLs.
PREVENT_UNSAFE_DB_CONNECTIONS = False

# The "Top titles by region" dataset takes its region from the dashboard URL
# (`?region=KR`, default global) through Jinja.
FEATURE_FLAGS = {"ENABLE_TEMPLATE_PROCESSING": True}

# The check script talks to the REST API with a bearer token; there is no browser form to protect.
WTF_CSRF_ENABLED = os.environ.get("SUPERSET_CSRF", "true") == "true"
