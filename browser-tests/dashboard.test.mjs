// Browser tests of the dashboard: the system Chromium driven by playwright-core against the real
// binary, with every request that is not to the server blocked. Run with `npm test` here after
// `cargo build` (or set BASIN_LEDGER_BIN). Screenshots go to docs/screenshots/.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createPrivateKey, randomBytes, sign } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { binaryPath, demoAvailable, startServer } from "./server.mjs";
import { seed } from "./seed.mjs";

const repository = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const screenshots = join(repository, "docs", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
// A name that is not localhost, so the page is not a secure context (no WebCrypto) there.
const INSECURE_HOST = "ledger.test";
const WAIT_MS = 30_000;

let server;
let context;
let page;
let userDataDir;
let target; // {settlement, index}: what the verification tests open
const requests = [];
const blocked = [];
const pageErrors = [];

async function api(path) {
  const response = await fetch(`${server.baseUrl}${path}`, { headers: { Authorization: `Bearer ${server.auditorToken}` } });
  return { status: response.status, body: response.status === 200 ? await response.json() : null };
}

/** A settlement that moves money when the server has one, else the latest log entry. */
async function chooseTarget() {
  const settlements = await api("/v1/settlements?limit=100");
  const items = settlements.status === 200 ? settlements.body.items : [];
  const settlement = items.find((item) => item.amount_fen > 0 && item.period.length === 7) || items[0];
  if (settlement) {
    return { settlement, index: settlement.log_index, hash: `#/settlements/${encodeURIComponent(settlement.id)}` };
  }
  const checkpoint = await (await fetch(`${server.baseUrl}/v1/log/checkpoint`)).text();
  const index = Number(checkpoint.split("\n")[1]) - 1;
  return { settlement: null, index, hash: `#/log/${index}` };
}

/** Loads `url` as a fresh document (a hash-only change would keep the old page's state). */
async function open(url, ready) {
  await page.goto(url);
  await page.reload();
  await page.waitForSelector(`#main[data-ready="${ready}"]`, { timeout: WAIT_MS });
}

async function verificationOutcome() {
  const status = page.locator("#verification-status:not([data-status=checking])");
  await status.waitFor({ timeout: WAIT_MS });
  return { status: await status.getAttribute("data-status"), text: await status.innerText() };
}

async function failedChecks() {
  return page.locator(".check.failed").evaluateAll((items) => items.map((item) => item.dataset.check));
}

before(async () => {
  const demo = demoAvailable(binaryPath());
  server = await startServer({ demo });
  if (!demo) await seed(server.baseUrl, server.adminToken);
  target = await chooseTarget();
  const port = new URL(server.baseUrl).port;
  const allowed = new Set([server.baseUrl, `http://${INSECURE_HOST}:${port}`]);
  userDataDir = mkdtempSync(join(tmpdir(), "basin-ledger-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
    ],
    viewport: { width: 1280, height: 900 },
    locale: "en-US",
  });
  // The network is cut off: only the server answers.
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (allowed.has(url.origin)) return route.continue();
    blocked.push(url.href);
    return route.abort("blockedbyclient");
  });
  page = context.pages()[0] || (await context.newPage());
  page.on("request", (request) => requests.push(request.url()));
  page.on("pageerror", (error) => pageErrors.push(error.message));
  mkdirSync(screenshots, { recursive: true });
});

after(async () => {
  if (context) await context.close();
  if (server) await server.stop();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

test("the root leads to the dashboard, which asks for a token and keeps it in sessionStorage only", async () => {
  await page.goto(`${server.baseUrl}/`);
  assert.equal(new URL(page.url()).pathname, "/ui");
  await page.locator("#token-needed").waitFor({ timeout: WAIT_MS });
  await page.fill("#token", server.auditorToken);
  await page.click("#token-save");
  await page.waitForSelector('#main[data-ready="overview"]', { timeout: WAIT_MS });
  const storage = await page.evaluate(() => ({ session: sessionStorage.getItem("basin-ledger.token"), local: JSON.stringify(localStorage) }));
  assert.equal(storage.session, server.auditorToken);
  assert.ok(!storage.local.includes(server.auditorToken), "the token reached localStorage");
});

test("the overview draws every basin as a river diagram with a coloured node per section", async () => {
  await open(`${server.baseUrl}/ui#/`, "overview");
  const sections = (await api("/v1/sections?limit=1000")).body.items;
  const basins = new Set(sections.map((section) => section.basin));
  assert.equal(await page.locator("svg.river-diagram").count(), basins.size);
  const nodes = page.locator("svg.river-diagram a.section-node");
  assert.equal(await nodes.count(), sections.length);
  const classes = await nodes.evaluateAll((items) => items.map((item) => item.dataset.class));
  assert.ok(classes.some((name) => ["I", "II", "III", "IV", "V", "劣V"].includes(name)), `classes: ${classes}`);
  assert.ok(await page.locator("svg.river-diagram .target-ring").count() >= sections.length);
  if (target.settlement) {
    // Balances per pair, and the CSV statement downloaded through the page with the token.
    assert.ok((await page.locator("#balances table.balances tr.pair").count()) > 0);
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: WAIT_MS }),
      page.click('button.statement-download[data-jurisdiction="BJ"]'),
    ]);
    const csv = readFileSync(await download.path(), "utf8");
    assert.ok(csv.startsWith("\ufeff行类型 line,"), csv.slice(0, 40));
    assert.match(csv, /\nsettlement,/);
  }
  await page.click("#language-toggle");
  await page.waitForSelector('#main[data-ready="overview"]', { timeout: WAIT_MS });
  assert.match(await page.locator("#basins h2").innerText(), /流域与断面/);
  await page.click("#language-toggle");
  await page.waitForSelector('#main[data-ready="overview"]', { timeout: WAIT_MS });
  assert.match(await page.locator("#basins h2").innerText(), /Basins and sections/);
  await page.screenshot({ path: join(screenshots, "overview.png"), fullPage: true });
});

test("a section's page charts the main parameters month by month against the class limits", async () => {
  await open(`${server.baseUrl}/ui#/`, "overview");
  // A section with data; its link opens the year of its latest month.
  const node = page.locator('a.section-node:not([data-class=""])').first();
  const year = (await node.locator(".node-month").textContent()).slice(0, 4);
  await node.click();
  await page.waitForSelector('#main[data-ready="section"]', { timeout: WAIT_MS });
  assert.match(await page.locator("#year").innerText(), new RegExp(year));
  assert.equal(await page.locator("#month-strip .month-cell").count(), 12);
  const chart = page.locator("svg.parameter-chart");
  assert.equal(await chart.count(), 1);
  for (const parameter of ["do", "codmn", "nh3n", "tp", "tn"]) {
    assert.ok(await chart.locator(`.series-point[data-parameter="${parameter}"]`).count() > 0, parameter);
  }
  assert.ok(await chart.locator(".limit-line").count() >= 5);
  // This screenshot shows the Chinese page; the others the English one.
  await page.click("#language-toggle");
  await page.waitForSelector('#main[data-ready="section"] svg.parameter-chart', { timeout: WAIT_MS });
  assert.match(await page.locator("#chart h2").innerText(), /类别限值/);
  await page.screenshot({ path: join(screenshots, "section.png"), fullPage: true });
  await page.click("#language-toggle");
  await page.waitForSelector('#main[data-ready="section"] svg.parameter-chart', { timeout: WAIT_MS });
});

test("a settlement (or, before settlements exist, a log entry) shows verified, in either language", async () => {
  await open(`${server.baseUrl}/ui${target.hash}`, target.settlement ? "settlement" : "entry");
  const outcome = await verificationOutcome();
  assert.equal(outcome.status, "verified", `${outcome.text}; failed: ${await failedChecks()}`);
  assert.match(outcome.text, /verified/);
  const passed = await page.locator(".check.ok").evaluateAll((items) => items.map((item) => item.dataset.check));
  for (const check of ["ledger_key", "checkpoint_signature", "leaf_hash", "leaf_content", "inclusion_proof"]) {
    assert.ok(passed.includes(check), check);
  }
  if (target.settlement) {
    for (const check of ["document_hash", "settlement_matches_log", "settlement_signature"]) assert.ok(passed.includes(check), check);
  }
  await page.click("#language-toggle");
  const chinese = await verificationOutcome();
  assert.equal(chinese.status, "verified");
  assert.match(chinese.text, /已验证/);
  // This browser now remembers the checkpoint, so the second run also proves consistency.
  assert.ok((await page.locator('.check.ok[data-check="consistency"]').count()) === 1);
  await page.click("#language-toggle");
  assert.equal((await verificationOutcome()).status, "verified");
  await page.screenshot({ path: join(screenshots, "verification.png"), fullPage: true });
});

/** Runs one SQL statement on the server's SQLite database (as a tampering operator would). */
function tamper(statement, ...parameters) {
  execFileSync("python3", [
    "-c",
    [
      "import sqlite3, sys",
      "connection = sqlite3.connect(sys.argv[1])",
      "changed = connection.execute(sys.argv[2], sys.argv[3:]).rowcount",
      "connection.commit()",
      "assert changed == 1, changed",
    ].join("\n"),
    server.databasePath,
    statement,
    ...parameters.map(String),
  ]);
}

test("a settlement's receipt downloads from its page as a c2sp.org/tlog-proof of its log entry", async (t) => {
  if (!target.settlement) return t.skip("the server has no settlement");
  await open(`${server.baseUrl}/ui${target.hash}`, "settlement");
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: WAIT_MS }), page.click("#download-receipt")]);
  assert.equal(download.suggestedFilename(), `settlement-${target.settlement.id}.tlog-proof`);
  const lines = readFileSync(await download.path(), "utf8").split("\n");
  assert.equal(lines[0], "c2sp.org/tlog-proof@v1");
  assert.match(lines[1], /^extra [A-Za-z0-9+/=]+$/);
  assert.equal(lines[2], `index ${target.index}`);
});

test("after a settlement row is altered in the database, its page says verification failed and names the check", async (t) => {
  if (!target.settlement) return t.skip("the server has no settlement");
  const id = target.settlement.id;
  tamper("UPDATE settlements SET amount_fen = amount_fen + 1 WHERE id = ?", id);
  try {
    await open(`${server.baseUrl}/ui${target.hash}`, "settlement");
    const outcome = await verificationOutcome();
    assert.equal(outcome.status, "failed", outcome.text);
    assert.match(outcome.text, /verification failed/);
    assert.deepEqual(await failedChecks(), ["stored_settlement"]);
    const check = await page.locator('.check.failed[data-check="stored_settlement"]').innerText();
    assert.match(check, /stored settlement record/);
    assert.match(check, new RegExp(`settlement ${id} failed its integrity check`));
    assert.match(await page.locator("#settlement-refused").innerText(), /integrity check/);
    await page.screenshot({ path: join(screenshots, "integrity-failure.png"), fullPage: true });
  } finally {
    tamper("UPDATE settlements SET amount_fen = amount_fen - 1 WHERE id = ?", id);
  }
  await open(`${server.baseUrl}/ui${target.hash}`, "settlement");
  assert.equal((await verificationOutcome()).status, "verified");
});

async function adminPost(path, body) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${server.adminToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

test("a settlement with an exceedance component verifies in the browser and its page explains every band and multiple", async (t) => {
  if (!server.adminToken) return t.skip("no admin token was printed");
  await adminPost("/v1/sections", { code: "exceed-test", name: "超标试验断面", basin: "chaobai", river: "潮河", water_body: "river", target_class: "II", upstream: "HE-CD", downstream: "BJ" });
  await adminPost("/v1/stations", { code: "exceed-test-auto", name: "超标试验自动站", section: "exceed-test" });
  const readings = ["2025-07-03T09:00:00+08:00", "2025-07-17T09:00:00+08:00"].map((sampled_at) => ({ section: "exceed-test", sampled_at, values: { nh3n: "0.80", tp: "0.150" } }));
  await adminPost("/v1/readings", { batch_id: "exceed-2025-07", station: "exceed-test-auto", readings });
  const component = {
    kind: "exceedance", section: "exceed-test", parameters: ["nh3n", "tp"],
    bands: [{ max_multiple: "0.5", charge_fen: 10_000_000 }, { max_multiple: "1.0", charge_fen: 50_000_000 }, { max_multiple: null, charge_fen: 100_000_000 }],
  };
  await adminPost("/v1/agreements", { code: "exceed-test", name: "超标倍数试验协议", basin: "chaobai", upstream: "HE-CD", downstream: "BJ", period: "month", effective_from: "2025-01", components: [component] });
  // Class II: NH3-N 0.80 is 0.6× over 0.5 (50万), TP 0.150 is 0.5× over 0.1 (10万); upstream pays.
  const settlement = await adminPost("/v1/agreements/exceed-test/settlements", { period: "2025-07" });
  assert.equal(settlement.components[0].kind, "exceedance");
  assert.equal(settlement.amount_fen, 60_000_000);
  assert.equal(settlement.payer, "HE-CD");

  await open(`${server.baseUrl}/ui#/settlements/${settlement.id}`, "settlement");
  const outcome = await verificationOutcome();
  assert.equal(outcome.status, "verified", `${outcome.text}; failed: ${await failedChecks()}`);
  const block = page.locator('.component-explanation[data-kind="exceedance"]');
  assert.equal(await block.count(), 1);
  const text = await block.innerText();
  for (const expected of ["nh3n, tp", "0.5", "1.0", "100,000.00", "500,000.00", "600,000.00"]) {
    assert.ok(text.includes(expected), `${expected} in ${text}`);
  }
  assert.ok((await block.locator('table[data-field="bands"] tbody tr').count()) === 3);
  await page.screenshot({ path: join(screenshots, "settlement-explanation.png"), fullPage: true });
});

test("a section's page opens on the latest year with data, not on an empty current year", async () => {
  const now = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
  let latest = null;
  for (let year = now; year > now - 10 && latest === null; year -= 1) {
    const assessment = await api(`/v1/sections/gubeikou/assessment?period=${year}`);
    if (assessment.body.months.some((month) => month.class)) latest = year;
  }
  assert.ok(latest !== null, "gubeikou has data in the last ten years");
  await open(`${server.baseUrl}/ui#/sections/gubeikou`, "section");
  assert.match(await page.locator("#year").innerText(), new RegExp(`${latest}`));
  const classes = await page.locator("#month-strip .month-cell .month-class").allInnerTexts();
  assert.ok(classes.some((text) => text !== "–"), classes.join(" "));
});

test("the page opens in Chinese when the browser prefers Chinese", async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const chinese = await browser.newContext({ locale: "zh-CN" });
    await chinese.route("**/*", (route) => (new URL(route.request().url()).origin === server.baseUrl ? route.continue() : route.abort("blockedbyclient")));
    const tab = await chinese.newPage();
    await tab.goto(`${server.baseUrl}/ui`);
    await tab.locator("#token-needed").waitFor({ timeout: WAIT_MS });
    assert.match(await tab.locator("h1").innerText(), /京冀水质生态补偿账本/);
    assert.match(await tab.locator("#token-needed").innerText(), /请先输入访问令牌/);
    assert.equal(await tab.evaluate(() => document.documentElement.lang), "zh-CN");
  } finally {
    await browser.close();
  }
});

test("with witness keys pinned, a checkpoint without their cosignatures fails and the page says how many cosigned", async () => {
  // A witness key of our own: this ledger has no witness policy, so nobody cosigned for it.
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const name = "witness.hebei.example";
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", Buffer.concat([Buffer.from(name), Buffer.from([0x0a, 0x04]), publicKey])));
  const vkey = `${name}+${Buffer.from(digest.subarray(0, 4)).toString("hex")}+${Buffer.concat([Buffer.from([0x04]), publicKey]).toString("base64")}`;
  await open(`${server.baseUrl}/ui${target.hash}`, target.settlement ? "settlement" : "entry");
  assert.equal((await verificationOutcome()).status, "verified");
  await page.locator(".witness-editor summary").click();
  await page.fill("#witness-keys", vkey);
  await page.fill("#witness-quorum", "1");
  await page.click("#witness-save");
  const outcome = await verificationOutcome();
  assert.equal(outcome.status, "failed", outcome.text);
  assert.deepEqual(await failedChecks(), ["witness_cosignatures"]);
  assert.match(await page.locator('.check.failed[data-check="witness_cosignatures"]').innerText(), /0 of the 1 witness cosignatures required/);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("basin-ledger.witnesses")));
  assert.deepEqual(stored, { vkeys: [vkey], quorum: 1 });
  // Unpinned again, the same checkpoint verifies.
  await page.fill("#witness-keys", "");
  await page.click("#witness-save");
  assert.equal((await verificationOutcome()).status, "verified");
  assert.equal(await page.evaluate(() => localStorage.getItem("basin-ledger.witnesses")), null);
});

test("a checkpoint the ledger re-signed for another history fails against the one this browser remembered: a split view", async () => {
  await open(`${server.baseUrl}/ui${target.hash}`, target.settlement ? "settlement" : "entry");
  assert.equal((await verificationOutcome()).status, "verified");
  const remembered = await page.evaluate(() => localStorage.getItem("basin-ledger.checkpoint"));
  const seen = JSON.parse(remembered);
  // The operator holds the ledger key: it signs a checkpoint of another tree one entry larger.
  const keyText = readFileSync(join(dirname(server.databasePath), "ledger.key"), "utf8").trim();
  const fields = keyText.split("+");
  const [name, keyId] = [fields[2], fields[3]];
  const seed = Buffer.from(fields.slice(4).join("+"), "base64").subarray(1);
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
  const size = BigInt(seen.size) + 1n;
  const text = `${name}\n${size}\n${randomBytes(32).toString("base64")}\n`;
  const signature = sign(null, Buffer.from(text), privateKey);
  const forged = `${text}\n— ${name} ${Buffer.concat([Buffer.from(keyId, "hex"), signature]).toString("base64")}\n`;
  const hashes = () => Array.from({ length: 6 }, () => randomBytes(32).toString("hex"));
  await page.route("**/v1/log/checkpoint", (route) => route.fulfill({ status: 200, contentType: "text/plain", body: forged }));
  await page.route("**/v1/log/proofs/inclusion?*", (route) => {
    const index = Number(new URL(route.request().url()).searchParams.get("index"));
    route.fulfill({ json: { index, tree_size: Number(size), leaf_hash: "00".repeat(32), hashes: hashes(), checkpoint: forged } });
  });
  await page.route("**/v1/log/proofs/consistency?*", (route) => route.fulfill({ json: { first: Number(seen.size), second: Number(size), hashes: hashes() } }));
  try {
    await page.reload();
    await page.waitForSelector("#main[data-ready]", { timeout: WAIT_MS });
    const outcome = await verificationOutcome();
    assert.equal(outcome.status, "failed", outcome.text);
    const failed = await failedChecks();
    assert.ok(failed.includes("consistency"), `failed: ${failed}`);
    assert.ok(!failed.includes("checkpoint_signature"), "the forged checkpoint carries a valid ledger signature");
    // What this browser saw stays what it remembers.
    assert.equal(await page.evaluate(() => localStorage.getItem("basin-ledger.checkpoint")), remembered);
  } finally {
    await page.unroute("**/v1/log/checkpoint");
    await page.unroute("**/v1/log/proofs/inclusion?*");
    await page.unroute("**/v1/log/proofs/consistency?*");
  }
});

test("an entry altered on its way to the browser fails the browser's own inclusion check", async () => {
  const entryPath = `/v1/log/entries/${target.index}`;
  await page.route(`**${entryPath}`, async (route) => {
    const response = await route.fetch();
    const entry = await response.json();
    // Change one character and make the served fields agree, as a lying server would.
    const at = entry.leaf.indexOf('"time":"') + 8;
    entry.leaf = `${entry.leaf.slice(0, at)}3${entry.leaf.slice(at + 1)}`;
    entry.time = `3${entry.time.slice(1)}`;
    const digest = await crypto.subtle.digest("SHA-256", new Uint8Array([0, ...new TextEncoder().encode(entry.leaf)]));
    entry.leaf_hash = Buffer.from(digest).toString("hex");
    await route.fulfill({ response, json: entry });
  });
  try {
    await open(`${server.baseUrl}/ui#/log/${target.index}`, "entry");
    const outcome = await verificationOutcome();
    assert.equal(outcome.status, "failed");
    assert.match(outcome.text, /verification failed/);
    assert.deepEqual(await failedChecks(), ["inclusion_proof"]);
  } finally {
    await page.unroute(`**${entryPath}`);
  }
});

test("outside a secure context the page says it cannot verify instead of claiming a result", async () => {
  const port = new URL(server.baseUrl).port;
  await page.goto(`http://${INSECURE_HOST}:${port}/ui`);
  await page.locator("#token-needed").waitFor({ timeout: WAIT_MS });
  await page.fill("#token", server.auditorToken);
  await page.click("#token-save");
  await page.goto(`http://${INSECURE_HOST}:${port}/ui#/log/${target.index}`);
  const outcome = await verificationOutcome();
  assert.equal(outcome.status, "unavailable");
  assert.match(await page.locator(".verification .insecure").innerText(), /not in a secure context/);
  assert.equal(await page.locator(".check").count(), 0);
});

test("after the ledger key is rotated, an old settlement still verifies with the retired key that /v1/keys lists", async () => {
  const before = (await api("/v1/keys")).body;
  await server.restartAfter(["key", "rotate", "--overlap-seconds", "600"]);
  const keys = (await api("/v1/keys")).body;
  assert.notEqual(keys.log.key_id, before.log.key_id);
  assert.deepEqual(keys.retired.map((key) => key.key_id), [before.log.key_id]);
  await open(`${server.baseUrl}/ui${target.hash}`, target.settlement ? "settlement" : "entry");
  const outcome = await verificationOutcome();
  assert.equal(outcome.status, "verified", `${outcome.text}; failed: ${await failedChecks()}`);
  if (target.settlement) {
    const signature = await page.locator('.check.ok[data-check="settlement_signature"]').innerText();
    assert.match(signature, new RegExp(before.log.key_id));
  }
});

test("after one byte of the stored log entry changes, reloading shows verification failed", async () => {
  execFileSync("python3", [
    "-c",
    [
      "import sqlite3, sys",
      "connection = sqlite3.connect(sys.argv[1])",
      "index = int(sys.argv[2])",
      "(leaf,) = connection.execute('SELECT leaf FROM log_entries WHERE entry_index = ?', (index,)).fetchone()",
      "at = leaf.index('\"time\":\"') + 8",
      "leaf = leaf[:at] + ('3' if leaf[at] != '3' else '4') + leaf[at + 1:]",
      "connection.execute('UPDATE log_entries SET leaf = ? WHERE entry_index = ?', (leaf, index))",
      "connection.commit()",
    ].join("\n"),
    server.databasePath,
    String(target.index),
  ]);
  await open(`${server.baseUrl}/ui${target.hash}`, target.settlement ? "settlement" : "entry");
  await page.reload();
  await page.waitForSelector(`#main[data-ready]`, { timeout: WAIT_MS });
  const outcome = await verificationOutcome();
  assert.equal(outcome.status, "failed", outcome.text);
  assert.match(outcome.text, /verification failed/);
  await page.click("#language-toggle");
  assert.match((await verificationOutcome()).text, /验证失败/);
  await page.click("#language-toggle");
});

test("the pages worked with every other host blocked and asked for nothing elsewhere", () => {
  assert.deepEqual(blocked, []);
  const port = new URL(server.baseUrl).port;
  const foreign = requests.filter((url) => !url.startsWith(`${server.baseUrl}/`) && !url.startsWith(`http://${INSECURE_HOST}:${port}/`) && !url.startsWith("data:"));
  assert.deepEqual(foreign, []);
  assert.ok(requests.length > 20, `${requests.length} requests`);
  assert.deepEqual(pageErrors, []);
});
