#!/usr/bin/env bash
# Schema-driven fuzzing: starts basin-ledger on a fresh database, seeds a small registry, then runs
# Schemathesis against the served /openapi.json once per role (admin, auditor, bureau, station).
# Fails on any 5xx and on any response that does not match the documented schema.
#
#   scripts/schemathesis.sh                          # SQLite, 30 examples per operation
#   SCHEMATHESIS_EXAMPLES=500 scripts/schemathesis.sh   # the longer run
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

examples="${SCHEMATHESIS_EXAMPLES:-30}"
binary="${BASIN_LEDGER_BIN:-target/debug/basin-ledger}"
venv="${SCHEMATHESIS_VENV:-target/schemathesis-venv}"
[ -x "$binary" ] || cargo build --quiet --bin basin-ledger
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==4.32.5"
fi

workdir="$(mktemp -d)"
schema=""
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
    schema="schemathesis_$$_$(date +%s)"
    psql "$DATABASE_URL" -qc "CREATE SCHEMA $schema"
    separator='?'; [[ "$DATABASE_URL" == *\?* ]] && separator='&'
    database_url="${DATABASE_URL}${separator}options=-csearch_path%3D${schema}"
else
    database_url="sqlite://$workdir/ledger.db"
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"

cleanup() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [ -n "$schema" ] && psql "$DATABASE_URL" -qc "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
    rm -rf "$workdir"
}
trap cleanup EXIT

(cd "$workdir" && exec env DATABASE_URL="$database_url" BIND="127.0.0.1:$port" RUST_LOG=warn \
    LEDGER_KEY_FILE="$workdir/ledger.key" "$OLDPWD/$binary" serve >"$workdir/stdout" 2>"$workdir/stderr") &
server_pid=$!
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
admin="$(sed -n 's/.*store it now): //p' "$workdir/stdout")"
[ -n "$admin" ] || { echo "no admin token printed" >&2; cat "$workdir/stderr" >&2; exit 1; }

post() { curl -fsS -o /dev/null "$base$1" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "$2"; }
post /v1/jurisdictions '{"code":"BJ","name":"北京市"}'
post /v1/jurisdictions '{"code":"HE-CD","name":"承德市"}'
post /v1/basins '{"code":"chaobai","name":"潮白河"}'
post /v1/sections '{"code":"gubeikou","name":"古北口","basin":"chaobai","river":"潮河","water_body":"river","target_class":"II","upstream":"HE-CD","downstream":"BJ"}'
post /v1/stations '{"code":"gubeikou-auto","name":"古北口自动站","section":"gubeikou"}'
post /v1/readings '{"batch_id":"seed-1","station":"gubeikou-auto","readings":[{"section":"gubeikou","sampled_at":"2025-07-01T08:00:00+08:00","values":{"ph":7.62,"tp":"0.018"}}]}'

token() { (cd "$workdir" && DATABASE_URL="$database_url" RUST_LOG=warn "$OLDPWD/$binary" token create "$@"); }
declare -A tokens=(
    [admin]="$admin"
    [auditor]="$(token --role auditor)"
    [bureau]="$(token --role bureau --subject BJ)"
    [station]="$(token --role station --subject gubeikou-auto)"
)

status=0
# revoke_token is left out: fuzzed ids would revoke the very tokens the runs use (its refusals
# are covered by tests/black_box/tokens.rs and the authorization matrix).
for role in admin auditor bureau station; do
    echo "== Schemathesis as $role ($examples examples per operation) =="
    "$venv/bin/schemathesis" run "$base/openapi.json" \
        --header "Authorization: Bearer ${tokens[$role]}" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --max-examples "$examples" --seed 20261129 --workers 1 \
        --phases examples,coverage,fuzzing --no-color --output-truncate true \
        --suppress-health-check all \
        --exclude-operation-id revoke_token || status=1
done
if grep -q "$admin" "$workdir/stderr"; then
    echo "the admin token appeared in the server log" >&2
    status=1
fi
exit "$status"
