// Per section, the monthly statistics of the main parameters (DO, permanganate index, NH3-N, TP,
// TN) as small multiples in one SVG, each against its GB 3838 class limits from the embedded
// gb3838.json (TP by water body). The statistics arrive as decimal strings; converting them to
// numbers is only for drawing.

import { classCss, svg } from "./dom.js";
import { monthName, parameterName, t } from "./i18n.js";

export const MAIN_PARAMETERS = ["do", "codmn", "nh3n", "tp", "tn"];
const CLASSES = ["I", "II", "III", "IV", "V"];
const WIDTH = 760;
const PANEL_HEIGHT = 150;
const PANEL_GAP = 34;
const LEFT = 64;
const RIGHT = 70;
const TOP = 26;

/** The five limits (I..V) of a parameter for a water body, as numbers, or null. */
export function classLimits(definition, waterBody) {
  const limits = definition.limits;
  if (!limits) return null;
  const list = Array.isArray(limits) ? limits : limits[waterBody] || limits.river;
  return list.map((limit) => (Array.isArray(limit) ? null : Number(limit)));
}

function yScale(values, limits, direction) {
  const dataMax = values.length ? Math.max(...values) : 0;
  let top = dataMax;
  if (direction === "min") {
    top = Math.max(dataMax, limits[0]);
  } else {
    // Show the limits up to the first one above the data, so the data is not squeezed flat.
    const above = limits.find((limit) => limit >= dataMax);
    top = Math.max(dataMax, above ?? limits[limits.length - 1]);
  }
  return top > 0 ? top * 1.12 : 1;
}

function panel({ code, definition, months, waterBody, targetClass, offsetY }) {
  const limits = classLimits(definition, waterBody) || [];
  const plotWidth = WIDTH - LEFT - RIGHT;
  const points = months.map((month, index) => ({ month, index, value: month.stats && month.stats[code] != null ? Number(month.stats[code]) : null }));
  const values = points.filter((point) => point.value !== null && Number.isFinite(point.value)).map((point) => point.value);
  const top = yScale(values, limits, definition.direction);
  const x = (index) => LEFT + (months.length <= 1 ? plotWidth / 2 : (index * plotWidth) / (months.length - 1));
  const y = (value) => offsetY + TOP + PANEL_HEIGHT - (value / top) * PANEL_HEIGHT;
  const children = [
    svg("text", { x: LEFT, y: offsetY + 16, class: "panel-title", text: `${parameterName(definition)} (${code}, ${definition.unit})${definition.in_class ? "" : " *"}` }),
    svg("rect", { x: LEFT, y: offsetY + TOP, width: plotWidth, height: PANEL_HEIGHT, class: "plot-area" }),
  ];
  // Every limit gets its line; labels that would overlap one already drawn are left out, except
  // the target's, which is always labelled.
  const labelled = [];
  const order = limits.map((limit, index) => index).sort((a, b) => (CLASSES[b] === targetClass) - (CLASSES[a] === targetClass));
  for (const index of order) {
    const limit = limits[index];
    if (limit === null || limit > top) continue;
    const name = CLASSES[index];
    const lineY = y(limit);
    children.push(svg("line", { x1: LEFT, x2: LEFT + plotWidth, y1: lineY, y2: lineY, class: `limit-line ${classCss(name)} ${name === targetClass ? "target-limit" : ""}` }));
    if (labelled.some((other) => Math.abs(other - lineY) < 11)) continue;
    labelled.push(lineY);
    children.push(svg("text", { x: LEFT + plotWidth + 4, y: lineY + 4, class: "limit-label", text: `${name} ${limit}${name === targetClass ? ` (${t("target")})` : ""}` }));
  }
  for (const tick of [0, top / 2 / 1.12, top / 1.12]) {
    children.push(svg("text", { x: LEFT - 6, y: y(tick) + 4, class: "axis-label", "text-anchor": "end", text: Number(tick.toPrecision(3)).toString() }));
  }
  months.forEach((month, index) => {
    const number = Number(month.month.slice(5, 7));
    children.push(svg("text", { x: x(index), y: offsetY + TOP + PANEL_HEIGHT + 14, class: "axis-label", "text-anchor": "middle", text: monthName(number) }));
  });
  // Break the line where a month has no statistic instead of drawing across the gap.
  let segment = [];
  const flush = () => {
    if (segment.length > 1) children.push(svg("polyline", { points: segment.join(" "), class: "series-line" }));
    segment = [];
  };
  for (const point of points) {
    if (point.value === null || !Number.isFinite(point.value)) {
      flush();
      continue;
    }
    segment.push(`${x(point.index)},${y(point.value)}`);
  }
  flush();
  for (const point of points) {
    if (point.value === null || !Number.isFinite(point.value)) continue;
    const samples = point.month.samples ? point.month.samples[code] : undefined;
    children.push(
      svg("circle", { cx: x(point.index), cy: y(point.value), r: 3.5, class: "series-point", "data-parameter": code },
        svg("title", { text: `${point.month.month} ${code} ${point.month.stats[code]} ${definition.unit}${samples ? ` (${samples} ${t("samples")})` : ""}` })),
    );
  }
  return children;
}

/** The chart for one section and year. `table` is gb3838.json. */
export function parameterChart({ months, table, waterBody, targetClass }) {
  const definitions = new Map(table.parameters.map((definition) => [definition.code, definition]));
  const codes = MAIN_PARAMETERS.filter((code) => definitions.has(code));
  const height = codes.length * (PANEL_HEIGHT + TOP + PANEL_GAP) + 10;
  const children = codes.flatMap((code, index) =>
    panel({ code, definition: definitions.get(code), months, waterBody, targetClass, offsetY: index * (PANEL_HEIGHT + TOP + PANEL_GAP) }),
  );
  return svg("svg", { class: "parameter-chart", viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: "img", "aria-label": t("chart_title") }, children);
}
