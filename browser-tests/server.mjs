// Starts the real basin-ledger binary on a free loopback port with a database of its own, and
// mints a read-only (auditor) token the way an operator would: `basin-ledger token create`.

import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repository = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const STARTUP_MS_MAX = 60_000;

/** The binary: $BASIN_LEDGER_BIN, else the debug build in $CARGO_TARGET_DIR or ./target. */
export function binaryPath() {
  if (process.env.BASIN_LEDGER_BIN) return process.env.BASIN_LEDGER_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(repository, "target");
  const path = join(target, "debug", "basin-ledger");
  if (!existsSync(path)) throw new Error(`no binary at ${path}: run cargo build first, or set BASIN_LEDGER_BIN`);
  return path;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Whether this build offers `serve --demo` (the settlements work adds it). */
export function demoAvailable(binary) {
  const help = execFileSync(binary, ["serve", "--help"], { encoding: "utf8" });
  return /--demo\b/.test(help);
}

async function waitHealthy(baseUrl, child) {
  const started = Date.now();
  while (Date.now() - started < STARTUP_MS_MAX) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 150));
  }
  throw new Error("the server did not become healthy in time");
}

/**
 * Runs `basin-ledger serve [--demo]` in a fresh directory. Resolves to {baseUrl, databasePath,
 * adminToken (the bootstrap token, when printed), auditorToken, stop()}.
 */
export async function startServer({ demo }) {
  const binary = binaryPath();
  const directory = mkdtempSync(join(tmpdir(), "basin-ledger-browser-"));
  const databasePath = join(directory, "ledger.db");
  const port = await freePort();
  const environment = {
    ...process.env,
    DATABASE_URL: `sqlite://${databasePath}`,
    BIND: `127.0.0.1:${port}`,
    LEDGER_KEY_FILE: join(directory, "ledger.key"),
    RUST_LOG: "warn",
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  let { child, stdout } = await spawnServer(binary, demo, directory, environment, baseUrl);
  const adminToken = (stdout().match(/blt_[A-Za-z0-9_-]+/) || [null])[0];
  const auditorToken = execFileSync(binary, ["token", "create", "--role", "auditor"], { cwd: directory, env: environment, encoding: "utf8" })
    .match(/blt_[A-Za-z0-9_-]+/)[0];
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.once("exit", () => done());
      child.kill("SIGTERM");
    });
  /** Stops the server, runs `basin-ledger <args>` on its database and key, and starts it again on the same port. */
  const restartAfter = async (args) => {
    await stop();
    const printed = execFileSync(binary, args, { cwd: directory, env: environment, encoding: "utf8" });
    ({ child } = await spawnServer(binary, demo, directory, environment, baseUrl));
    return printed;
  };
  return { baseUrl, databasePath, adminToken, auditorToken, stop, restartAfter };
}

async function spawnServer(binary, demo, directory, environment, baseUrl) {
  const child = spawn(binary, demo ? ["serve", "--demo"] : ["serve"], { cwd: directory, env: environment, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  // The tamper test makes the server log integrity errors on purpose: keep its log out of the
  // test report unless the server fails to start.
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  try {
    await waitHealthy(baseUrl, child);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${error.message}\n${stderr}`);
  }
  return { child, stdout: () => stdout };
}
