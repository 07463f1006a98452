// A settlement's page (amounts, parties, components, payments) and a log entry's page, each with
// the panel that verifies it in this browser.

import { RequestError, encodePath, getBlob, getJson } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { currentLanguage, t } from "./i18n.js";
import { componentExplanations } from "./explanation.js";
import { formatYuan } from "./money.js";
import { genericTable, statusChip } from "./overview.js";
import { failedVerificationPanel, verificationPanel } from "./verification.js";

/** Indented JSON with short arrays of numbers (reading ids, say) kept on one line. */
function readableJson(value) {
  return JSON.stringify(value, null, 2).replace(/\[\s+(-?[0-9]+(?:,\s+-?[0-9]+)*)\s+\]/g, (_, inner) => `[${inner.replace(/,\s+/g, ", ")}]`);
}

function row(name, value) {
  return h("div", { class: "fact" }, h("dt", {}, name), h("dd", {}, value));
}

function listOrNone(title, items, columns) {
  const labels = { amount_fen: t("amount"), paid_at: t("paid_at"), reference: t("reference"), jurisdiction: t("jurisdiction"), reason: t("reason") };
  return [
    h("h3", {}, title),
    items && items.length
      ? genericTable(items.map((item) => Object.fromEntries(columns.map((key) => [key, item[key]]))), labels)
      : h("p", { class: "muted" }, t("none")),
  ];
}

/** Saves the settlement's c2sp.org/tlog-proof receipt as `settlement-<id>.tlog-proof`. */
async function downloadReceipt(id, button) {
  button.disabled = true;
  try {
    const blob = await getBlob(`/v1/settlements/${encodePath(id)}/receipt`);
    const url = URL.createObjectURL(blob);
    const link = h("a", { href: url, download: `settlement-${id}.tlog-proof` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    button.after(h("p", { class: "error", id: "receipt-error" }, error.message || String(error)));
  } finally {
    button.disabled = false;
  }
}

function receiptButton(id) {
  const button = h("button", { type: "button", id: "download-receipt" }, t("download_receipt"));
  button.addEventListener("click", () => downloadReceipt(id, button));
  return h("div", { class: "receipt" }, button, h("p", { class: "muted" }, t("receipt_note")));
}

/** The page of a settlement the server refuses to serve because its stored data is damaged. */
function renderRefused(main, id, error) {
  replaceChildren(
    main,
    h(
      "section",
      { class: "card", id: "settlement", "data-settlement": id },
      h("h2", {}, `${t("settlement")} ${id}`),
      h("p", { class: "error", id: "settlement-refused" }, t("settlement_unavailable")),
    ),
    failedVerificationPanel("stored_settlement", error.message),
  );
}

export async function renderSettlement(main, { id }) {
  let settlement;
  try {
    settlement = await getJson(`/v1/settlements/${encodePath(id)}`);
  } catch (error) {
    // A 5xx for this settlement is the ledger refusing damaged data: a verification failure,
    // not a page error. A 404 or a bad token stays an ordinary error.
    if (error instanceof RequestError && error.status >= 500) return renderRefused(main, id, error);
    throw error;
  }
  const language = currentLanguage();
  const components = (settlement.components || []).map((component) => ({
    kind: component.kind,
    section: component.section ?? "—",
    amount_fen: component.amount_fen,
  }));
  replaceChildren(
    main,
    h(
      "section",
      { class: "card", id: "settlement", "data-settlement": settlement.id },
      h("h2", {}, `${t("settlement")} ${settlement.id} · ${settlement.agreement} · ${settlement.period}`),
      h(
        "dl",
        { class: "facts" },
        row(t("status"), statusChip(settlement.status)),
        row(t("amount"), h("strong", { class: "money", id: "amount" }, formatYuan(settlement.amount_fen, language))),
        row(t("payer"), settlement.payer ?? "—"),
        row(t("payee"), settlement.payee ?? "—"),
        row(t("net"), h("span", { class: "money" }, formatYuan(settlement.net_fen, language))),
        settlement.paid_fen === undefined ? null : row(t("paid"), h("span", { class: "money" }, formatYuan(settlement.paid_fen, language))),
        settlement.outstanding_fen === undefined ? null : row(t("outstanding"), h("span", { class: "money", id: "outstanding" }, formatYuan(settlement.outstanding_fen, language))),
        row(t("agreement"), `${settlement.agreement} v${settlement.agreement_version}`),
        row(t("period"), `${settlement.period} (${settlement.period_start} – ${settlement.period_end})`),
        row(t("issued_at"), settlement.issued_at),
        row("document_sha256", h("code", {}, settlement.document_sha256)),
        row(t("log_entry"), h("a", { href: `#/log/${settlement.log_index}` }, `#${settlement.log_index}`)),
      ),
      receiptButton(settlement.id),
      h("h3", {}, t("components")),
      genericTable(components, { kind: t("kind"), section: t("section"), amount_fen: t("amount") }),
      componentExplanations(settlement.components, t("explanations")),
      listOrNone(t("payments"), settlement.payments, ["amount_fen", "paid_at", "reference"]),
      listOrNone(t("acknowledgements"), settlement.acknowledgements, ["jurisdiction", "key_id"]),
      listOrNone(t("disputes"), settlement.disputes, ["jurisdiction", "reason"]),
    ),
    verificationPanel({ index: settlement.log_index, settlement }),
  );
}

export async function renderEntry(main, { index }) {
  const details = h("section", { class: "card", id: "entry", "data-log-index": index }, h("h2", {}, `${t("log_entry")} #${index}`), h("p", { class: "muted" }, t("loading")));
  const showEntry = (entry) => {
    const settlementLink =
      entry.kind === "settlement.issued" && entry.body && entry.body.document
        ? h("p", {}, h("a", { href: `#/settlements/${encodePath(entry.body.document.id)}` }, t("open_settlement")))
        : null;
    replaceChildren(
      details,
      h("h2", {}, `${t("log_entry")} #${entry.index}`),
      h("dl", { class: "facts" }, row(t("entry_kind"), entry.kind), row(t("entry_time"), entry.time), row("leaf_hash", h("code", {}, entry.leaf_hash))),
      settlementLink,
      h("h3", {}, t("entry_body")),
      h("pre", { class: "entry-body" }, readableJson(entry.body)),
    );
  };
  const failed = (error) => replaceChildren(details, h("h2", {}, `${t("log_entry")} #${index}`), h("p", { class: "error" }, error.message));
  replaceChildren(main, details, verificationPanel({ index, onEntry: showEntry }));
  // The panel fetches the entry itself; if it cannot, say why here as well.
  getJson(`/v1/log/entries/${index}`).catch(failed);
}
