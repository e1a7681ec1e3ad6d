// The outbox: visits saved on this device until the server has them.
// IndexedDB "magnet", store "outbox", keyed by the visit's uuid. A record:
//   {uuid, payload, photos: [Blob], queuedAt, attempts, lastError, label}
// payload is the JSON body of POST /api/v1/visits; label is for display only.
// Nothing leaves the outbox unless the server has the visit and its photos, or a person deletes it.

import { t } from "./messages.js";

const DB_NAME = "magnet";
const DB_VERSION = 1;
const STORE = "outbox";
const VISITS_API = "/api/v1/visits";
const LOCK_NAME = "magnet-outbox-flush";
const CHANNEL_NAME = "magnet-outbox";
const CHANGE_EVENT = "magnet:outbox";
const REQUEST_TIMEOUT_MS = 30_000;
const PHOTO_TIMEOUT_MS = 120_000; // a 10 MB photo on a slow mobile link

let opening = null;
const channel = "BroadcastChannel" in globalThis ? new BroadcastChannel(CHANNEL_NAME) : null;

function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (!("indexedDB" in globalThis)) {
        reject(new Error("IndexedDB is not available"));
        return;
      }
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "uuid" });
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => { // another tab upgrades or deletes the database: let it
          db.close();
          opening = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("IndexedDB is blocked by another tab"));
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

async function withStore(mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    let result;
    Promise.resolve(work(transaction.objectStore(STORE))).then((value) => { result = value; }, reject);
    transaction.oncomplete = () => resolve(result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error || new Error("transaction aborted"));
  });
}

function asPromise(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function notify() {
  globalThis.dispatchEvent?.(new Event(CHANGE_EVENT));
  channel?.postMessage("change");
}

/** Call listener whenever the outbox changes, in this tab or another. */
export function onChange(listener) {
  globalThis.addEventListener?.(CHANGE_EVENT, listener);
  if ("BroadcastChannel" in globalThis) new BroadcastChannel(CHANNEL_NAME).onmessage = listener;
}

/** Queue a visit; the record is on disk when the promise resolves. */
export async function add({ uuid, payload, photos = [], label = null }) {
  const record = { uuid, payload, photos, label, queuedAt: new Date().toISOString(), attempts: 0, lastError: null };
  await withStore("readwrite", (store) => { store.put(record); });
  notify();
  return record;
}

/** Return every queued visit, oldest first. */
export async function all() {
  const records = await withStore("readonly", (store) => asPromise(store.getAll()));
  return records.sort((a, b) => (a.queuedAt < b.queuedAt ? -1 : a.queuedAt > b.queuedAt ? 1 : 0));
}

/** Return one queued visit, or undefined. */
export async function get(uuid) {
  return withStore("readonly", (store) => asPromise(store.get(uuid)));
}

/** Return how many visits are queued. */
export async function count() {
  return withStore("readonly", (store) => asPromise(store.count()));
}

/** Take a visit out of the queue. */
export async function remove(uuid) {
  await withStore("readwrite", (store) => { store.delete(uuid); });
  notify();
}

/** Note why the server refused a visit, so the person can see it. */
export async function setError(uuid, message) {
  await update(uuid, (record) => { record.lastError = message; });
}

/** Empty the queue (at sign-out). */
export async function clear() {
  await withStore("readwrite", (store) => { store.clear(); });
  notify();
}

async function update(uuid, change) {
  const changed = await withStore("readwrite", async (store) => {
    const record = await asPromise(store.get(uuid));
    if (!record) return false;
    change(record);
    store.put(record);
    return true;
  });
  if (changed) notify();
  return changed;
}

// Why a flush stopped early; everything not sent stays queued.
export const OFFLINE = "offline";
export const UNAUTHENTICATED = "unauthenticated";
export const SERVER_BUSY = "server";

const STOP_MESSAGES = { [OFFLINE]: null, [UNAUTHENTICATED]: "expired", [SERVER_BUSY]: "serverBusy" };

class Stop extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

class Refused extends Error {}

function transient(status) {
  return status === 408 || status === 429 || status >= 500;
}

async function request(url, options, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    // A redirect means the session ended (the sign-in page); it is never followed.
    return await fetch(url, { ...options, credentials: "same-origin", redirect: "manual", signal: controller.signal });
  } catch {
    throw new Stop(OFFLINE);
  } finally {
    clearTimeout(timer);
  }
}

async function reason(response) {
  try {
    const body = await response.json();
    if (body && typeof body.message === "string" && body.message) return body.message;
  } catch {
    // not JSON: fall through to the status
  }
  return t("refusedStatus", { status: response.status });
}

async function check(response) {
  if (response.type === "opaqueredirect" || response.status === 401) throw new Stop(UNAUTHENTICATED);
  if (transient(response.status)) throw new Stop(SERVER_BUSY);
  if (response.status >= 400) throw new Refused(await reason(response));
  return response;
}

async function postVisit(record) {
  const response = await check(await request(VISITS_API, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(record.payload),
  }, REQUEST_TIMEOUT_MS));
  try {
    return await response.json();
  } catch {
    return {};
  }
}

async function postPhotos(record) {
  while (record.photos.length) {
    const photo = record.photos[0];
    const form = new FormData();
    form.append("photo", photo, photo.name || (photo.type === "image/png" ? "photo.png" : "photo.jpg"));
    const response = await request(`${VISITS_API}/${encodeURIComponent(record.uuid)}/photos`, {
      method: "POST",
      headers: { "X-Requested-With": "magnet", Accept: "application/json" },
      body: form,
    }, PHOTO_TIMEOUT_MS);
    try {
      await check(response);
    } catch (error) {
      if (error instanceof Refused) throw new Refused(t("photoRefused", { message: error.message }));
      throw error;
    }
    record.photos = record.photos.slice(1);
    await update(record.uuid, (stored) => { stored.photos = record.photos; }); // a retry sends only the rest
  }
}

async function sendOne(record, result) {
  await update(record.uuid, (stored) => { stored.attempts = (stored.attempts || 0) + 1; });
  try {
    const body = await postVisit(record);
    await postPhotos(record);
    await remove(record.uuid);
    result.sent.push({ uuid: record.uuid, visit: body.visit ?? null, created: body.created ?? null,
                       warnings: Array.isArray(body.warnings) ? body.warnings : [] });
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    await setError(record.uuid, error.message);
    result.refused.push({ uuid: record.uuid, message: error.message });
  }
}

async function flushQueued(result) {
  for (const record of await all()) {
    try {
      await sendOne(record, result);
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
      result.stopped = error.reason;
      const key = STOP_MESSAGES[error.reason];
      result.message = key ? t(key) : null;
      return;
    }
  }
}

function acrossTabs(work) {
  // Two tabs must not send the same visit at once; the uuid makes it harmless, the lock makes it rare.
  if (globalThis.navigator?.locks?.request) return navigator.locks.request(LOCK_NAME, work);
  return work();
}

let running = null;
let again = false;

/**
 * Send every queued visit, oldest first; resolve to
 * {sent: [{uuid, visit, created, warnings}], refused: [{uuid, message}], stopped, message, remaining}.
 * A flush asked for while one runs makes the running one go round once more instead of starting twice.
 */
export function flush() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    const result = { sent: [], refused: [], stopped: null, message: null, remaining: 0 };
    try {
      do {
        again = false;
        result.refused = [];
        await acrossTabs(() => flushQueued(result));
      } while (again && !result.stopped);
      result.remaining = await count();
      return result;
    } finally {
      running = null;
    }
  })();
  return running;
}
