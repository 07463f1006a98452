// Known-answer tests for ui/verify.js (run with `node --test ui/tests`). The vectors are the ones
// the Rust audit crate pins: transparency-dev/merkle's RFC 6962 proofs and the C2SP signed notes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import {
  base64ToBytes,
  bytesToHex,
  canonicalJson,
  hexToBytes,
  keyId,
  leafHash,
  parseCheckpoint,
  parseLeaf,
  parseSignedNote,
  parseVerifierKey,
  utf8,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  verifyNote,
} from "../verify.js";
import { merkleRoot } from "./tree.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const vectors = join(here, "..", "..", "crates", "audit", "tests", "vectors");
const merkleData = join(vectors, "transparency-dev-merkle", "testdata");

function jsonFiles(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith(".json") ? [path] : [];
  });
}

function decodeOrEmpty(text) {
  return text === "" ? new Uint8Array(0) : base64ToBytes(text);
}

async function outcome(work) {
  try {
    await work();
    return "verified";
  } catch (error) {
    if (error.name !== "VerificationError") throw error;
    return "rejected";
  }
}

// ---- signed notes ----------------------------------------------------------------------------

const noteFile = readFileSync(join(vectors, "signed-note-checkpoints.txt"), "utf8");

/** The file's sections: the Go golden note and the checkpoints, each with the verifier key. */
function noteSections() {
  const lines = noteFile.split("\n");
  const goldenKey = lines[0].replace(/^vkey: /, "");
  const checkpointKey = lines.find((line) => line.startsWith("vkey for checkpoint key: ")).replace("vkey for checkpoint key: ", "");
  const sections = [];
  let current = null;
  for (const line of lines.slice(1)) {
    if (line.startsWith("--- ")) {
      current = { title: line, lines: [] };
      sections.push(current);
    } else if (line.startsWith("vkey for checkpoint key: ")) {
      current = null;
    } else if (current) {
      current.lines.push(line);
    }
  }
  const text = (section) => {
    const body = section.lines.join("\n");
    return body.endsWith("\n") ? body : `${body}\n`;
  };
  return { goldenKey, checkpointKey, sections: sections.map((section) => ({ title: section.title, note: text(section) })) };
}

const notes = noteSections();

test("the Go test key's id is c74f20a3, computed from its name and public key", async () => {
  const verifier = await parseVerifierKey(notes.goldenKey);
  assert.equal(verifier.keyId, "c74f20a3");
  assert.equal(await keyId("PeterNeumann", verifier.publicKey), "c74f20a3");
});

test("the Go golden signed note verifies", async () => {
  const verifier = await parseVerifierKey(notes.goldenKey);
  const golden = notes.sections.find((section) => section.title.includes("Go golden"));
  const text = await verifyNote(golden.note, verifier);
  assert.equal(text, "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n");
});

test("the checkpoints of sizes 0, 1 and 8 verify and carry the reference tree's roots", async () => {
  const verifier = await parseVerifierKey(notes.checkpointKey);
  const expected = new Map([
    [0n, "e3b0c442"],
    [1n, "6e340b9c"],
    [8n, "5dc9da79"],
  ]);
  const checkpoints = notes.sections.filter((section) => section.title.includes("checkpoint size"));
  assert.equal(checkpoints.length, 3);
  for (const section of checkpoints) {
    const checkpoint = await verifyCheckpoint(section.note, verifier);
    assert.equal(checkpoint.origin, "example.com/water-ledger-test");
    assert.ok(bytesToHex(checkpoint.root).startsWith(expected.get(checkpoint.size)), section.title);
  }
});

test("a note with one changed character, a wrong key or no signature is refused", async () => {
  const verifier = await parseVerifierKey(notes.checkpointKey);
  const golden = await parseVerifierKey(notes.goldenKey);
  const eight = notes.sections.find((section) => section.title.includes("size 8")).note;
  assert.equal(await outcome(() => verifyCheckpoint(eight.replace("\n8\n", "\n9\n"), verifier)), "rejected");
  assert.equal(await outcome(() => verifyCheckpoint(eight, golden)), "rejected");
  assert.equal(await outcome(() => verifyCheckpoint(eight.split("\n\n")[0] + "\n", verifier)), "rejected");
  const flipped = eight.replace(/(— \S+ )(.)/u, (_, prefix, first) => prefix + (first === "A" ? "B" : "A"));
  assert.equal(await outcome(() => verifyCheckpoint(flipped, verifier)), "rejected");
});

test("signed-note parsing refuses malformed notes", () => {
  const bad = [
    "text\n",
    "text\n\n",
    "text\n\n— name\n",
    "text\n\n- name AAAAAAAA\n",
    "text\r\n\n— name P2XpFQaW4STidfPnsZ5F6EXZBhp3Eabi8Si7Xvb4EXSu/zQGRxn/F9nKHo9qW6Z932pZLkHHwEHxcmwpbpbs9OVxZQw=\n",
    "text\n\n— name AAA=\n",
  ];
  for (const note of bad) assert.throws(() => parseSignedNote(note), { name: "VerificationError" }, JSON.stringify(note));
});

test("checkpoint parsing refuses bad sizes and roots", () => {
  const root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  assert.equal(parseCheckpoint(`o\n12\n${root}\n`).size, 12n);
  for (const text of [`o\n012\n${root}\n`, `o\n-1\n${root}\n`, `o\n1\nAAAA\n`, `o\n1\n${root}`, `\n1\n${root}\n`]) {
    assert.throws(() => parseCheckpoint(text), { name: "VerificationError" }, JSON.stringify(text));
  }
});

test("the tlog-proof receipt for leaf 5 verifies against the size-8 checkpoint", async () => {
  const receipt = notes.sections.find((section) => section.title.includes("tlog-proof")).note.split("\n");
  assert.equal(receipt[0], "c2sp.org/tlog-proof@v1");
  const index = BigInt(receipt[1].replace("index ", ""));
  const proof = receipt.slice(2, 5).map(base64ToBytes);
  const verifier = await parseVerifierKey(notes.checkpointKey);
  const checkpoint = await verifyCheckpoint(`${receipt.slice(6).join("\n")}`, verifier);
  const leaf = await leafHash(hexToBytes("40414243"));
  await verifyInclusion({ index, treeSize: checkpoint.size, leafHash: leaf, proof, root: checkpoint.root });
});

// ---- RFC 6962 proofs -------------------------------------------------------------------------

const referenceLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

test("the reference tree's roots for 1..8 leaves have the published prefixes", async () => {
  const prefixes = ["6e340b9c", "fac54203", "aeb6bcfe", "d37ee418", "4e3bbb1f", "76e67dad", "ddb89be4", "5dc9da79"];
  const hashes = await Promise.all(referenceLeaves.map((leaf) => leafHash(hexToBytes(leaf))));
  for (let size = 1; size <= 8; size += 1) {
    assert.ok(bytesToHex(await merkleRoot(hashes.slice(0, size))).startsWith(prefixes[size - 1]), `size ${size}`);
  }
});

const inclusionFiles = jsonFiles(join(merkleData, "inclusion"));
const consistencyFiles = jsonFiles(join(merkleData, "consistency"));

test("there are inclusion and consistency vectors to run", () => {
  assert.ok(inclusionFiles.length >= 80, `${inclusionFiles.length} inclusion vectors`);
  assert.ok(consistencyFiles.length >= 80, `${consistencyFiles.length} consistency vectors`);
});

for (const file of inclusionFiles) {
  const vector = JSON.parse(readFileSync(file, "utf8"));
  const want = vector.wantErr ? "rejected" : "verified";
  test(`inclusion ${relative(merkleData, file)} is ${want}`, async () => {
    const got = await outcome(() =>
      verifyInclusion({
        index: vector.leafIdx,
        treeSize: vector.treeSize,
        leafHash: decodeOrEmpty(vector.leafHash),
        proof: (vector.proof ?? []).map(decodeOrEmpty),
        root: decodeOrEmpty(vector.root),
      }),
    );
    assert.equal(got, want, vector.desc);
  });
}

for (const file of consistencyFiles) {
  const vector = JSON.parse(readFileSync(file, "utf8"));
  const want = vector.wantErr ? "rejected" : "verified";
  test(`consistency ${relative(merkleData, file)} is ${want}`, async () => {
    const got = await outcome(() =>
      verifyConsistency({
        firstSize: vector.size1,
        secondSize: vector.size2,
        firstRoot: decodeOrEmpty(vector.root1),
        secondRoot: decodeOrEmpty(vector.root2),
        proof: (vector.proof ?? []).map(decodeOrEmpty),
      }),
    );
    assert.equal(got, want, vector.desc);
  });
}

// ---- canonical JSON and leaves ---------------------------------------------------------------

test("canonical JSON sorts keys by UTF-16 code units and escapes as RFC 8785 says", () => {
  assert.equal(canonicalJson({ b: [1, "二", null, true], a: { "\u00e9": 1, e: 2, "\ud83d\ude00": 3, "\ufb33": 4 } }),
    '{"a":{"e":2,"\u00e9":1,"\ud83d\ude00":3,"\ufb33":4},"b":[1,"\u4e8c",null,true]}');
  assert.equal(canonicalJson("\u0007\n\"\\/"), '"\\u0007\\n\\"\\\\/"');
  assert.equal(canonicalJson(-9007199254740991), "-9007199254740991");
});

test("canonical JSON refuses fractions and integers from 2^53 on", () => {
  for (const value of [0.5, 2 ** 53, -(2 ** 53), Number.NaN, Infinity, { a: 1.25 }]) {
    assert.throws(() => canonicalJson(value), { name: "VerificationError" }, String(value));
  }
});

test("a leaf must be canonical JSON of exactly index, kind, time, prev and body", () => {
  const leaf = canonicalJson({ index: 3, kind: "basin.created", time: "2025-07-01T00:00:00Z", prev: "0".repeat(64), body: { code: "chaobai" } });
  assert.equal(parseLeaf(leaf).index, 3);
  assert.throws(() => parseLeaf(leaf.replace('"index":3,', '"index":3, ')), { name: "VerificationError" });
  assert.throws(() => parseLeaf(leaf.replace('"index":3,', '"index":3,"extra":1,')), { name: "VerificationError" });
  assert.throws(() => parseLeaf("not json"), { name: "VerificationError" });
  assert.equal(bytesToHex(utf8("二")), "e4ba8c");
});

test("a verifier key whose base64 holds '+' parses (only the first two '+' separate)", async () => {
  const publicKey = new Uint8Array(32).fill(0xfb);
  const encoded = Buffer.from(Uint8Array.of(1, ...publicKey)).toString("base64");
  assert.ok(encoded.includes("+"));
  const verifier = await parseVerifierKey(`example.org/log+${await keyId("example.org/log", publicKey)}+${encoded}`);
  assert.equal(verifier.name, "example.org/log");
  assert.deepEqual(verifier.publicKey, publicKey);
});
