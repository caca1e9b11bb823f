#!/usr/bin/env bash
# Installs what the DuckLake test and a laptop lake need, once per machine, outside the clone:
# - DuckDB's ducklake, postgres and httpfs extensions for DuckDB 1.5.5, from the official signed
#   binaries published on PyPI as duckdb-extension-* wheels, unpacked into DuckDB's own extension
#   directory layout (<dir>/v1.5.5/linux_amd64/<name>.duckdb_extension): NA_DUCKDB_EXTENSION_DIR.
# - moto's S3-compatible server in a virtualenv (NA_LAKE_VENV), the object store of the test.
# PostgreSQL itself comes from Debian (postgresql-15); this script installs it when it is missing.
# `--extensions-only` stops after the extensions (the Dockerfile seeds its image with them).
set -euo pipefail

CACHE="$HOME/.cache/netflix-analytics"
EXT_DIR="${NA_DUCKDB_EXTENSION_DIR:-$CACHE/duckdb-extensions}"
VENV="${NA_LAKE_VENV:-$CACHE/lake-venv}"
DUCKDB_VERSION=1.5.5
PLATFORM=linux_amd64
EXTENSIONS=(ducklake postgres httpfs)
# DuckDB looks an extension up by its canonical name; `postgres` is an alias of `postgres_scanner`.
file_name() { if [ "$1" = postgres ]; then echo postgres_scanner; else echo "$1"; fi; }

extensions_ready() {
    for name in "${EXTENSIONS[@]}"; do
        [ -f "$EXT_DIR/v$DUCKDB_VERSION/$PLATFORM/$(file_name "$name").duckdb_extension" ] || return 1
    done
}

if ! extensions_ready; then
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    wheels=()
    for name in "${EXTENSIONS[@]}"; do wheels+=("duckdb-extension-$name==$DUCKDB_VERSION"); done
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
        --platform manylinux2014_x86_64 -d "$work" "${wheels[@]}"
    mkdir -p "$EXT_DIR/v$DUCKDB_VERSION/$PLATFORM"
    for wheel in "$work"/*.whl; do
        python3 -m zipfile -e "$wheel" "$work/unpacked"
    done
    for name in "${EXTENSIONS[@]}"; do
        cp "$work/unpacked/duckdb_extension_$name/extensions/v$DUCKDB_VERSION/$name.duckdb_extension" \
            "$EXT_DIR/v$DUCKDB_VERSION/$PLATFORM/$(file_name "$name").duckdb_extension"
    done
fi
extensions_ready
echo "DuckDB extensions ready in $EXT_DIR"
[ "${1:-}" = "--extensions-only" ] && exit 0

if ! "$VENV/bin/python" -c 'import moto.server' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==5.1.*"
fi
echo "S3-compatible server (moto) ready in $VENV"

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
echo "PostgreSQL ready in $PG_BIN"
