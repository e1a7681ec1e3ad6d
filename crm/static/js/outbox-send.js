// Sending one outbox record to the API, and reading its answer: a Stop (nothing more can be sent now) or a
// Refused (this record as it stands will never be taken). The outbox (outbox.js) decides what then happens.

import { t } from "./messages.js";

const VISITS_API = "/api/v1/visits";
const REQUEST_TIMEOUT_MS = 30_000;
const PHOTO_TIMEOUT_MS = 120_000; // a 10 MB photo on a slow mobile link

// Why a flush stopped early; everything not sent stays queued.
export const OFFLINE = "offline";
export const UNAUTHENTICATED = "unauthenticated";
export const SERVER_BUSY = "server";

export class Stop extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

export class Refused extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.fields = fields;
  }
}

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

async function refusal(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: the status says it
  }
  const fields = body?.fields && typeof body.fields === "object" ? body.fields : {};
  let message = typeof body?.message === "string" && body.message ? body.message
    : t("refusedStatus", { status: response.status });
  const details = Object.values(fields).filter((detail) => typeof detail === "string" && detail !== message);
  if (details.length) message += t("details", { details: details.join(t("separator")) }); // "提交的内容有误：kind（取值无效）"
  return new Refused(message, fields);
}

async function check(response) {
  if (response.type === "opaqueredirect" || response.status === 401) throw new Stop(UNAUTHENTICATED);
  if (transient(response.status)) throw new Stop(SERVER_BUSY);
  if (response.status >= 400) throw await refusal(response);
  return response;
}

async function postJson(url, body) {
  const response = await check(await request(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  }, REQUEST_TIMEOUT_MS));
  try {
    return await response.json();
  } catch {
    return {};
  }
}

/** Send a queued visit (not its photos); resolve to the server's answer. */
export function postVisit(record) {
  return postJson(VISITS_API, record.payload);
}

/** Mark a queued 完成跟进 done on the server; done already answers the same. */
export function postFollowUpDone(record) {
  return postJson(`${VISITS_API}/${encodeURIComponent(record.visitId)}/follow-up-done`, {});
}

/**
 * Send a saved visit's photos one by one; after each, `sent(rest, refused)` keeps what is left, so a retry
 * sends only that. A photo the server refuses (not a photo, too large) is left out: the visit is saved, and no retry
 * would change the answer. Resolve to the refused ones: [{name, message}].
 */
export async function postPhotos(record, sent) {
  const refused = [...(record.photoRefusals ?? [])]; // refused on an earlier try that stopped part way
  let photos = record.photos ?? [];
  while (photos.length) {
    const photo = photos[0];
    const name = photo.name || (photo.type === "image/png" ? "photo.png" : "photo.jpg");
    const form = new FormData();
    form.append("photo", photo, name);
    const response = await request(`${VISITS_API}/${encodeURIComponent(record.uuid)}/photos`, {
      method: "POST",
      headers: { "X-Requested-With": "magnet", Accept: "application/json" },
      body: form,
    }, PHOTO_TIMEOUT_MS);
    try {
      await check(response);
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      refused.push({ name, message: error.message });
    }
    photos = photos.slice(1);
    await sent(photos, refused);
  }
  return refused;
}
