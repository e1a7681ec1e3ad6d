// 我的待办: 完成跟进 goes through the outbox as a visit does, so a tap on the cached page without a network is
// kept on the phone and sent when it is back online. Without this script, or without IndexedDB, the button
// posts the ordinary way.

import * as outbox from "./outbox.js";
import { t } from "./messages.js";

export const FLUSHED_EVENT = "magnet:flushed"; // app.js tells of each flush's result

function say(item, text) {
  let state = item.querySelector(".follow-up-state");
  if (!text) {
    state?.remove();
    return;
  }
  if (!state) {
    state = document.createElement("p");
    state.className = "follow-up-state";
    state.setAttribute("role", "status");
    item.append(state);
  }
  state.textContent = text;
}

async function showQueued(list) {
  let records;
  try {
    records = await outbox.all();
  } catch {
    return; // no IndexedDB: nothing can be queued
  }
  const queued = new Map(records.filter((record) => record.kind === outbox.FOLLOW_UP_DONE)
    .map((record) => [String(record.visitId), record]));
  for (const item of list.querySelectorAll("li[data-visit-id]")) {
    const record = queued.get(item.dataset.visitId);
    const button = item.querySelector('[type="submit"]');
    if (button) button.disabled = Boolean(record && !record.lastError); // refused: a tap tries again
    say(item, !record ? "" : record.lastError ? t("followUpRefused", { message: record.lastError })
      : t("followUpQueued"));
  }
}

function showDone(list, status, result) {
  const done = result.sent.filter((item) => item.kind === outbox.FOLLOW_UP_DONE);
  for (const sent of done) list.querySelector(`li[data-visit-id="${CSS.escape(String(sent.visitId))}"]`)?.remove();
  if (done.length && status) status.textContent = done.map((sent) => t("followUpDone", { enterprise: sent.enterpriseName }))
    .join(t("separator"));
  if (done.length && !list.querySelector("li[data-visit-id]")) {
    const empty = document.createElement("li");
    empty.textContent = list.dataset.empty ?? "";
    list.replaceChildren(empty);
  }
}

/** Make each 完成跟进 button of the list queue its visit's follow-up in the outbox and send it. */
export function initFollowUps(list, { sendQueued }) {
  const status = document.getElementById("follow-ups-status");
  list.addEventListener("submit", async (event) => {
    const item = event.target.closest("li[data-visit-id]");
    if (!item) return;
    event.preventDefault();
    const button = item.querySelector('[type="submit"]');
    if (button?.disabled) return; // a second tap while the first is kept
    if (button) button.disabled = true;
    try {
      await outbox.addFollowUpDone({ visitId: Number(item.dataset.visitId), enterpriseName: item.dataset.enterprise });
    } catch {
      event.target.submit(); // this browser cannot keep it: post it now
      return;
    }
    await sendQueued(); // what became of it arrives as the flush's result
  });
  globalThis.addEventListener(FLUSHED_EVENT, (event) => showDone(list, status, event.detail));
  outbox.onChange(() => showQueued(list));
  showQueued(list);
}
