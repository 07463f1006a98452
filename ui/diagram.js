// A basin as a schematic river diagram: one lane per river, flowing left to right into the
// basin's outlet, with each section as a node coloured by its latest monthly class and ringed
// in the colour of its target class. Schematic, not a map: sections are ordered north to south
// (the rivers here flow from the Hebei mountains south-east through Beijing), else by code.

import { classCss, h, svg } from "./dom.js";
import { t } from "./i18n.js";

const LANE_HEIGHT = 130;
const NODE_SPACING = 170;
const LEFT_MARGIN = 110;
const TOP_MARGIN = 50;
const NODE_RADIUS = 15;
const TARGET_RADIUS = 21;

function flowOrder(left, right) {
  const north = (section) => (section.latitude == null ? null : Number(section.latitude));
  const a = north(left);
  const b = north(right);
  if (a !== null && b !== null && a !== b) return b - a;
  return left.code < right.code ? -1 : left.code > right.code ? 1 : 0;
}

function lanes(sections) {
  const byRiver = new Map();
  for (const section of sections) {
    if (!byRiver.has(section.river)) byRiver.set(section.river, []);
    byRiver.get(section.river).push(section);
  }
  return [...byRiver.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([river, list]) => ({ river, sections: list.sort(flowOrder) }));
}

function sectionNode(section, status, x, y, year) {
  const waterClass = status && status.class ? status.class : null;
  const attained = status ? status.attained : null;
  const mark = attained === true ? " ✓" : attained === false ? " ✗" : "";
  const title = [
    `${section.name} (${section.code})`,
    `${t("target")} ${section.target_class}`,
    waterClass ? `${status.month}: ${waterClass}` : t("no_data"),
  ].join("\n");
  return svg(
    "a",
    {
      href: `#/sections/${encodeURIComponent(section.code)}?year=${waterClass ? status.month.slice(0, 4) : year}`,
      class: "section-node",
      "data-section": section.code,
      "data-class": waterClass || "",
    },
    svg("title", { text: title }),
    svg("circle", { cx: x, cy: y, r: TARGET_RADIUS, class: `target-ring ${classCss(section.target_class)}` }),
    svg("circle", { cx: x, cy: y, r: NODE_RADIUS, class: `node ${classCss(waterClass)}` }),
    svg("text", { x, y: y + 4, class: "node-class", text: waterClass || "–" }),
    svg("text", { x, y: y - 30, class: "node-parties", text: `${section.upstream} → ${section.downstream}` }),
    svg("text", { x, y: y + 40, class: "node-name", text: section.name }),
    svg("text", {
      x,
      y: y + 56,
      class: `node-target ${attained === false ? "missed" : ""}`,
      text: `${t("target")} ${section.target_class}${mark}`,
    }),
    svg("text", { x, y: y + 70, class: "node-month", text: waterClass ? status.month : "" }),
  );
}

/**
 * The SVG diagram of one basin. `latest` maps a section code to {class, month, attained} or null;
 * `year` is the year shown, which the links to the sections keep.
 */
export function riverDiagram(basin, sections, latest, year) {
  const riverLanes = lanes(sections);
  const widest = Math.max(1, ...riverLanes.map((lane) => lane.sections.length));
  const outletX = LEFT_MARGIN + widest * NODE_SPACING + 20;
  const width = outletX + 120;
  const height = TOP_MARGIN + Math.max(1, riverLanes.length) * LANE_HEIGHT;
  const laneY = (index) => TOP_MARGIN + 20 + index * LANE_HEIGHT;
  const outletY = (laneY(0) + laneY(Math.max(0, riverLanes.length - 1))) / 2;

  const children = [
    svg("title", { text: `${basin.name} (${basin.code})` }),
    svg("defs", {}, svg("marker", { id: `arrow-${basin.code}`, viewBox: "0 0 10 10", refX: 5, refY: 5, markerWidth: 18, markerHeight: 18, markerUnits: "userSpaceOnUse", orient: "auto" },
      svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }))),
    svg("text", { x: 10, y: 22, class: "basin-title", text: `${basin.name} · ${basin.code}` }),
  ];
  riverLanes.forEach((lane, index) => {
    const y = laneY(index);
    children.push(
      svg("path", { d: `M${LEFT_MARGIN - 20},${y} L${outletX - 30},${y} Q${outletX},${y} ${outletX},${(y + outletY) / 2} L${outletX},${outletY}`, class: "river-line" }),
      svg("text", { x: 10, y: y + 5, class: "river-name", text: lane.river }),
    );
    lane.sections.forEach((section, position) => {
      const x = LEFT_MARGIN + NODE_SPACING / 2 + position * NODE_SPACING;
      children.push(sectionNode(section, latest.get(section.code), x, y, year));
    });
  });
  children.push(
    svg("path", { d: `M${outletX},${outletY} L${width - 10},${outletY}`, class: "river-line", "marker-end": `url(#arrow-${basin.code})` }),
    svg("text", { x: outletX + 8, y: outletY - 8, class: "flow-label", text: t("flow_direction") }),
  );
  return svg(
    "svg",
    { class: "river-diagram", "data-basin": basin.code, viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": basin.name },
    children,
  );
}

/** The colour legend shared by the diagrams. */
export function classLegend() {
  const classes = ["I", "II", "III", "IV", "V", "劣V"];
  return h(
    "div",
    { class: "legend" },
    h("span", { class: "legend-title" }, `${t("legend")}:`),
    classes.map((name) => h("span", { class: "legend-item" }, h("span", { class: `swatch ${classCss(name)}` }), name)),
    h("span", { class: "legend-item" }, h("span", { class: "swatch wq-none" }), t("no_data")),
    h("span", { class: "legend-item" }, h("span", { class: "swatch ring" }), t("ring_target")),
  );
}
