// Witness cosignatures as the dashboard checks them (c2sp.org/tlog-cosignature, key type 0x04):
// a key pair made here signs a checkpoint the way a witness does, and the page's code must accept
// exactly that, name who cosigned, and refuse forgeries, short quorums and mismatched keys.

import { test } from "node:test";
import assert from "node:assert/strict";

import { checkQuorum, cosignatureMessage, cosignerKeyId, cosignersOf, parseWitnessKey } from "../cosign.js";
import { bytesToBase64, concatBytes } from "../verify.js";

const CHECKPOINT = "localhost/basin-ledger\n5\nQpXb8mR3h9c6mW9c7s5mFvVf2PqV2E1m0cQ0a8l7d4E=\n";
const LEDGER_LINE = "— localhost/basin-ledger AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";

async function witness(name) {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const keyId = await cosignerKeyId(name, publicKey);
  const vkey = `${name}+${keyId}+${bytesToBase64(concatBytes(Uint8Array.of(0x04), publicKey))}`;
  const cosign = async (text, timestamp) => {
    const signature = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, cosignatureMessage(text, timestamp)));
    const time = new Uint8Array(8);
    new DataView(time.buffer).setBigUint64(0, BigInt(timestamp));
    const keyIdBytes = Uint8Array.from(keyId.match(/../g).map((pair) => Number.parseInt(pair, 16)));
    return `— ${name} ${bytesToBase64(concatBytes(keyIdBytes, time, signature))}\n`;
  };
  return { name, vkey, cosign };
}

test("a witness's cosignature is accepted and named, with its timestamp", async () => {
  const hebei = await witness("witness.hebei.example");
  const note = `${CHECKPOINT}\n${LEDGER_LINE}${await hebei.cosign(CHECKPOINT, 1764633600)}`;
  const pinned = [await parseWitnessKey(hebei.vkey)];
  assert.deepEqual(await cosignersOf(note, pinned), [{ name: "witness.hebei.example", timestamp: "1764633600" }]);
  assert.deepEqual(await checkQuorum(note, pinned, 1), ["witness.hebei.example"]);
});

test("a quorum of two is not met by one cosignature, and the message says who did cosign", async () => {
  const hebei = await witness("witness.hebei.example");
  const beijing = await witness("witness.beijing.example");
  const note = `${CHECKPOINT}\n${LEDGER_LINE}${await hebei.cosign(CHECKPOINT, 1)}`;
  const pinned = [await parseWitnessKey(hebei.vkey), await parseWitnessKey(beijing.vkey)];
  await assert.rejects(checkQuorum(note, pinned, 2), /1 of the 2 witness cosignatures required \(witness\.hebei\.example\)/);
  const both = `${note}${await beijing.cosign(CHECKPOINT, 2)}`;
  assert.deepEqual(await checkQuorum(both, pinned, 2), ["witness.hebei.example", "witness.beijing.example"]);
});

test("a cosignature over another checkpoint, or with another timestamp, is a forgery", async () => {
  const hebei = await witness("witness.hebei.example");
  const pinned = [await parseWitnessKey(hebei.vkey)];
  const other = CHECKPOINT.replace("\n5\n", "\n6\n");
  const moved = `${CHECKPOINT}\n${LEDGER_LINE}${await hebei.cosign(other, 7)}`;
  await assert.rejects(cosignersOf(moved, pinned), /does not verify/);
  const line = await hebei.cosign(CHECKPOINT, 7);
  const bytes = Buffer.from(line.trim().split(" ").at(-1), "base64");
  bytes[11] ^= 1; // the timestamp's last byte
  const retimed = `${CHECKPOINT}\n${LEDGER_LINE}— witness.hebei.example ${bytes.toString("base64")}\n`;
  await assert.rejects(cosignersOf(retimed, pinned), /does not verify/);
});

test("cosignatures by unpinned witnesses are ignored, and bad witness keys are refused", async () => {
  const hebei = await witness("witness.hebei.example");
  const stranger = await witness("witness.stranger.example");
  const note = `${CHECKPOINT}\n${LEDGER_LINE}${await stranger.cosign(CHECKPOINT, 3)}`;
  assert.deepEqual(await cosignersOf(note, [await parseWitnessKey(hebei.vkey)]), []);
  // The base64 key may itself hold '+': split at the first two only.
  const first = hebei.vkey.indexOf("+");
  const second = hebei.vkey.indexOf("+", first + 1);
  const [name, id, key] = [hebei.vkey.slice(0, first), hebei.vkey.slice(first + 1, second), hebei.vkey.slice(second + 1)];
  await assert.rejects(parseWitnessKey(`${name}+00000000+${key}`), /key id does not match/);
  await assert.rejects(parseWitnessKey(`${name}+${id}+${Buffer.from([1, ...Buffer.from(key, "base64").subarray(1)]).toString("base64")}`), /type 0x04/);
  await assert.rejects(parseWitnessKey("no plus signs"), /not a witness key/);
});
