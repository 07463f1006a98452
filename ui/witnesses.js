// The witness keys this browser pins, and how many of them must cosign a checkpoint before the
// page calls it verified. They are public keys, so they live in localStorage (tokens never do).

import { h } from "./dom.js";
import { currentLanguage } from "./i18n.js";

const WITNESSES_KEY = "basin-ledger.witnesses";

const TEXT = {
  title: ["固定的见证人公钥", "Pinned witness keys"],
  help: [
    "每行一个见证人公钥（名称+密钥ID+base64），由各方自行获取并核对。设置后，只有达到法定数量见证人共同签名的检查点才算验证通过，页面也只记住这样的检查点。",
    "One witness vkey per line (name+key id+base64), obtained and checked by each party. Once set, a checkpoint verifies only with cosignatures from at least the quorum below, and only such a checkpoint is remembered.",
  ],
  quorum: ["法定数量", "Quorum"],
  save: ["保存", "Save"],
};

function text(key) {
  return TEXT[key][currentLanguage() === "zh" ? 0 : 1];
}

/** `{vkeys: [...], quorum}` as pinned; none pinned is `{vkeys: [], quorum: 0}`. */
export function pinnedWitnesses() {
  try {
    const stored = JSON.parse(localStorage.getItem(WITNESSES_KEY) || "null");
    if (stored && Array.isArray(stored.vkeys) && stored.vkeys.every((vkey) => typeof vkey === "string") && Number.isSafeInteger(stored.quorum)) {
      return { vkeys: stored.vkeys, quorum: Math.min(Math.max(stored.quorum, 1), stored.vkeys.length) };
    }
  } catch {
    // A damaged record pins nothing; the editor below shows it empty.
  }
  return { vkeys: [], quorum: 0 };
}

export function pinWitnesses(vkeys, quorum) {
  const lines = vkeys.map((vkey) => vkey.trim()).filter((vkey) => vkey.length > 0);
  if (lines.length === 0) localStorage.removeItem(WITNESSES_KEY);
  else localStorage.setItem(WITNESSES_KEY, JSON.stringify({ vkeys: lines, quorum: Math.min(Math.max(quorum, 1), lines.length) }));
}

/** An editor for the pinned keys; `onSave` runs after they are stored (to verify again). */
export function witnessEditor(onSave) {
  const pinned = pinnedWitnesses();
  const keys = h("textarea", { id: "witness-keys", rows: 3, cols: 80, spellcheck: "false" });
  keys.value = pinned.vkeys.join("\n");
  const quorum = h("input", { id: "witness-quorum", type: "number", min: 1, value: pinned.quorum || 1 });
  const save = h("button", { type: "button", id: "witness-save" }, text("save"));
  save.addEventListener("click", () => {
    pinWitnesses(keys.value.split("\n"), Number.parseInt(quorum.value, 10) || 1);
    onSave();
  });
  return h(
    "details",
    { class: "witness-editor", open: pinned.vkeys.length ? "" : null },
    h("summary", {}, `${text("title")} (${pinned.vkeys.length})`),
    h("p", { class: "muted" }, text("help")),
    keys,
    h("label", {}, `${text("quorum")} `, quorum),
    save,
  );
}
