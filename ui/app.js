// The dashboard's frame: language toggle, token form and a hash router over the pages.
//   #/                      overview (basins, settlements, balances, log)   ?year=YYYY
//   #/sections/{code}       one section's classes and chart                 ?year=YYYY
//   #/settlements/{id}      one settlement, verified in the browser
//   #/log/{index}           one log entry, verified in the browser

import { storedToken, storeToken } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { currentLanguage, setLanguage, t } from "./i18n.js";
import { renderOverview } from "./overview.js";
import { renderSection } from "./section.js";
import { renderEntry, renderSettlement } from "./settlement.js";

const main = document.getElementById("main");
const header = document.getElementById("header");

function parseRoute() {
  let hash = "/";
  try {
    hash = decodeURI(location.hash.replace(/^#/, "")) || "/";
  } catch {
    // A malformed %-escape: show the overview rather than nothing.
  }
  const [path, query = ""] = hash.split("?");
  const parts = path.split("/").filter(Boolean);
  const yearText = new URLSearchParams(query).get("year");
  const year = yearText && /^[0-9]{4}$/.test(yearText) ? Number(yearText) : null;
  if (parts[0] === "sections" && parts[1]) return { page: "section", code: parts[1], year };
  if (parts[0] === "settlements" && parts[1]) return { page: "settlement", id: parts[1] };
  if (parts[0] === "log" && /^[0-9]{1,15}$/.test(parts[1] || "")) return { page: "entry", index: Number(parts[1]) };
  return { page: "overview", year };
}

function renderHeader() {
  const input = h("input", { id: "token", type: "password", autocomplete: "off", placeholder: t("token_placeholder"), "aria-label": t("token_label") });
  input.value = storedToken();
  const message = h("span", { class: "token-message", id: "token-message" }, storedToken() ? t("token_saved") : "");
  const form = h(
    "form",
    {
      class: "token-form",
      id: "token-form",
      onsubmit: (event) => {
        event.preventDefault();
        storeToken(input.value);
        route();
      },
    },
    h("label", { for: "token" }, t("token_label")),
    input,
    h("button", { type: "submit", id: "token-save" }, t("token_save")),
    h("button", { type: "button", id: "token-forget", onclick: () => { storeToken(""); input.value = ""; route(); } }, t("token_forget")),
    message,
  );
  replaceChildren(
    header,
    h("div", { class: "title-row" },
      h("div", {},
        h("h1", {}, h("a", { href: "#/" }, t("title"))),
        h("p", { class: "subtitle" }, t("subtitle"))),
      h("button", { type: "button", id: "language-toggle", class: "language-toggle", onclick: () => { setLanguage(currentLanguage() === "zh" ? "en" : "zh"); route(); } }, t("language_toggle"))),
    form,
  );
}

let generation = 0;

async function route() {
  const current = ++generation;
  document.documentElement.lang = currentLanguage() === "zh" ? "zh-CN" : "en";
  document.title = t("title");
  renderHeader();
  const target = h("div", { class: "page" }, h("p", { class: "muted" }, t("loading")));
  replaceChildren(main, target);
  if (!storedToken()) {
    replaceChildren(target, h("p", { class: "notice", id: "token-needed" }, t("token_missing")));
    return;
  }
  const where = parseRoute();
  try {
    if (where.page === "section") await renderSection(target, where);
    else if (where.page === "settlement") await renderSettlement(target, where);
    else if (where.page === "entry") await renderEntry(target, where);
    else await renderOverview(target, where);
    if (current === generation) main.dataset.ready = where.page;
  } catch (error) {
    if (current !== generation) return;
    replaceChildren(target, h("p", { class: "error", id: "page-error" }, `${t("error")}: ${error.message || error}`));
    main.dataset.ready = "error";
  }
}

window.addEventListener("hashchange", route);
route();
