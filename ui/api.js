// Requests to this server's API, with the token the user typed. The token lives in this tab's
// sessionStorage only: it is gone when the tab closes and never reaches localStorage or a URL.

const TOKEN_KEY = "basin-ledger.token";
const PAGE_LIMIT = 1000;
const PAGES_MAX = 20;

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function storeToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A failed request: the HTTP status and the problem+json detail when there is one. */
export class RequestError extends Error {
  constructor(path, status, detail) {
    super(`GET ${path}: ${status}${detail ? ` — ${detail}` : ""}`);
    this.name = "RequestError";
    this.path = path;
    this.status = status;
  }
}

async function request(path) {
  const headers = { Accept: "application/json, text/plain" };
  const token = storedToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { headers, credentials: "omit", cache: "no-store" });
  if (!response.ok) {
    let detail = "";
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || "";
    } catch {
      detail = response.statusText;
    }
    throw new RequestError(path, response.status, detail);
  }
  return response;
}

export async function getJson(path) {
  return (await request(path)).json();
}

export async function getBlob(path) {
  return (await request(path)).blob();
}

export async function getText(path) {
  return (await request(path)).text();
}

/** Every item of a paginated list, following `next_cursor` (bounded). */
export async function listAll(path) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < PAGES_MAX; page += 1) {
    const separator = path.includes("?") ? "&" : "?";
    const query = `limit=${PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const body = await getJson(`${path}${separator}${query}`);
    items.push(...body.items);
    cursor = body.next_cursor;
    if (!cursor) break;
  }
  return items;
}

/** `null` instead of an error when the server has no such endpoint (a 404 at the route). */
export async function optionalJson(path) {
  try {
    return await getJson(path);
  } catch (error) {
    if (error instanceof RequestError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

export function encodePath(segment) {
  return encodeURIComponent(String(segment));
}
