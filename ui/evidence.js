// Checks one log entry (and the settlement it issued, if any) against the evidence the page
// fetched: the ledger's keys, a signed checkpoint, the entry and an inclusion proof. Each check
// is reported separately with what it compared, so the page can show what was verified. Pure:
// the caller does the fetching.

import {
  base64ToBytes,
  bytesEqual,
  bytesToHex,
  canonicalJson,
  documentSha256,
  ed25519Verify,
  leafHash,
  parseLeaf,
  parseVerifierKey,
  utf8,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  hexToBytes,
} from "./verify.js";

const SETTLEMENT_CONTEXT = "basin-ledger/settlement/v1";

/** True when this page may use WebCrypto: only secure contexts (HTTPS or localhost) have it. */
export function webCryptoAvailable() {
  return Boolean(globalThis.isSecureContext !== false && globalThis.crypto && globalThis.crypto.subtle);
}

// The public key of the Go test vectors (PeterNeumann): any valid key does to probe support.
const PROBE_PUBLIC_KEY = "GlzZBxQ8OExB6DDFvOEqqIF+xWSaqr8sMTiLNbLXRNY=";

/** Whether this browser's WebCrypto implements Ed25519 (older browsers have SHA-256 only). */
export async function ed25519Supported() {
  try {
    await globalThis.crypto.subtle.importKey("raw", base64ToBytes(PROBE_PUBLIC_KEY), { name: "Ed25519" }, false, ["verify"]);
    return true;
  } catch {
    return false;
  }
}

function short(hex) {
  return `${hex.slice(0, 16)}…`;
}

async function run(checks, id, work) {
  try {
    const detail = await work();
    checks.push({ id, ok: true, detail: detail ?? "" });
    return true;
  } catch (error) {
    checks.push({ id, ok: false, detail: error && error.message ? error.message : String(error) });
    return false;
  }
}

/** One ledger key from `GET /v1/keys`, checked against its own verifier-key string. */
async function keyVerifier(key, origin) {
  const verifier = await parseVerifierKey(key.vkey);
  if (verifier.name !== origin) throw new Error("the verifier key's name is not the log origin");
  if (verifier.keyId !== key.key_id) throw new Error("the verifier key's id is not the key id listed");
  if (!bytesEqual(verifier.publicKey, base64ToBytes(key.public_key))) {
    throw new Error("the verifier key and the public key listed differ");
  }
  return verifier;
}

/** The ledger's current key from `GET /v1/keys`. */
async function ledgerVerifier(keys) {
  return keyVerifier(keys.log, keys.log.origin);
}

/**
 * Verifies a checkpoint with the key in force, else with a retired key (API.md "Keys and
 * rotation": what a retired key signed before its `valid_to` stays valid). A retired key that
 * does not check out against its own vkey is skipped, never trusted.
 */
async function verifyWithLedgerKeys(checkpointNote, verifier, keys) {
  try {
    return { checkpoint: await verifyCheckpoint(checkpointNote, verifier), key: keys.log, retired: false };
  } catch (error) {
    for (const key of keys.retired || []) {
      let retiredVerifier;
      try {
        retiredVerifier = await keyVerifier(key, keys.log.origin);
      } catch {
        continue;
      }
      try {
        return { checkpoint: await verifyCheckpoint(checkpointNote, retiredVerifier), key, retired: true };
      } catch {
        // Not this key: try the next one.
      }
    }
    throw error;
  }
}

/** Whether `instant` (RFC 3339) lies in the key's window [valid_from, valid_to]. */
function inWindow(key, instant) {
  const at = Date.parse(instant);
  if (Number.isNaN(at)) return false;
  if (key.valid_from && at < Date.parse(key.valid_from)) return false;
  if (key.valid_to && at > Date.parse(key.valid_to)) return false;
  return true;
}

/**
 * Verifies entry `index` with the evidence given. `previous` ({size, root} of a checkpoint this
 * browser verified before) and `consistency` (its proof) are optional; so is `settlement`.
 * Returns {ok, checks: [{id, ok, detail}], checkpoint}.
 */
export async function verifyEntryEvidence({ index, keys, checkpointNote, entry, proof, settlement, previous, consistency }) {
  const checks = [];
  let verifier = null;
  let checkpoint = null;
  let computedLeafHash = null;
  let leaf = null;

  await run(checks, "ledger_key", async () => {
    verifier = await ledgerVerifier(keys);
    return `${verifier.name} ${verifier.keyId}`;
  });
  await run(checks, "checkpoint_signature", async () => {
    if (!verifier) throw new Error("no usable ledger key");
    const signed = await verifyWithLedgerKeys(checkpointNote, verifier, keys);
    checkpoint = signed.checkpoint;
    const by = signed.retired ? `, retired key ${signed.key.key_id} (valid to ${signed.key.valid_to})` : "";
    return `size ${checkpoint.size}, root ${short(bytesToHex(checkpoint.root))}${by}`;
  });
  await run(checks, "leaf_hash", async () => {
    computedLeafHash = await leafHash(utf8(entry.leaf));
    const hex = bytesToHex(computedLeafHash);
    if (entry.leaf_hash !== hex) throw new Error(`the leaf hashes to ${short(hex)}, the server says ${short(String(entry.leaf_hash))}`);
    return `SHA-256(0x00 ‖ leaf) = ${short(hex)}`;
  });
  await run(checks, "leaf_content", async () => {
    leaf = parseLeaf(entry.leaf);
    const differing = ["index", "kind", "time", "prev"].filter((field) => leaf[field] !== entry[field]);
    if (canonicalJson(leaf.body) !== canonicalJson(entry.body)) differing.push("body");
    if (leaf.index !== index) throw new Error(`the leaf is entry ${leaf.index}, not ${index}`);
    if (differing.length > 0) throw new Error(`the fields shown differ from the leaf: ${differing.join(", ")}`);
    return `entry ${leaf.index}, ${leaf.kind}, ${leaf.time}`;
  });
  await run(checks, "inclusion_proof", async () => {
    if (!checkpoint) throw new Error("no verified checkpoint to prove against");
    if (!computedLeafHash) throw new Error("no leaf hash");
    if (BigInt(proof.tree_size) !== checkpoint.size) throw new Error(`the proof is for size ${proof.tree_size}, the checkpoint has ${checkpoint.size}`);
    if (proof.index !== index) throw new Error(`the proof is for entry ${proof.index}`);
    await verifyInclusion({
      index: BigInt(index),
      treeSize: checkpoint.size,
      leafHash: computedLeafHash,
      proof: proof.hashes.map(hexToBytes),
      root: checkpoint.root,
    });
    return `entry ${index} of ${checkpoint.size}, ${proof.hashes.length} hashes, root ${short(bytesToHex(checkpoint.root))}`;
  });
  if (previous && consistency) {
    await run(checks, "consistency", async () => {
      if (!checkpoint) throw new Error("no verified checkpoint");
      await verifyConsistency({
        firstSize: BigInt(previous.size),
        secondSize: checkpoint.size,
        firstRoot: hexToBytes(previous.root),
        secondRoot: checkpoint.root,
        proof: consistency.hashes.map(hexToBytes),
      });
      return `size ${previous.size} → ${checkpoint.size}`;
    });
  }
  const body = leaf ? leaf.body : null;
  if (body && typeof body === "object" && "document" in body && "document_sha256" in body) {
    await run(checks, "document_hash", async () => {
      const computed = await documentSha256(body.document);
      if (computed !== body.document_sha256) throw new Error(`the document hashes to ${short(computed)}, the entry says ${short(String(body.document_sha256))}`);
      return `SHA-256(JCS(document)) = ${short(computed)}`;
    });
  }
  if (settlement) {
    await checkSettlement(checks, { settlement, body, index, keys });
  }
  const ok = checks.length > 0 && checks.every((check) => check.ok);
  return { ok, checks, checkpoint };
}

async function checkSettlement(checks, { settlement, body, index, keys }) {
  await run(checks, "settlement_matches_log", async () => {
    if (settlement.log_index !== index) throw new Error(`the settlement names entry ${settlement.log_index}`);
    if (!body || typeof body.document !== "object" || body.document === null) throw new Error("the entry holds no settlement document");
    const differing = Object.keys(body.document).filter(
      (field) => canonicalJson(settlement[field] ?? null) !== canonicalJson(body.document[field]),
    );
    if (settlement.document_sha256 !== body.document_sha256) differing.push("document_sha256");
    if (differing.length > 0) throw new Error(`the settlement shown differs from the logged document: ${differing.join(", ")}`);
    return `${settlement.id}: ${Object.keys(body.document).length} fields`;
  });
  await run(checks, "settlement_signature", async () => {
    const named = [keys.log, ...(keys.retired || [])].filter((key) => key.key_id === settlement.key_id);
    if (named.length === 0) throw new Error(`no ledger key ${settlement.key_id}`);
    // A settlement is signed by the key in force when it was issued: a retired key only
    // within its window.
    const candidates = named.filter((key) => key === keys.log || inWindow(key, settlement.issued_at));
    if (candidates.length === 0) {
      throw new Error(`ledger key ${settlement.key_id} was not in force when the settlement was issued (${settlement.issued_at})`);
    }
    const message = utf8(`${SETTLEMENT_CONTEXT}\n${settlement.document_sha256}\n`);
    const signature = base64ToBytes(settlement.signature);
    for (const key of candidates) {
      if (signature.length === 64 && (await ed25519Verify(base64ToBytes(key.public_key), signature, message))) {
        return `Ed25519, key ${key.key_id}`;
      }
    }
    throw new Error("the ledger's signature does not verify");
  });
}
