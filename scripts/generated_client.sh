#!/usr/bin/env bash
# A client generator can use the committed OpenAPI document: generates a Python client from
# openapi/openapi.json with openapi-python-client and checks that it has exactly one function module
# per operation (operationId), so colliding or missing ids cannot silently drop endpoints.
#
#   scripts/generated_client.sh
#   GENERATED_CLIENT_VENV=/tmp/venv scripts/generated_client.sh
set -euo pipefail
cd "$(dirname "$0")/.."

document="openapi/openapi.json"
venv="${GENERATED_CLIENT_VENV:-target/generated-client-venv}"
python="${PYTHON:-python3.11}"
if [ ! -x "$venv/bin/openapi-python-client" ]; then
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet "openapi-python-client==0.29.1"
fi

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
# No post hooks: formatting the generated code (ruff) is not what this checks, and a missing
# formatter would otherwise count as a warning.
printf 'post_hooks: []\n' >"$workdir/config.yml"
"$venv/bin/openapi-python-client" generate --path "$document" --config "$workdir/config.yml" \
    --meta none --output-path "$workdir/client" --fail-on-warning
"$venv/bin/python" scripts/check_generated_client.py "$document" "$workdir/client"
