// Loaded on every page for signed-in users: registers the service worker, keeps the outbox badge current,
// sends queued visits (at start, when back online, when the app comes to the front), and at sign-out
// empties the outbox and the caches so nothing of this user stays on a shared phone; gives date boxes a calendar.

import { initDateInputs } from "./date-input.js";
import { FLUSHED_EVENT, initFollowUps } from "./follow-ups.js";
import * as outbox from "./outbox.js";
import { photoRefusals } from "./outbox-view.js";
import { initVisitForm } from "./visit-form.js";

const RETRY_FIRST_MS = 5_000; // online but the server did not answer: try again, less and less often
const RETRY_MAX_MS = 5 * 60_000;
const LAST_USER_KEY = "magnet-last-user";

let retryDelay = RETRY_FIRST_MS;
let retryTimer = null;

function registerServiceWorker() {
  // Service workers need a secure context: HTTPS, or http://localhost and 127.0.0.1.
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" })
    .catch((error) => console.warn("Magnet: the service worker was not registered", error));
  navigator.serviceWorker.ready.then((registration) => {
    const urls = [...document.querySelectorAll('link[rel="stylesheet"][href], script[src]')]
      .map((element) => element.href || element.src);
    registration.active?.postMessage({ type: "cache-shell", urls, refreshPages: anotherUserBefore() });
  });
}

function anotherUserBefore() {
  // The kept form lists the team's people: after someone else signed in on this phone it is fetched anew.
  const user = outbox.currentUser();
  if (!user) return false;
  try {
    const before = localStorage.getItem(LAST_USER_KEY);
    localStorage.setItem(LAST_USER_KEY, user);
    return before !== null && before !== user;
  } catch {
    return false; // storage refused (private mode): the network-first pages refresh themselves online
  }
}

async function showCount() {
  const badge = document.getElementById("outbox-badge");
  if (!badge) return;
  let waiting = 0;
  try {
    waiting = await outbox.count();
  } catch {
    waiting = 0; // no IndexedDB here: nothing can be waiting
  }
  const count = badge.querySelector(".count");
  if (count) count.textContent = String(waiting);
  badge.hidden = waiting === 0;
}

function showFlushResult(result) {
  const badge = document.getElementById("outbox-badge");
  if (badge) {
    badge.dataset.title ??= badge.title;
    badge.classList.toggle("outbox-badge-expired", result.stopped === outbox.UNAUTHENTICATED);
    badge.title = result.stopped ? result.message || badge.dataset.title : badge.dataset.title;
  }
  clearTimeout(retryTimer);
  const transient = result.stopped === outbox.OFFLINE || result.stopped === outbox.SERVER_BUSY;
  if (!transient) {
    retryDelay = RETRY_FIRST_MS;
  } else if (navigator.onLine !== false) { // when offline, the online event brings the next try
    retryTimer = setTimeout(sendQueued, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }
}

function showPhotoRefusals(result) {
  // The visit left the outbox, saved; a photo the server refused is said here, wherever the phone is.
  const onForm = document.getElementById("visit-form")?.dataset.sending; // the form says its own visit's
  const lines = result.sent.filter((sent) => sent.uuid !== onForm).flatMap(photoRefusals);
  const main = document.querySelector("main");
  if (!lines.length || !main) return;
  let notice = document.getElementById("outbox-notice");
  if (!notice) {
    notice = document.createElement("div");
    notice.id = "outbox-notice";
    notice.className = "flash flash-error";
    notice.setAttribute("role", "alert");
    main.prepend(notice);
  }
  for (const line of lines) {
    const paragraph = document.createElement("p");
    paragraph.textContent = line;
    notice.append(paragraph);
  }
}

/** Send what waits in the outbox; return the flush's result, or null if this browser has no outbox. */
export async function sendQueued() {
  try {
    const result = await outbox.flush();
    showFlushResult(result);
    showPhotoRefusals(result);
    globalThis.dispatchEvent(new CustomEvent(FLUSHED_EVENT, { detail: result }));
    return result;
  } catch (error) {
    console.warn("Magnet: the outbox could not be sent", error);
    return null;
  }
}

async function forgetThisDevice() {
  try {
    await outbox.clear();
  } catch {
    // no IndexedDB: nothing was kept
  }
  if ("caches" in window) {
    for (const name of await caches.keys()) await caches.delete(name);
  }
}

function guardSignOut(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let waiting = 0;
    try {
      waiting = await outbox.count();
    } catch {
      waiting = 0;
    }
    if (waiting > 0 && !window.confirm(form.dataset.unsentWarning)) return;
    try {
      await forgetThisDevice();
    } finally {
      form.submit(); // does not fire "submit" again
    }
  });
}

// The offline shell is the visit form: kept only for those who log visits, since anyone else's fetch of it is
// refused, and each refusal is an entry in the audit trail.
if (document.querySelector("[data-logs-visits]")) registerServiceWorker();
outbox.onChange(showCount);
showCount();
document.querySelectorAll(".logout-form").forEach(guardSignOut);
initDateInputs();
const visitForm = document.getElementById("visit-form");
if (visitForm) initVisitForm(visitForm, { sendQueued });
const dueVisits = document.getElementById("due-visits");
if (dueVisits) initFollowUps(dueVisits, { sendQueued });
window.addEventListener("online", sendQueued);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") sendQueued();
});
sendQueued();
