// Building DOM and SVG nodes without innerHTML: every text from the server goes in as text, so
// names and codes can never inject markup.

const SVG_NAMESPACE = "http://www.w3.org/2000/svg";

function apply(node, attributes) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: h("a", {href: "#/", class: "x"}, "text", otherNode). */
export function h(tag, attributes, ...children) {
  const node = document.createElement(tag);
  apply(node, attributes);
  return append(node, children);
}

/** An SVG element, with the same conventions. */
export function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SVG_NAMESPACE, tag);
  apply(node, attributes);
  return append(node, children);
}

export function replaceChildren(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

/** The CSS class for a water class ("I".."V", "劣V", or none). */
export function classCss(waterClass) {
  const index = ["I", "II", "III", "IV", "V", "劣V"].indexOf(waterClass);
  return index < 0 ? "wq-none" : `wq-${index + 1}`;
}
