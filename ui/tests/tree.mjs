// A straightforward RFC 6962 §2.1 tree for the tests: MTH and PATH by their recursive
// definitions, independent of the iterative verifier under test.

import { nodeHash, sha256 } from "../verify.js";

function split(size) {
  let k = 1;
  while (k * 2 < size) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes. */
export async function merkleRoot(leafHashes) {
  if (leafHashes.length === 0) return sha256(new Uint8Array(0));
  if (leafHashes.length === 1) return leafHashes[0];
  const k = split(leafHashes.length);
  return nodeHash(await merkleRoot(leafHashes.slice(0, k)), await merkleRoot(leafHashes.slice(k)));
}

/** PATH(m, D[n]): the audit path of leaf m, from the leaf up. */
export async function inclusionPath(index, leafHashes) {
  if (leafHashes.length <= 1) return [];
  const k = split(leafHashes.length);
  if (index < k) {
    return [...(await inclusionPath(index, leafHashes.slice(0, k))), await merkleRoot(leafHashes.slice(k))];
  }
  return [...(await inclusionPath(index - k, leafHashes.slice(k))), await merkleRoot(leafHashes.slice(0, k))];
}
