// Verification of the ledger's audit log in the browser (and in Node for the tests): C2SP signed
// notes and checkpoints, RFC 6962 / RFC 9162 inclusion and consistency proofs, RFC 8785 canonical
// JSON for settlement documents. Pure functions over bytes and text; WebCrypto (crypto.subtle)
// does the SHA-256 and Ed25519. Nothing here fetches anything: the page hands in what it fetched.

const encoder = new TextEncoder();
const HASH_BYTES = 32;
const ED25519_ALGORITHM_BYTE = 0x01;
const SIGNATURE_PREFIX = "\u2014 "; // "— ", C2SP signed-note signature lines
const NOTE_BYTES_MAX = 1_000_000;
const NOTE_SIGNATURES_MAX = 100;
const PROOF_HASHES_MAX = 64; // a tree of 2^63 leaves needs fewer

/** An error whose `code` names the check that failed, so the page can say it in either language. */
export class VerificationError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "VerificationError";
    this.code = code;
  }
}

function fail(code, message) {
  throw new VerificationError(code, message);
}

function subtle() {
  const crypto = globalThis.crypto;
  if (!crypto || !crypto.subtle) {
    fail("no_webcrypto", "WebCrypto is not available here (the page is not in a secure context)");
  }
  return crypto.subtle;
}

// ---- bytes -----------------------------------------------------------------------------------

export function utf8(text) {
  return encoder.encode(text);
}

export function concatBytes(...parts) {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(left, right) {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let i = 0; i < left.length; i += 1) difference |= left[i] ^ right[i];
  return difference === 0;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function hexToBytes(hex) {
  if (typeof hex !== "string" || !/^(?:[0-9a-f]{2})*$/.test(hex)) {
    fail("bad_hex", `not lowercase hex: ${String(hex).slice(0, 80)}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Standard padded base64 (RFC 4648 §4), strictly: anything else is refused. */
export function base64ToBytes(text) {
  if (typeof text !== "string" || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    fail("bad_base64", `not standard padded base64: ${String(text).slice(0, 80)}`);
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  if (bytesToBase64(out) !== text) fail("bad_base64", "base64 is not in canonical form");
  return out;
}

export function bytesToBase64(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest("SHA-256", bytes));
}

// ---- RFC 6962 §2.1 hashing -------------------------------------------------------------------

/** Leaf hash: SHA-256(0x00 ‖ leaf bytes). */
export async function leafHash(leafBytes) {
  return sha256(concatBytes(Uint8Array.of(0x00), leafBytes));
}

/** Interior node: SHA-256(0x01 ‖ left ‖ right). */
export async function nodeHash(left, right) {
  return sha256(concatBytes(Uint8Array.of(0x01), left, right));
}

function checkHash(what, hash) {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_BYTES) {
    fail("bad_hash", `${what} is not a ${HASH_BYTES}-byte hash`);
  }
}

function checkSize(what, value) {
  if (typeof value === "bigint") {
    if (value < 0n) fail("bad_size", `${what} is negative`);
    return value;
  }
  if (!Number.isSafeInteger(value) || value < 0) fail("bad_size", `${what} is not a size`);
  return BigInt(value);
}

function checkProof(proof) {
  if (!Array.isArray(proof) || proof.length > PROOF_HASHES_MAX) fail("bad_proof", "proof is not a list of hashes");
  proof.forEach((hash, position) => checkHash(`proof element ${position}`, hash));
}

/**
 * RFC 9162 §2.1.3.2: verifies that `leafHash` is entry `index` of the tree of `treeSize` leaves
 * whose root is `root`. Throws a VerificationError when it is not.
 */
export async function verifyInclusion({ index, treeSize, leafHash: leaf, proof, root }) {
  let fn = checkSize("index", index);
  let sn = checkSize("tree size", treeSize);
  checkHash("leaf hash", leaf);
  checkHash("root", root);
  checkProof(proof);
  if (fn >= sn) fail("inclusion_proof", `index ${fn} is not below the tree size ${sn}`);
  sn -= 1n;
  let hash = leaf;
  for (const element of proof) {
    if (sn === 0n) fail("inclusion_proof", "the proof has more hashes than the tree has levels");
    if ((fn & 1n) === 1n || fn === sn) {
      hash = await nodeHash(element, hash);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      hash = await nodeHash(hash, element);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) fail("inclusion_proof", "the proof has fewer hashes than the tree has levels");
  if (!bytesEqual(hash, root)) fail("inclusion_proof", "the proof leads to a different root");
}

/**
 * RFC 9162 §2.1.4.2: verifies that the tree of `secondSize` (root `secondRoot`) extends the tree of
 * `firstSize` (root `firstRoot`). Throws a VerificationError when it does not.
 */
export async function verifyConsistency({ firstSize, secondSize, firstRoot, secondRoot, proof }) {
  const first = checkSize("first size", firstSize);
  const second = checkSize("second size", secondSize);
  if (!Array.isArray(proof)) fail("bad_proof", "proof is not a list of hashes");
  // RFC 9162 §2.1.4 defines proofs between non-empty trees only (the server refuses first = 0).
  if (first === 0n) fail("consistency_proof", "no consistency proof starts from the empty tree");
  if (second < first) fail("consistency_proof", "the second tree is smaller than the first");
  if (first === second) {
    if (proof.length !== 0) fail("consistency_proof", "equal sizes need an empty proof");
    // Equal trees: the roots are compared as given (transparency-dev checks no length here).
    if (!bytesEqual(firstRoot, secondRoot)) fail("consistency_proof", "equal sizes with different roots");
    return;
  }
  if (proof.length === 0) fail("consistency_proof", "the proof is empty");
  checkHash("first root", firstRoot);
  checkHash("second root", secondRoot);
  checkProof(proof);
  const path = (first & (first - 1n)) === 0n ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1n;
  let sn = second - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let firstHash = path[0];
  let secondHash = path[0];
  for (const element of path.slice(1)) {
    if (sn === 0n) fail("consistency_proof", "the proof has too many hashes");
    if ((fn & 1n) === 1n || fn === sn) {
      firstHash = await nodeHash(element, firstHash);
      secondHash = await nodeHash(element, secondHash);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      secondHash = await nodeHash(secondHash, element);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) fail("consistency_proof", "the proof has too few hashes");
  if (!bytesEqual(firstHash, firstRoot)) fail("consistency_proof", "the proof does not lead to the first root");
  if (!bytesEqual(secondHash, secondRoot)) fail("consistency_proof", "the proof does not lead to the second root");
}

// ---- C2SP signed notes and checkpoints -------------------------------------------------------

/** Key id: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), as 8 lowercase hex digits. */
export async function keyId(name, publicKey) {
  const digest = await sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, ED25519_ALGORITHM_BYTE), publicKey));
  return bytesToHex(digest.subarray(0, 4));
}

function checkKeyName(name) {
  if (typeof name !== "string" || name.length === 0 || /[\s+]/u.test(name)) {
    fail("bad_key_name", `not a key name: ${JSON.stringify(name)}`);
  }
}

/** Parses a C2SP verifier key `<name>+<key id hex>+<base64(0x01 ‖ public key)>` and checks its id. */
export async function parseVerifierKey(vkey) {
  // Names hold no '+', but the base64 key may: split at the first two only (as Go's note does).
  const first = typeof vkey === "string" ? vkey.indexOf("+") : -1;
  const second = first < 0 ? -1 : vkey.indexOf("+", first + 1);
  if (second < 0) fail("bad_vkey", "a verifier key has three parts separated by '+'");
  const [name, id, encoded] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(id)) fail("bad_vkey", "the key id is not 8 hex digits");
  const key = base64ToBytes(encoded);
  if (key.length !== 33 || key[0] !== ED25519_ALGORITHM_BYTE) fail("bad_vkey", "not an Ed25519 verifier key");
  const publicKey = key.subarray(1);
  if ((await keyId(name, publicKey)) !== id) fail("bad_vkey", "the key id does not match the key");
  return { name, keyId: id, publicKey };
}

/**
 * Splits a signed note into its text (which ends with a newline) and its signature lines
 * (golang.org/x/mod/sumdb/note rules).
 */
export function parseSignedNote(note) {
  if (typeof note !== "string" || note.length > NOTE_BYTES_MAX) fail("bad_note", "not a note");
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(note)) fail("bad_note", "the note has control characters");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) fail("bad_note", "the note has no blank line before its signatures");
  const text = note.slice(0, split + 1);
  const signatureBlock = note.slice(split + 2);
  if (!signatureBlock.endsWith("\n") || signatureBlock.length === 1) fail("bad_note", "the note has no signatures");
  const lines = signatureBlock.slice(0, -1).split("\n");
  if (lines.length > NOTE_SIGNATURES_MAX) fail("bad_note", "too many signatures");
  const signatures = lines.map((line) => {
    if (!line.startsWith(SIGNATURE_PREFIX)) fail("bad_note", `not a signature line: ${line.slice(0, 80)}`);
    const fields = line.slice(SIGNATURE_PREFIX.length).split(" ");
    if (fields.length !== 2) fail("bad_note", "a signature line is '— <name> <base64>'");
    const [name, encoded] = fields;
    checkKeyName(name);
    const bytes = base64ToBytes(encoded);
    if (bytes.length < 5) fail("bad_note", "a signature is too short");
    return { name, keyId: bytesToHex(bytes.subarray(0, 4)), signature: bytes.subarray(4) };
  });
  return { text, signatures };
}

/** Ed25519 verification with WebCrypto. */
export async function ed25519Verify(publicKey, signature, message) {
  const key = await subtle().importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  return subtle().verify({ name: "Ed25519" }, key, signature, message);
}

/**
 * Verifies that `note` carries a good signature by `verifier` (from parseVerifierKey) and returns
 * the note's text. A note without that key's signature, or with a bad one, is refused.
 */
export async function verifyNote(note, verifier) {
  const { text, signatures } = parseSignedNote(note);
  const mine = signatures.filter((s) => s.name === verifier.name && s.keyId === verifier.keyId);
  if (mine.length === 0) fail("note_signature", `no signature by ${verifier.name}+${verifier.keyId}`);
  for (const signature of mine) {
    if (signature.signature.length !== 64 || !(await ed25519Verify(verifier.publicKey, signature.signature, utf8(text)))) {
      fail("note_signature", `the signature by ${verifier.name} does not verify`);
    }
  }
  return text;
}

/** Parses a checkpoint body (c2sp.org/tlog-checkpoint): origin, decimal size, base64 root, extensions. */
export function parseCheckpoint(text) {
  if (typeof text !== "string" || !text.endsWith("\n")) fail("bad_checkpoint", "a checkpoint ends with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) fail("bad_checkpoint", "a checkpoint has an origin, a size and a root");
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin.length === 0) fail("bad_checkpoint", "the origin is empty");
  if (!/^(0|[1-9][0-9]{0,18})$/.test(sizeText)) fail("bad_checkpoint", "the size is not a decimal number");
  const size = BigInt(sizeText);
  if (size >= 2n ** 63n) fail("bad_checkpoint", "the size is too large");
  const root = base64ToBytes(rootText);
  checkHash("the checkpoint root", root);
  if (extensions.some((line) => line.length === 0)) fail("bad_checkpoint", "an extension line is empty");
  return { origin, size, root, extensions };
}

/** Verifies a signed checkpoint against the ledger's verifier key; returns {origin, size, root}. */
export async function verifyCheckpoint(note, verifier) {
  const text = await verifyNote(note, verifier);
  const checkpoint = parseCheckpoint(text);
  if (checkpoint.origin !== verifier.name) {
    fail("checkpoint_origin", `the checkpoint's origin ${checkpoint.origin} is not the key's name ${verifier.name}`);
  }
  return checkpoint;
}

// ---- RFC 8785 canonical JSON for the ledger's documents --------------------------------------

/**
 * JCS of the values our signed documents hold: strings, integers below 2^53, booleans, null,
 * arrays and objects. Floats are refused rather than serialised approximately. Keys sort by
 * UTF-16 code units, which is what JavaScript's default sort compares.
 */
export function canonicalJson(value) {
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) fail("not_canonical", `the number ${value} is not an integer below 2^53`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  return fail("not_canonical", `a ${typeof value} has no JSON form`);
}

/** Lowercase hex SHA-256 of a document's canonical JSON. */
export async function documentSha256(document) {
  return bytesToHex(await sha256(utf8(canonicalJson(document))));
}

/** Parses leaf bytes: canonical JSON of exactly {index, kind, time, prev, body}. */
export function parseLeaf(leaf) {
  let parsed;
  try {
    parsed = JSON.parse(leaf);
  } catch (error) {
    return fail("leaf_content", `the leaf is not JSON: ${error.message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) fail("leaf_content", "the leaf is not a JSON object");
  const keys = Object.keys(parsed).sort().join(",");
  if (keys !== "body,index,kind,prev,time") fail("leaf_content", `the leaf has the fields ${keys}`);
  if (canonicalJson(parsed) !== leaf) fail("leaf_content", "the leaf is not in canonical form (RFC 8785)");
  return parsed;
}
