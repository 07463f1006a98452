// The overview page: every basin as a river diagram, the settlements, balances and the latest
// audit-log entries.

import { encodePath, getBlob, getJson, getText, listAll, optionalJson } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { classLegend, riverDiagram } from "./diagram.js";
import { currentLanguage, t } from "./i18n.js";
import { formatYuan } from "./money.js";
import { parseCheckpoint, parseSignedNote } from "./verify.js";

const CLASS_ORDER = ["I", "II", "III", "IV", "V", "劣V"];
const YEARS_BACK_MAX = 6;
const LOG_ENTRIES_SHOWN = 12;
// By period, oldest first: the latest this many.
const SETTLEMENTS_SHOWN = 200;

/** The current year in China time (UTC+08:00), where the ledger's periods live. */
export function chinaYear() {
  return new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
}

/** The latest month with a class, and whether that month met the section's target. */
export function latestMonth(assessment, targetClass) {
  const months = (assessment && assessment.months) || [];
  for (let i = months.length - 1; i >= 0; i -= 1) {
    if (months[i].class) {
      const attained = CLASS_ORDER.indexOf(months[i].class) <= CLASS_ORDER.indexOf(targetClass);
      return { class: months[i].class, month: months[i].month, attained };
    }
  }
  return null;
}

async function assessmentsFor(sections, year) {
  const results = await Promise.all(
    sections.map((section) => getJson(`/v1/sections/${encodePath(section.code)}/assessment?period=${year}`)),
  );
  return new Map(sections.map((section, i) => [section.code, latestMonth(results[i], section.target_class)]));
}

/**
 * For a requested year, each section's latest month with data in that year. Otherwise each
 * section's latest month with data at all, looking back at most six years, and as the year shown
 * the latest in which any section has data.
 */
async function chooseYear(sections, requested) {
  if (requested) return { year: requested, latest: await assessmentsFor(sections, requested) };
  const now = chinaYear();
  const latest = new Map();
  let shown = null;
  for (let year = now; year > now - YEARS_BACK_MAX; year -= 1) {
    const pending = sections.filter((section) => !latest.get(section.code));
    if (pending.length === 0) break;
    for (const [code, month] of await assessmentsFor(pending, year)) {
      if (month) latest.set(code, month);
    }
    if (shown === null && latest.size > 0) shown = year;
  }
  return { year: shown ?? now, latest };
}

function yearNavigation(year, route) {
  return h(
    "div",
    { class: "year-nav" },
    h("a", { href: `#/${route}?year=${year - 1}` }, `← ${t("previous_year")}`),
    h("strong", { id: "year" }, `${t("year")} ${year}`),
    h("a", { href: `#/${route}?year=${year + 1}` }, `${t("next_year")} →`),
  );
}

export function statusChip(status) {
  return h("span", { class: `status-chip status-${status}` }, t(`status_${status}`));
}

function settlementsTable(items) {
  const language = currentLanguage();
  return h(
    "table",
    { class: "settlements" },
    h("thead", {}, h("tr", {}, [t("period"), t("agreement"), t("status"), t("payer"), t("payee"), t("amount"), ""].map((name) => h("th", {}, name)))),
    h(
      "tbody",
      {},
      items.map((settlement) =>
        h(
          "tr",
          { "data-settlement": settlement.id },
          h("td", {}, settlement.period),
          h("td", {}, settlement.agreement),
          h("td", {}, statusChip(settlement.status)),
          h("td", {}, settlement.payer ?? "—"),
          h("td", {}, settlement.payee ?? "—"),
          h("td", { class: "money" }, formatYuan(settlement.amount_fen, language)),
          h("td", {}, h("a", { href: `#/settlements/${encodePath(settlement.id)}` }, t("verify_entry"))),
        ),
      ),
    ),
  );
}

/**
 * A table of the rows' scalar fields; amounts in fields ending `_fen` become 元. `labels` names
 * columns in the page's language (fields without a label show their JSON name).
 */
export function genericTable(rows, labels = {}) {
  if (!Array.isArray(rows) || rows.length === 0) return h("p", {}, t("none"));
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row).filter((key) => typeof row[key] !== "object" || row[key] === null)))];
  const cell = (key, value) =>
    key.endsWith("_fen") ? h("td", { class: "money" }, formatYuan(value, currentLanguage())) : h("td", {}, value == null ? "—" : String(value));
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, columns.map((key) => h("th", {}, labels[key] ?? key)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, columns.map((key) => cell(key, row[key]))))),
  );
}

const BALANCE_COLUMNS = [
  "owed_to_counterparty_fen",
  "owed_by_counterparty_fen",
  "net_owed_fen",
  "paid_to_counterparty_fen",
  "paid_by_counterparty_fen",
  "net_outstanding_fen",
];

function balanceRow(label, amounts, className) {
  const language = currentLanguage();
  return h("tr", { class: className }, h("td", {}, label), BALANCE_COLUMNS.map((key) => h("td", { class: "money" }, formatYuan(amounts[key], language))));
}

/** A download of the jurisdiction's CSV statement, fetched with the token (a link could not carry it). */
function statementButton(code, year) {
  return h("button", {
    type: "button",
    class: "statement-download",
    "data-jurisdiction": code,
    onclick: async () => {
      const blob = await getBlob(`/v1/statements/${encodePath(code)}?year=${year}&format=csv`);
      const link = h("a", { href: URL.createObjectURL(blob), download: `statement-${code}-${year}.csv` });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    },
  }, `${t("statement_csv")} ${code}`);
}

async function balancesCard(year) {
  const card = h("section", { class: "card", id: "balances" }, h("h2", {}, `${t("balances")} ${year}`));
  const body = await optionalJson(`/v1/balances?year=${year}`);
  if (body === null) {
    card.append(h("p", { class: "muted" }, t("balances_unavailable")));
    return card;
  }
  if (body.pairs.length === 0) {
    card.append(h("p", { class: "muted" }, t("none")));
    return card;
  }
  card.append(
    h("p", { class: "muted" }, t("balances_note")),
    h(
      "table",
      { class: "balances" },
      h("thead", {}, h("tr", {}, h("th", {}, t("pair")), BALANCE_COLUMNS.map((key) => h("th", {}, t(`balance_${key}`))))),
      h("tbody", {}, body.pairs.map((pair) => [
        balanceRow(`${pair.jurisdiction} → ${pair.counterparty}`, pair, "pair"),
        pair.agreements.map((part) => balanceRow(`  ${part.agreement}`, part, "agreement-part")),
      ])),
    ),
  );
  const codes = [...new Set(body.pairs.flatMap((pair) => [pair.jurisdiction, pair.counterparty]))].sort();
  card.append(h("div", { class: "statement-downloads" }, codes.map((code) => statementButton(code, year))));
  return card;
}

async function logCard() {
  const card = h("section", { class: "card", id: "log" }, h("h2", {}, t("log")));
  const size = Number(parseCheckpoint(parseSignedNote(await getText("/v1/log/checkpoint")).text).size);
  const start = Math.max(0, size - LOG_ENTRIES_SHOWN);
  const page = await getJson(`/v1/log/entries?start=${start}&limit=${LOG_ENTRIES_SHOWN}`);
  card.append(
    h(
      "table",
      { class: "log-entries" },
      h("thead", {}, h("tr", {}, ["#", t("entry_kind"), t("entry_time"), ""].map((name) => h("th", {}, name)))),
      h("tbody", {}, page.items.slice().reverse().map((entry) =>
        h("tr", { "data-log-index": entry.index },
          h("td", {}, String(entry.index)), h("td", {}, entry.kind), h("td", {}, entry.time),
          h("td", {}, h("a", { href: `#/log/${entry.index}` }, t("verify_entry")))))),
    ),
  );
  return card;
}

export async function renderOverview(main, { year: requested }) {
  const [basins, sections] = await Promise.all([listAll("/v1/basins"), listAll("/v1/sections")]);
  const { year, latest } = await chooseYear(sections, requested);
  const basinCard = h("section", { class: "card", id: "basins" }, h("h2", {}, t("basins")), yearNavigation(year, ""), h("p", { class: "muted" }, t("basins_note")), classLegend());
  for (const basin of basins) {
    const members = sections.filter((section) => section.basin === basin.code);
    if (members.length > 0) basinCard.append(h("div", { class: "diagram-scroll" }, riverDiagram(basin, members, latest, year)));
  }
  // The first page says whether the server has settlements at all; the rest are fetched only then.
  const firstPage = await optionalJson("/v1/settlements?limit=1");
  const settlementCard = h("section", { class: "card", id: "settlements" }, h("h2", {}, t("settlements")));
  if (firstPage === null) settlementCard.append(h("p", { class: "muted" }, t("settlements_unavailable")));
  else if (firstPage.items.length === 0) settlementCard.append(h("p", { class: "muted" }, t("no_settlements")));
  else settlementCard.append(settlementsTable((await listAll("/v1/settlements")).slice(-SETTLEMENTS_SHOWN)));
  replaceChildren(main, basinCard, settlementCard, await balancesCard(year), await logCard());
}
