// What the outbox holds, as the visit form lists it, and what became of a sent visit's refused photos.

import * as outbox from "./outbox.js";
import { t } from "./messages.js";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Return a line for each photo of a sent visit that the server refused, naming the photo and the reason. */
export function photoRefusals(sent) {
  const enterprise = sent.visit?.enterprise_name ?? "";
  return (sent.photoRefusals ?? []).map(({ name, message }) => t("photoNotSent", { enterprise, name, message }));
}

function outboxItem(record) {
  const item = element("li", "outbox-item");
  item.dataset.uuid = record.uuid;
  const payload = record.payload ?? {};
  if (record.kind === outbox.FOLLOW_UP_DONE) {
    item.append(element("strong", "outbox-enterprise", t("followUpItem", { enterprise: record.enterpriseName })));
  } else {
    const name = payload.enterprise_name || (payload.enterprise_id ? `#${payload.enterprise_id}` : "");
    item.append(element("strong", "outbox-enterprise", name), " ",
      element("span", "outbox-date", payload.visited_on ?? ""));
  }
  if (record.photos?.length) {
    item.append(" ", element("span", "outbox-photos", t("photos", { count: record.photos.length })));
  }
  const waiting = outbox.queuedByOther(record) ? t("otherUser") : record.lastError;
  if (waiting) {
    item.append(element("p", "outbox-error error", waiting));
    const remove = element("button", "outbox-remove secondary outline", t("remove"));
    remove.type = "button";
    remove.addEventListener("click", async () => {
      if (window.confirm(t("removeConfirm"))) await outbox.remove(record.uuid);
    });
    item.append(remove);
  }
  return item;
}

/** Show every queued record in the section's list; hide the section when there is none. */
export async function showOutbox(section) {
  const list = section.querySelector(".outbox-items");
  if (!list) return;
  let records = [];
  try {
    records = await outbox.all();
  } catch {
    records = []; // no IndexedDB: the form posts directly
  }
  list.replaceChildren(...records.map(outboxItem));
  section.hidden = records.length === 0;
}
