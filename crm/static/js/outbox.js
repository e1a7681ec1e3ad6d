// The outbox: visits, and 完成跟进 taps, saved on this device until the server has them.
// IndexedDB "magnet", store "outbox", keyed by uuid. A visit's record, keyed by the visit's uuid:
//   {uuid, payload, photos: [Blob], photoRefusals: [{name, message}], queuedAt, attempts, lastError, userId}
// payload is the JSON body of POST /api/v1/visits; photos go one by one to /api/v1/visits/<uuid>/photos.
// A 完成跟进's record, keyed "follow-up-done:<visit id>" (a second tap is the same record):
//   {uuid, kind: "follow-up-done", visitId, enterpriseName, queuedAt, attempts, lastError, userId}
// userId is who queued it (the page's data-user-id), so it is never sent under another person's session.
// Nothing leaves the outbox unless the server has it (a visit: and has answered each photo), or a person deletes it.

import { t } from "./messages.js";
import { OFFLINE, postFollowUpDone, postPhotos, postVisit, Refused, SERVER_BUSY, Stop, UNAUTHENTICATED }
  from "./outbox-send.js";

const DB_NAME = "magnet";
const STORE = "outbox";
const LOCK_NAME = "magnet-outbox-flush";
const CHANNEL_NAME = "magnet-outbox";
const CHANGE_EVENT = "magnet:outbox";
export const FOLLOW_UP_DONE = "follow-up-done";

let opening = null;
// Tells other tabs of a change; a channel does not hear its own messages, so this tab's event is sent apart.
const channel = "BroadcastChannel" in globalThis ? new BroadcastChannel(CHANNEL_NAME) : null;
if (channel) channel.onmessage = () => globalThis.dispatchEvent(new Event(CHANGE_EVENT));

function connect(version) {
  return new Promise((resolve, reject) => {
    const request = version ? indexedDB.open(DB_NAME, version) : indexedDB.open(DB_NAME);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "uuid" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("IndexedDB is blocked by another tab"));
  });
}

async function connectWithStore() {
  if (!("indexedDB" in globalThis)) throw new Error("IndexedDB is not available");
  let db = await connect();
  if (!db.objectStoreNames.contains(STORE)) { // made by someone else without the store: add it
    const version = db.version + 1;
    db.close();
    db = await connect(version);
  }
  db.onversionchange = () => { // another tab upgrades or deletes the database: let it
    db.close();
    opening = null;
  };
  return db;
}

function openDb() {
  if (!opening) {
    opening = connectWithStore();
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
  globalThis.dispatchEvent(new Event(CHANGE_EVENT));
  channel?.postMessage("change");
}

/** Return the signed-in user's id as the page states it (data-user-id), or null where it does not. */
export function currentUser() {
  return globalThis.document?.querySelector("[data-user-id]")?.dataset.userId || null;
}

/** Whether a record was queued by someone other than the signed-in user (it waits for them). */
export function queuedByOther(record, user = currentUser()) {
  return Boolean(user && record.userId && record.userId !== user);
}

/** Call listener whenever the outbox changes, in this tab or another. */
export function onChange(listener) {
  globalThis.addEventListener(CHANGE_EVENT, listener);
}

/** Queue a visit; the record is on disk when the promise resolves. */
export async function add({ uuid, payload, photos = [] }) {
  const record = { uuid, payload, photos, queuedAt: new Date().toISOString(), attempts: 0, lastError: null,
                   userId: currentUser() };
  await withStore("readwrite", (store) => { store.put(record); });
  notify();
  return record;
}

/** Queue a 完成跟进 of a visit; the record is on disk when the promise resolves. */
export async function addFollowUpDone({ visitId, enterpriseName }) {
  const record = { uuid: followUpKey(visitId), kind: FOLLOW_UP_DONE, visitId, enterpriseName,
                   queuedAt: new Date().toISOString(), attempts: 0, lastError: null, userId: currentUser() };
  await withStore("readwrite", (store) => { store.put(record); });
  notify();
  return record;
}

/** Return the key of a visit's queued 完成跟进. */
export function followUpKey(visitId) {
  return `${FOLLOW_UP_DONE}:${visitId}`;
}

/** Return every queued record, oldest first. */
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

export { OFFLINE, SERVER_BUSY, UNAUTHENTICATED } from "./outbox-send.js";

const STOP_MESSAGES = { [OFFLINE]: null, [UNAUTHENTICATED]: "expired", [SERVER_BUSY]: "serverBusy" };

async function sendVisit(record) {
  const body = await postVisit(record);
  const photoRefusals = await postPhotos(record, (photos, refused) => update(record.uuid, (stored) => {
    stored.photos = photos;
    stored.photoRefusals = refused;
  }));
  return { visit: body.visit ?? null, created: body.created ?? null, photoRefusals,
           warnings: Array.isArray(body.warnings) ? body.warnings : [] };
}

async function sendFollowUpDone(record) {
  await postFollowUpDone(record);
  return { kind: FOLLOW_UP_DONE, visitId: record.visitId, enterpriseName: record.enterpriseName };
}

async function sendOne(record, result) {
  await update(record.uuid, (stored) => { stored.attempts = (stored.attempts || 0) + 1; });
  try {
    const sent = await (record.kind === FOLLOW_UP_DONE ? sendFollowUpDone(record) : sendVisit(record));
    await remove(record.uuid); // the visit is saved, even where a photo of it was refused: it leaves the outbox
    result.sent.push({ uuid: record.uuid, ...sent });
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    await setError(record.uuid, error.message);
    result.refused.push({ uuid: record.uuid, kind: record.kind ?? "visit", message: error.message,
                          fields: error.fields });
  }
}

async function flushQueued(result) {
  const user = currentUser();
  for (const record of await all()) {
    if (queuedByOther(record, user)) continue; // a shared phone: it goes when that person signs in again
    try {
      if (globalThis.navigator?.onLine === false) throw new Stop(OFFLINE); // certain to fail: spare the radio
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
 * Send every queued record, oldest first; resolve to {sent, refused: [{uuid, kind, message, fields}], stopped,
 * message, remaining}, sent holding visits as {uuid, visit, created, warnings, photoRefusals: [{name, message}]}
 * and 完成跟进 as {uuid, kind: "follow-up-done", visitId, enterpriseName}.
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
        result.refused = []; // each pass tries the refused ones again
        await acrossTabs(() => flushQueued(result));
        result.remaining = await count();
      } while (again && !result.stopped); // nothing awaits between this test and the lock's release
      return result;
    } finally {
      running = null;
    }
  })();
  return running;
}
