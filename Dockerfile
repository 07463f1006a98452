# basin-ledger server image. Build: docker build -t basin-ledger .
FROM rust:1-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cargo build --release --locked --bin basin-ledger

# A C2SP tlog-witness for a ledger run by another party (docker build --target witness).
FROM debian:bookworm-slim AS witness
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/basin-witness --create-home witness
COPY --from=build /src/target/release/basin-ledger /usr/local/bin/basin-ledger
COPY scripts/witness-entrypoint.sh /usr/local/bin/witness-entrypoint.sh
USER witness
WORKDIR /var/lib/basin-witness
ENV WITNESS_KEY_FILE=/var/lib/basin-witness/witness.key \
    WITNESS_LOGS_FILE=/var/lib/basin-witness/logs.txt \
    WITNESS_DATABASE_URL=sqlite:///var/lib/basin-witness/witness.db \
    WITNESS_BIND=0.0.0.0:8090 \
    RUST_LOG=info
EXPOSE 8090
# The witness serves POST only: any HTTP answer means it is up.
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -s -o /dev/null http://127.0.0.1:8090/ || exit 1
ENTRYPOINT ["witness-entrypoint.sh"]

# The ledger server (the default target).
FROM debian:bookworm-slim AS ledger
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/basin-ledger --create-home ledger
COPY --from=build /src/target/release/basin-ledger /usr/local/bin/basin-ledger
USER ledger
WORKDIR /var/lib/basin-ledger
ENV BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/basin-ledger/basin-ledger.db \
    LEDGER_KEY_FILE=/var/lib/basin-ledger/ledger.key \
    RUST_LOG=info
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["basin-ledger"]
CMD ["serve"]
