# Build: the bundled DuckDB makes this a ~20 minute compile on 2 cores.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && cp target/release/netflix-analytics /usr/local/bin/netflix-analytics

# DuckLake's extensions (ducklake, postgres, httpfs) for the bundled DuckDB 1.5.5, from the official
# signed binaries on PyPI, so a lake process never downloads code at run time (NA_DUCKDB_EXTENSION_DIR).
FROM python:3.12-slim-bookworm AS extensions
COPY scripts/lake-setup.sh /lake-setup.sh
RUN NA_DUCKDB_EXTENSION_DIR=/duckdb-extensions bash /lake-setup.sh --extensions-only

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/netflix-analytics /usr/local/bin/netflix-analytics
COPY --from=extensions /duckdb-extensions /opt/duckdb-extensions
ENV NA_LISTEN=0.0.0.0:8080 \
    NA_WAREHOUSE=/data/warehouse.duckdb \
    NA_DUCKDB_EXTENSION_DIR=/opt/duckdb-extensions \
    NA_LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["netflix-analytics"]
CMD ["serve"]
