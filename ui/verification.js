// The verification panel of a settlement or log-entry page: fetches the ledger key, the current
// signed checkpoint, the entry and an inclusion proof for exactly that checkpoint's size, then
// checks everything in this browser (evidence.js). The largest checkpoint verified so far is
// remembered in localStorage (it is public), and a consistency proof from it is checked too, so
// a log that rewrote its history since this browser last looked is caught.

import { getJson, getText } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { ed25519Supported, verifyEntryEvidence, webCryptoAvailable } from "./evidence.js";
import { t } from "./i18n.js";
import { checkQuorum, parseWitnessKey } from "./cosign.js";
import { bytesToHex, parseCheckpoint, parseSignedNote } from "./verify.js";
import { pinnedWitnesses, witnessEditor } from "./witnesses.js";

const CHECKPOINT_KEY = "basin-ledger.checkpoint";

function rememberedCheckpoint(origin) {
  try {
    const stored = JSON.parse(localStorage.getItem(CHECKPOINT_KEY) || "null");
    if (stored && stored.origin === origin && /^[0-9]+$/.test(stored.size) && /^[0-9a-f]{64}$/.test(stored.root)) return stored;
  } catch {
    // A damaged record is as good as none: it is only a convenience.
  }
  return null;
}

function remember(checkpoint) {
  const previous = rememberedCheckpoint(checkpoint.origin);
  if (previous && BigInt(previous.size) >= checkpoint.size) return;
  localStorage.setItem(
    CHECKPOINT_KEY,
    JSON.stringify({ origin: checkpoint.origin, size: checkpoint.size.toString(), root: bytesToHex(checkpoint.root) }),
  );
}

// A new entry is covered once the ledger publishes its next checkpoint (within a second or so,
// longer while witnesses cosign): wait for it this many times, this long each.
const PUBLICATION_WAITS_MAX = 20;
const PUBLICATION_WAIT_MS = 500;

/** The newest published checkpoint that covers entry `index`, waiting briefly for it. */
async function checkpointCovering(index) {
  for (let attempt = 0; ; attempt += 1) {
    const note = await getText("/v1/log/checkpoint");
    // Only to choose the proof's tree size; evidence.js verifies the note before trusting it.
    const unverified = parseCheckpoint(parseSignedNote(note).text);
    if (unverified.size > BigInt(index) || attempt >= PUBLICATION_WAITS_MAX) return { checkpointNote: note, unverified };
    await new Promise((done) => setTimeout(done, PUBLICATION_WAIT_MS));
  }
}

async function fetchEvidence(index) {
  const keys = await getJson("/v1/keys");
  const { checkpointNote, unverified } = await checkpointCovering(index);
  const entry = await getJson(`/v1/log/entries/${index}`);
  const proof = await getJson(`/v1/log/proofs/inclusion?index=${index}&tree_size=${unverified.size}`);
  const previous = rememberedCheckpoint(unverified.origin);
  let consistency = null;
  if (previous) {
    // A log now smaller than (or equal in size to) a remembered checkpoint gets an empty proof,
    // which verifies only if the trees are the same.
    consistency =
      BigInt(previous.size) < unverified.size
        ? await getJson(`/v1/log/proofs/consistency?first=${previous.size}&second=${unverified.size}`)
        : { hashes: [] };
  }
  return { keys, checkpointNote, entry, proof, previous: consistency ? previous : null, consistency };
}

function statusBadge(status) {
  const text = { verified: `✓ ${t("verified")}`, failed: `✗ ${t("verification_failed")}`, unavailable: `⚠ ${t("unavailable")}`, checking: t("checking") }[status];
  return h("div", { id: "verification-status", class: `verification-status ${status}`, "data-status": status, role: "status" }, text);
}

function checkList(checks) {
  return h(
    "ul",
    { class: "check-list" },
    checks.map((check) =>
      h(
        "li",
        { class: check.ok ? "check ok" : "check failed", "data-check": check.id },
        h("span", { class: "check-mark" }, check.ok ? "✓" : "✗"),
        h("span", { class: "check-name" }, t(`check_${check.id}`)),
        h("code", { class: "check-detail" }, check.detail),
      ),
    ),
  );
}

/** The pinned witnesses' cosignatures on the served checkpoint, against the pinned quorum. */
async function witnessCheck(checkpointNote, pinned) {
  try {
    const keys = await Promise.all(pinned.vkeys.map(parseWitnessKey));
    const names = await checkQuorum(checkpointNote, keys, pinned.quorum);
    return { id: "witness_cosignatures", ok: true, detail: `${names.join(", ")} (${names.length} of ${keys.length}, quorum ${pinned.quorum})` };
  } catch (error) {
    return { id: "witness_cosignatures", ok: false, detail: error.message || String(error) };
  }
}

/**
 * The panel of a page whose evidence the server refused to serve: nothing else could be checked,
 * so the outcome is a failed verification naming the check that failed and the server's reason.
 */
export function failedVerificationPanel(checkId, detail) {
  const body = h("div", { class: "verification-body" }, statusBadge("failed"), checkList([{ id: checkId, ok: false, detail }]));
  return h("section", { class: "card verification" }, h("h2", {}, t("verification")), body);
}

/**
 * A panel that verifies log entry `index` (and `settlement`, when given) and shows the outcome.
 * Returns the panel at once; it fills in when the checks finish. `onResult` receives the entry.
 */
export function verificationPanel({ index, settlement, onEntry }) {
  const body = h("div", { class: "verification-body" }, statusBadge("checking"));
  const panel = h("section", { class: "card verification", "data-log-index": index }, h("h2", {}, t("verification")), body);
  if (!webCryptoAvailable()) {
    replaceChildren(body, statusBadge("unavailable"), h("p", { class: "insecure" }, t("insecure_context")));
    return panel;
  }
  (async () => {
    if (!(await ed25519Supported())) {
      replaceChildren(body, statusBadge("unavailable"), h("p", { class: "insecure" }, t("no_ed25519")));
      return;
    }
    let result;
    try {
      const evidence = await fetchEvidence(index);
      if (onEntry) onEntry(evidence.entry);
      result = await verifyEntryEvidence({ index, settlement, ...evidence });
      const pinned = pinnedWitnesses();
      if (pinned.vkeys.length > 0) {
        const check = await witnessCheck(evidence.checkpointNote, pinned);
        result = { ...result, ok: result.ok && check.ok, checks: [...result.checks, check] };
      }
      // Only a checkpoint that passed every check (with pinned witnesses: one they cosigned) is
      // remembered, so a later split view is measured against what the witnesses saw.
      if (result.ok && result.checkpoint) remember(result.checkpoint);
    } catch (error) {
      // The server refusing to serve the evidence (an integrity failure, a missing entry) is a
      // failed verification: nothing could be checked.
      result = { ok: false, checks: [{ id: "evidence", ok: false, detail: error.message || String(error) }] };
    }
    const again = () => panel.replaceWith(verificationPanel({ index, settlement, onEntry }));
    replaceChildren(
      body,
      statusBadge(result.ok ? "verified" : "failed"),
      h("p", { class: "note" }, t("verification_note")),
      checkList(result.checks),
      witnessEditor(again),
    );
  })();
  return panel;
}
