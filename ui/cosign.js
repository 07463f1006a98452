// Witness cosignatures on a checkpoint (c2sp.org/tlog-cosignature, key type 0x04): the keys the
// user pinned, which of them cosigned the served checkpoint, and whether that meets the quorum
// the user set. Pure, like verify.js: the page passes the note and the pinned keys in.

import { base64ToBytes, bytesToHex, concatBytes, ed25519Verify, parseSignedNote, sha256, utf8 } from "./verify.js";

const COSIGNATURE_ALGORITHM_BYTE = 0x04;
const TIMESTAMP_BYTES = 8;
const SIGNATURE_BYTES = 64;
const PINNED_WITNESSES_MAX = 32;

function refuse(message) {
  throw new Error(message);
}

/** Key id of a cosigner: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key). */
export async function cosignerKeyId(name, publicKey) {
  const digest = await sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, COSIGNATURE_ALGORITHM_BYTE), publicKey));
  return bytesToHex(digest.subarray(0, 4));
}

/** Parses a witness vkey `<name>+<key id>+<base64(0x04 ‖ public key)>` and checks its id. */
export async function parseWitnessKey(vkey) {
  const text = String(vkey).trim();
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1);
  if (second < 0) refuse(`not a witness key: ${text.slice(0, 60)}`);
  const [name, id, encoded] = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  if (name.length === 0 || /[\s+]/u.test(name)) refuse(`not a witness name: ${name}`);
  if (!/^[0-9a-f]{8}$/.test(id)) refuse(`${name}: the key id is not 8 hex digits`);
  const key = base64ToBytes(encoded);
  if (key.length !== 33 || key[0] !== COSIGNATURE_ALGORITHM_BYTE) refuse(`${name}: not an Ed25519 cosignature key (type 0x04)`);
  const publicKey = key.subarray(1);
  if ((await cosignerKeyId(name, publicKey)) !== id) refuse(`${name}: the key id does not match the key`);
  return { name, keyId: id, publicKey };
}

/** The message a cosignature signs: `cosignature/v1`, `time <t>`, then the checkpoint body. */
export function cosignatureMessage(checkpointText, timestamp) {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

/** Big-endian u64 from 8 bytes, as a decimal string. */
function timestampOf(bytes) {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value.toString();
}

/**
 * Which pinned witnesses validly cosigned `note`. A cosignature line by a pinned witness that
 * does not verify is an error (someone forged it), not merely a missing cosignature.
 */
export async function cosignersOf(note, pinned) {
  if (pinned.length > PINNED_WITNESSES_MAX) refuse(`at most ${PINNED_WITNESSES_MAX} witness keys`);
  const { text, signatures } = parseSignedNote(note);
  const cosigned = [];
  for (const witness of pinned) {
    const lines = signatures.filter((signature) => signature.name === witness.name && signature.keyId === witness.keyId);
    if (lines.length > 1) refuse(`${witness.name} cosigned twice`);
    if (lines.length === 0) continue;
    const bytes = lines[0].signature;
    if (bytes.length !== TIMESTAMP_BYTES + SIGNATURE_BYTES) refuse(`${witness.name}: a cosignature is 72 bytes after the key id`);
    const timestamp = timestampOf(bytes.subarray(0, TIMESTAMP_BYTES));
    const valid = await ed25519Verify(witness.publicKey, bytes.subarray(TIMESTAMP_BYTES), cosignatureMessage(text, timestamp));
    if (!valid) refuse(`the cosignature by ${witness.name} does not verify`);
    cosigned.push({ name: witness.name, timestamp });
  }
  return cosigned;
}

/** Throws unless at least `quorum` of the pinned witnesses cosigned; returns who did. */
export async function checkQuorum(note, pinned, quorum) {
  const cosigned = await cosignersOf(note, pinned);
  const names = cosigned.map((witness) => witness.name);
  if (cosigned.length < quorum) {
    refuse(`${cosigned.length} of the ${quorum} witness cosignatures required${names.length ? ` (${names.join(", ")})` : ""}`);
  }
  return names;
}
