// ui/evidence.js against a small log built here the way the server builds its own: canonical
// leaves, an RFC 6962 tree, a C2SP checkpoint signed with a fresh Ed25519 key, and a settlement
// document with its ledger signature. Then each piece is altered and must be caught.

import { test } from "node:test";
import assert from "node:assert/strict";

import { verifyEntryEvidence } from "../evidence.js";
import { bytesToBase64, bytesToHex, canonicalJson, documentSha256, keyId, leafHash, utf8 } from "../verify.js";
import { inclusionPath, merkleRoot } from "./tree.mjs";

const ORIGIN = "localhost/basin-ledger";

async function ledgerKey() {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const id = await keyId(ORIGIN, publicKey);
  const sign = async (text) => new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, utf8(text)));
  const keys = {
    log: {
      origin: ORIGIN,
      key_id: id,
      public_key: bytesToBase64(publicKey),
      vkey: `${ORIGIN}+${id}+${bytesToBase64(Uint8Array.of(1, ...publicKey))}`,
      valid_from: "2025-01-01T00:00:00Z",
    },
    retired: [],
  };
  return { keys, id, sign };
}

async function buildLog() {
  const key = await ledgerKey();
  const document = {
    id: "7",
    agreement: "miyun-chaobai-2025",
    agreement_version: 1,
    period: "2025-07",
    period_start: "2025-06-30T16:00:00Z",
    period_end: "2025-07-31T16:00:00Z",
    inputs: { readings_digest: "ab".repeat(32), reading_count: 31, sections: [] },
    components: [{ kind: "index", section: "gubeikou", amount_fen: 12345, explanation: { p: "0.85" } }],
    net_fen: 12345,
    payer: "BJ",
    payee: "HE-CD",
    amount_fen: 12345,
    issued_at: "2025-08-01T02:00:00Z",
    supersedes: null,
  };
  const sha = await documentSha256(document);
  const signature = bytesToBase64(await key.sign(`basin-ledger/settlement/v1\n${sha}\n`));
  const bodies = [
    ["jurisdiction.created", { code: "BJ", name: "北京市" }],
    ["jurisdiction.created", { code: "HE-CD", name: "承德市" }],
    ["basin.created", { code: "chaobai", name: "潮白河" }],
    ["settlement.issued", { document, document_sha256: sha, key_id: key.id, signature }],
    ["basin.created", { code: "yongding", name: "永定河" }],
  ];
  const entries = [];
  let prev = "0".repeat(64);
  for (const [index, [kind, body]] of bodies.entries()) {
    const time = "2025-08-01T02:00:00Z";
    const leaf = canonicalJson({ index, kind, time, prev, body });
    const hash = bytesToHex(await leafHash(utf8(leaf)));
    entries.push({ index, kind, time, prev, body, leaf, leaf_hash: hash });
    prev = hash;
  }
  const hashes = await Promise.all(entries.map((entry) => leafHash(utf8(entry.leaf))));
  const root = await merkleRoot(hashes);
  const text = `${ORIGIN}\n${entries.length}\n${bytesToBase64(root)}\n`;
  const noteSignature = Uint8Array.of(...hexBytes(key.id), ...(await key.sign(text)));
  const checkpointNote = `${text}\n\u2014 ${ORIGIN} ${bytesToBase64(noteSignature)}\n`;
  const proofFor = async (index) => ({
    index,
    tree_size: entries.length,
    leaf_hash: entries[index].leaf_hash,
    hashes: (await inclusionPath(index, hashes)).map(bytesToHex),
    checkpoint: checkpointNote,
  });
  const settlement = { ...document, document_sha256: sha, signature, key_id: key.id, status: "issued", log_index: 3 };
  return { keys: key.keys, entries, checkpointNote, proofFor, settlement };
}

function hexBytes(hex) {
  return hex.match(/../g).map((pair) => parseInt(pair, 16));
}

const log = await buildLog();

async function evidence(index, changes = {}) {
  return verifyEntryEvidence({
    index,
    keys: log.keys,
    checkpointNote: log.checkpointNote,
    entry: log.entries[index],
    proof: await log.proofFor(index),
    ...changes,
  });
}

function failed(result) {
  return result.checks.filter((check) => !check.ok).map((check) => check.id);
}

test("every entry of an honest log verifies", async () => {
  for (const entry of log.entries) {
    const result = await evidence(entry.index);
    assert.deepEqual(failed(result), [], JSON.stringify(result.checks));
    assert.equal(result.ok, true);
  }
});

test("a settlement verifies with its document hash, its signature and its log entry", async () => {
  const result = await evidence(3, { settlement: log.settlement });
  assert.equal(result.ok, true, JSON.stringify(result.checks));
  const ids = result.checks.map((check) => check.id);
  for (const id of ["checkpoint_signature", "leaf_hash", "inclusion_proof", "document_hash", "settlement_matches_log", "settlement_signature"]) {
    assert.ok(ids.includes(id), id);
  }
});

test("one changed byte of the leaf fails, even when the server's hash and fields agree with it", async () => {
  const entry = log.entries[1];
  const leaf = entry.leaf.replace("承德市", "承德县");
  const leafHashHex = bytesToHex(await leafHash(utf8(leaf)));
  const forged = { ...entry, leaf, leaf_hash: leafHashHex, body: { ...entry.body, name: "承德县" } };
  const result = await evidence(1, { entry: forged });
  assert.equal(result.ok, false);
  assert.deepEqual(failed(result), ["inclusion_proof"]);
});

test("a leaf whose served hash differs, or whose fields differ from what is shown, fails", async () => {
  const entry = log.entries[2];
  assert.deepEqual(failed(await evidence(2, { entry: { ...entry, leaf_hash: "00".repeat(32) } })), ["leaf_hash"]);
  assert.deepEqual(failed(await evidence(2, { entry: { ...entry, body: { code: "chaobai", name: "潮河" } } })), ["leaf_content"]);
  assert.deepEqual(failed(await evidence(2, { index: 1 })), ["leaf_content", "inclusion_proof"]);
});

test("a checkpoint with a changed root or a bad signature fails", async () => {
  const lines = log.checkpointNote.split("\n");
  lines[2] = bytesToBase64(new Uint8Array(32));
  assert.ok(failed(await evidence(0, { checkpointNote: lines.join("\n") })).includes("checkpoint_signature"));
  const otherKey = await ledgerKey();
  const result = await evidence(0, { keys: { ...otherKey.keys, log: { ...otherKey.keys.log, origin: ORIGIN } } });
  assert.equal(result.ok, false);
});

test("a settlement shown with another amount, or signed by nobody, fails", async () => {
  const changed = { ...log.settlement, amount_fen: 99999 };
  assert.deepEqual(failed(await evidence(3, { settlement: changed })), ["settlement_matches_log"]);
  const unsigned = { ...log.settlement, signature: bytesToBase64(new Uint8Array(64)) };
  assert.deepEqual(failed(await evidence(3, { settlement: unsigned })), ["settlement_signature"]);
});

test("a settlement document altered inside the log entry fails its document hash", async () => {
  const entry = log.entries[3];
  const body = { ...entry.body, document: { ...entry.body.document, net_fen: 1 } };
  const leaf = canonicalJson({ index: 3, kind: entry.kind, time: entry.time, prev: entry.prev, body });
  const forged = { ...entry, body, leaf, leaf_hash: bytesToHex(await leafHash(utf8(leaf))) };
  const result = await evidence(3, { entry: forged });
  assert.deepEqual(failed(result), ["inclusion_proof", "document_hash"]);
});

test("after a rotation, a checkpoint and a settlement signed by a listed retired key still verify", async () => {
  const newer = await ledgerKey();
  const retired = { ...log.keys.log, valid_to: "2025-09-01T00:00:00Z" };
  const keys = { log: newer.keys.log, retired: [retired] };
  const result = await evidence(3, { keys, settlement: log.settlement });
  assert.deepEqual(failed(result), [], JSON.stringify(result.checks));
  const signature = result.checks.find((check) => check.id === "checkpoint_signature");
  assert.match(signature.detail, /retired key/);
});

test("a retired key outside its window, or a key not listed, does not verify", async () => {
  const newer = await ledgerKey();
  const early = { ...log.keys.log, valid_to: "2025-07-01T00:00:00Z" };
  const result = await evidence(3, { keys: { log: newer.keys.log, retired: [early] }, settlement: log.settlement });
  assert.deepEqual(failed(result), ["settlement_signature"]);
  const unlisted = await evidence(3, { keys: { log: newer.keys.log, retired: [] }, settlement: log.settlement });
  assert.deepEqual(failed(unlisted), ["checkpoint_signature", "inclusion_proof", "settlement_signature"]);
  const forgedVkey = { ...log.keys.log, vkey: newer.keys.log.vkey, valid_to: "2025-09-01T00:00:00Z" };
  const forged = await evidence(0, { keys: { log: newer.keys.log, retired: [forgedVkey] } });
  assert.ok(failed(forged).includes("checkpoint_signature"));
});

test("Node's WebCrypto has Ed25519, so the probe says so", async () => {
  const { ed25519Supported } = await import("../evidence.js");
  assert.equal(await ed25519Supported(), true);
});
