#!/bin/sh
# The witness container's start: create the witness key on first start (its vkey is printed
# on standard output: give it to the ledger's operator for the policy), take the ledger's log
# key from its /v1/keys once, then serve add-checkpoint.
set -eu
: "${WITNESS_NAME:?set WITNESS_NAME, e.g. witness.hebei.example}"
: "${LEDGER_URL:?set LEDGER_URL, the ledger this witness watches}"
if [ ! -f "$WITNESS_KEY_FILE" ]; then
    basin-ledger witness keygen --name "$WITNESS_NAME" --out "$WITNESS_KEY_FILE"
fi
if [ ! -f "$WITNESS_LOGS_FILE" ]; then
    until keys=$(curl -fsS "$LEDGER_URL/v1/keys"); do
        echo "waiting for $LEDGER_URL" >&2
        sleep 2
    done
    # The first vkey of /v1/keys is the log key in force.
    vkey=$(printf '%s' "$keys" | grep -o '"vkey":"[^"]*"' | head -n 1 | cut -d '"' -f 4)
    printf 'log %s\n' "$vkey" > "$WITNESS_LOGS_FILE"
fi
exec basin-ledger witness serve
