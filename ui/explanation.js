// How each component of a settlement came to its amount, from the signed document itself: the
// statistics it used, P and the tier, class steps, bands and multiples, exemptions and caps.
// Explanations differ by rule kind (compensation.md §5), so they are drawn generically: scalars
// as facts, lists of months or bands as tables, nested objects as nested facts. Amounts in fen
// are shown in 元 from their digits (money.js), never through floating point.

import { h } from "./dom.js";
import { currentLanguage } from "./i18n.js";
import { formatYuan } from "./money.js";

const NESTING_MAX = 4;

// Names of the explanation fields, zh and en; a field without one is shown by its key.
const LABELS = {
  k0: ["基准金额 K0", "base amount K0"],
  p: ["综合污染指数 P", "pollution index P"],
  tier: ["档位", "tier"],
  max_p: ["档位上限 P", "tier's upper P"],
  parameters: ["参数", "parameters"],
  parameter: ["参数", "parameter"],
  target_class: ["目标类别", "target class"],
  class: ["类别", "class"],
  steps: ["类别差", "class steps"],
  limits: ["限值", "limits"],
  limit: ["限值", "limit"],
  monthly_limit: ["月度限值", "monthly limit"],
  statistic: ["统计值", "statistic"],
  baseline: ["基准值", "baseline"],
  bands: ["倍数区间", "bands"],
  max_multiple: ["倍数上限", "up to multiple"],
  multiple: ["超标倍数", "exceedance multiple"],
  step_multiple: ["每档倍数", "multiple per step"],
  cap_fen: ["封顶", "cap"],
  inflow_section: ["入境断面", "inflow section"],
  exempt: ["豁免", "exempt"],
  months_counted: ["计入月数", "months counted"],
  months: ["逐月", "month by month"],
  month: ["月份", "month"],
  met: ["达标", "met"],
  period_met: ["期间达标", "met over the period"],
  rate_worse_fen: ["每差一类", "per class worse"],
  rate_worse_mild_fen: ["入境更差时每差一类", "per class worse (inflow worse too)"],
  rate_better_fen: ["每优一类", "per class better"],
  charges_fen: ["逐项收费", "charges"],
  charge_fen: ["收费", "charge"],
  charge_before_cap_fen: ["封顶前收费", "charge before the cap"],
  step_charge_fen: ["每档收费", "charge per step"],
  band: ["区间", "band"],
  capped: ["已封顶", "capped"],
  inflow_multiple: ["入境超标倍数", "inflow's multiple"],
  inflow_statistic: ["入境统计值", "inflow's statistic"],
  class_steps: ["类别差", "class steps"],
  weights: ["权重", "weights"],
  samples: ["样本数", "samples"],
  stats: ["统计值", "statistics"],
  amount_fen: ["金额", "amount"],
};

function label(key) {
  const names = LABELS[key];
  if (!names) return key;
  return currentLanguage() === "zh" ? names[0] : names[1];
}

function scalar(key, value) {
  if (value === null || value === undefined) return "—";
  if (key.endsWith("_fen") && (typeof value === "number" || typeof value === "string")) return formatYuan(value, currentLanguage());
  if (typeof value === "boolean") return value ? "✓" : "✗";
  return String(value);
}

function isScalar(value) {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function table(key, rows, depth) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return h(
    "table",
    { class: "explanation-table", "data-field": key },
    h("thead", {}, h("tr", {}, columns.map((column) => h("th", {}, label(column))))),
    h("tbody", {}, rows.map((row) => h("tr", {}, columns.map((column) => h("td", {}, value(column, row[column], depth + 1)))))),
  );
}

function facts(object, depth) {
  return h(
    "dl",
    { class: "explanation-facts" },
    Object.entries(object).map(([key, item]) =>
      h("div", { class: "fact", "data-field": key }, h("dt", {}, label(key)), h("dd", {}, value(key, item, depth + 1))),
    ),
  );
}

function value(key, item, depth) {
  if (isScalar(item)) return scalar(key, item);
  if (depth > NESTING_MAX) return JSON.stringify(item);
  if (Array.isArray(item)) {
    if (item.every(isScalar)) return item.map((element) => scalar(key, element)).join(", ");
    if (item.every((element) => element && typeof element === "object" && !Array.isArray(element))) return table(key, item, depth);
    return JSON.stringify(item);
  }
  return facts(item, depth);
}

/** One block per component: kind, section, amount, then everything its explanation says. */
export function componentExplanations(components, title) {
  return h(
    "div",
    { class: "component-explanations", id: "explanations" },
    h("h3", {}, title),
    (components || []).map((component, position) =>
      h(
        "details",
        { class: "component-explanation", "data-component": position, "data-kind": component.kind, open: "" },
        h("summary", {}, `${position + 1}. ${component.kind}${component.section ? ` · ${component.section}` : ""} · ${formatYuan(component.amount_fen, currentLanguage())}`),
        component.explanation && typeof component.explanation === "object" ? facts(component.explanation, 0) : h("p", {}, scalar("", component.explanation)),
      ),
    ),
  );
}
