// A section's page: what it is, its class month by month, and the chart of the main parameters
// against the class limits for one year.

import { encodePath, getJson } from "./api.js";
import { parameterChart, MAIN_PARAMETERS } from "./chart.js";
import { classCss, h, replaceChildren } from "./dom.js";
import { monthName, t } from "./i18n.js";
import { chinaYear } from "./overview.js";

let tablePromise = null;

/** gb3838.json, served from the binary next to the page. */
function parameterTable() {
  if (!tablePromise) tablePromise = getJson("/ui/gb3838.json");
  return tablePromise;
}

function facts(section, assessment) {
  const row = (name, value) => h("div", { class: "fact" }, h("dt", {}, name), h("dd", {}, value));
  return h(
    "dl",
    { class: "facts" },
    row(t("basin"), section.basin),
    row(t("river"), section.river),
    row(t("water_body"), t(section.water_body === "lake" ? "lake_body" : "river_body")),
    row(t("upstream"), section.upstream),
    row(t("downstream"), section.downstream),
    row(t("target"), h("span", { class: `class-chip ${classCss(section.target_class)}` }, section.target_class)),
    row(`${t("class")} ${assessment.period}`, assessment.class
      ? h("span", { class: `class-chip ${classCss(assessment.class)}` }, `${assessment.class} · ${t(assessment.attained ? "attained" : "not_attained")}`)
      : t("no_data")),
  );
}

function monthStrip(months) {
  return h(
    "div",
    { class: "month-strip", id: "month-strip" },
    months.map((month) =>
      h("div", { class: `month-cell ${classCss(month.class)}`, "data-month": month.month, title: month.class || t("no_data") },
        h("span", { class: "month-name" }, monthName(Number(month.month.slice(5, 7)))),
        h("span", { class: "month-class" }, month.class || "–"))),
  );
}

function statsTable(months, table) {
  const names = new Map(table.parameters.map((definition) => [definition.code, definition]));
  return h(
    "table",
    { class: "stats" },
    h("thead", {}, h("tr", {}, h("th", {}, t("month")), MAIN_PARAMETERS.map((code) => h("th", {}, `${code} (${names.get(code)?.unit ?? ""})`)), h("th", {}, t("class")))),
    h("tbody", {}, months.map((month) =>
      h("tr", {}, h("td", {}, month.month),
        MAIN_PARAMETERS.map((code) => h("td", { class: "number" }, month.stats?.[code] ?? "—")),
        h("td", {}, month.class ?? "—")))),
  );
}

/** How many years back a section's page looks for data when no year is asked for. */
const YEARS_BACK_MAX = 10;

function assessmentOf(code, year) {
  return getJson(`/v1/sections/${encodePath(code)}/assessment?period=${year}`);
}

/** The year asked for; otherwise the latest year (in China time) in which the section has data. */
async function chooseYear(code, requested) {
  if (requested) return { year: requested, assessment: await assessmentOf(code, requested) };
  const now = chinaYear();
  let first = null;
  for (let year = now; year > now - YEARS_BACK_MAX; year -= 1) {
    const assessment = await assessmentOf(code, year);
    first ??= assessment;
    if (assessment.months.some((month) => month.class)) return { year, assessment };
  }
  return { year: now, assessment: first };
}

export async function renderSection(main, { code, year: requested }) {
  const [section, { year, assessment }, table] = await Promise.all([
    getJson(`/v1/sections/${encodePath(code)}`),
    chooseYear(code, requested),
    parameterTable(),
  ]);
  const route = `sections/${encodePath(code)}`;
  replaceChildren(
    main,
    h(
      "section",
      { class: "card", id: "section", "data-section": section.code },
      h("h2", {}, `${section.name} · ${section.code}`),
      facts(section, assessment),
      h("div", { class: "year-nav" },
        h("a", { href: `#/${route}?year=${year - 1}` }, `← ${t("previous_year")}`),
        h("strong", { id: "year" }, `${t("year")} ${year}`),
        h("a", { href: `#/${route}?year=${year + 1}` }, `${t("next_year")} →`)),
      h("h3", {}, t("monthly_classes")),
      monthStrip(assessment.months),
    ),
    h(
      "section",
      { class: "card", id: "chart" },
      h("h2", {}, t("chart_title")),
      h("div", { class: "chart-scroll" }, parameterChart({ months: assessment.months, table, waterBody: section.water_body, targetClass: section.target_class })),
      h("p", { class: "muted" }, t("tn_note")),
      statsTable(assessment.months, table),
    ),
  );
}
