# Build: the bundled DuckDB makes this a ~20 minute compile on 2 cores.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && cp target/release/netflix-analytics /usr/local/bin/netflix-analytics

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/netflix-analytics /usr/local/bin/netflix-analytics
ENV NA_LISTEN=0.0.0.0:8080 \
    NA_WAREHOUSE=/data/warehouse.duckdb \
    NA_LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["netflix-analytics"]
CMD ["serve"]
