// The phone form at /visits/new: enterprise type-ahead, then every visit goes into the outbox first and is
// sent from there, so a visit logged without a network is kept and sent later. Without this script the
// form posts the ordinary way.

import { isoDay } from "./date-input.js";
import * as outbox from "./outbox.js";
import { photoRefusals, showOutbox } from "./outbox-view.js";
import { t } from "./messages.js";

const SUGGEST_URL = "/api/v1/enterprises";
const SUGGEST_DELAY_MS = 250;
const CLOSE_DELAY_MS = 200; // lets a tap on a suggestion land before the list closes
const PHOTO_TYPES = new Set(["image/jpeg", "image/png"]);
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const KEPT_FOR_NEXT_VISIT = ["visited_on", "kind", "participant_ids", "trip_id", "team_id"]; // same day, same people

/** Return a random (version 4) UUID, also where crypto.randomUUID is missing (plain http, old browsers). */
export function newUuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function typeahead(form) {
  const input = form.elements.enterprise_name;
  const chosen = form.elements.enterprise_id;
  const list = document.getElementById("enterprise-suggestions");
  if (!input || !chosen || !list) return;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  list.hidden = true;
  let timer = null;
  let pending = null;
  let active = -1;

  const options = () => [...list.querySelectorAll('[role="option"]')];

  function close() {
    clearTimeout(timer);
    pending?.abort();
    list.replaceChildren();
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function choose(option) {
    input.value = option.dataset.name;
    chosen.value = option.dataset.id;
    input.removeAttribute("aria-invalid");
    close();
  }

  function highlight(index) {
    const items = options();
    active = (index + items.length) % items.length;
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  function show(items) {
    list.replaceChildren(...items.map((item, i) => {
      const option = element("li", "suggestion");
      option.id = `enterprise-option-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.id = String(item.id);
      option.dataset.name = item.name;
      option.append(element("span", "suggestion-name", item.name));
      const about = [item.city, item.industry].filter(Boolean).join(" · ");
      if (about) option.append(element("small", "suggestion-about", about));
      return option;
    }));
    active = -1;
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(items.length > 0));
  }

  async function lookUp(query) {
    pending?.abort();
    pending = new AbortController();
    try {
      const response = await fetch(`${SUGGEST_URL}?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "application/json" }, redirect: "manual", signal: pending.signal,
      });
      if (!response.ok) return;
      const body = await response.json();
      if (input.value.trim() === query && !chosen.value) show(Array.isArray(body.items) ? body.items : []);
    } catch {
      // offline or typed on: the typed name is sent, and the server finds or creates the enterprise
    }
  }

  input.addEventListener("input", () => {
    chosen.value = ""; // a typed name no longer is the enterprise picked before
    clearTimeout(timer);
    const query = input.value.trim();
    if (!query || navigator.onLine === false) {
      close();
      return;
    }
    timer = setTimeout(() => lookUp(query), SUGGEST_DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden || !options().length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault(); // choosing, not submitting
      choose(options()[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, CLOSE_DELAY_MS));
  list.addEventListener("pointerdown", (event) => event.preventDefault()); // keep the focus in the input
  list.addEventListener("click", (event) => {
    const option = event.target.closest('[role="option"]');
    if (option) choose(option);
  });
}

function text(data, name) {
  const value = String(data.get(name) ?? "").trim();
  return value === "" ? null : value;
}

function day(data, name) {
  const value = text(data, name);
  return value === null ? null : isoDay(value) ?? value; // 2026/12/2 typed is sent as 2026-12-02
}

function integer(value) {
  const number = Number.parseInt(String(value ?? ""), 10);
  return Number.isSafeInteger(number) && number > 0 ? number : null; // the selects say "none" with 0
}

/** Return the JSON body of POST /api/v1/visits for what the form holds. */
export function visitPayload(form, uuid) {
  const data = new FormData(form);
  const payload = {
    uuid,
    visited_on: day(data, "visited_on"),
    kind: text(data, "kind"),
    participant_ids: data.getAll("participant_ids").map(integer).filter((id) => id !== null),
    summary: text(data, "summary"),
    next_step: text(data, "next_step"),
    follow_up_on: day(data, "follow_up_on"),
    trip_id: integer(data.get("trip_id")),
    lead_id: integer(data.get("lead_id")),
  };
  const teamId = integer(data.get("team_id")); // the team a leader or the office chose; a member's own otherwise
  if (teamId !== null) payload.team_id = teamId;
  const enterpriseId = integer(data.get("enterprise_id"));
  if (enterpriseId !== null) payload.enterprise_id = enterpriseId; // the server goes by the id when there is one
  payload.enterprise_name = text(data, "enterprise_name");
  return payload;
}

function problems(form, photos) {
  const found = [];
  const name = form.elements.enterprise_name;
  if (name && !name.value.trim()) found.push({ field: name, message: t("enterpriseRequired") });
  const date = form.elements.visited_on;
  if (date && !date.value.trim()) found.push({ field: date, message: t("dateRequired") });
  else if (date && !isoDay(date.value)) found.push({ field: date, message: t("visitedOnInvalid") });
  const followUp = form.elements.follow_up_on;
  if (followUp?.value.trim() && !isoDay(followUp.value)) found.push({ field: followUp, message: t("followUpOnInvalid") });
  for (const photo of photos) { // the server checks the content too; this spares sending a refused file
    const field = form.elements.photos;
    if (photo.type && !PHOTO_TYPES.has(photo.type)) {
      found.push({ field, message: t("photoType", { name: photo.name }) });
    } else if (photo.size > PHOTO_MAX_BYTES) {
      found.push({ field, message: t("photoSize", { name: photo.name }) });
    }
  }
  return found;
}

function say(status, message, state) {
  if (!status) return;
  status.textContent = message;
  if (state) status.dataset.state = state;
  else delete status.dataset.state;
}

function markInvalid(form, names) {
  for (const name of names) {
    const field = form.elements[name];
    if (field instanceof Element) field.setAttribute("aria-invalid", "true");
  }
}

function clearInvalid(form) {
  form.querySelectorAll('[aria-invalid="true"]').forEach((field) => field.removeAttribute("aria-invalid"));
}

function readyForNextVisit(form) {
  const kept = KEPT_FOR_NEXT_VISIT.flatMap((name) => [...form.querySelectorAll(`[name="${name}"]`)])
    .map((field) => [field, field.value, field.checked]);
  form.reset();
  for (const [field, value, checked] of kept) {
    if (field.type === "checkbox" || field.type === "radio") field.checked = checked;
    else field.value = value;
  }
  // reset() leaves hidden inputs alone: their value is their default
  if (form.elements.enterprise_id) form.elements.enterprise_id.value = "";
  if (form.elements.uuid) form.elements.uuid.value = newUuid();
}

async function outcome(result, uuid) {
  const sent = result.sent.find((item) => item.uuid === uuid);
  if (sent?.photoRefusals?.length) return [photoRefusals(sent).join(t("separator")), "error"];
  if (sent && sent.warnings.length) return [t("savedWithWarnings", { warnings: sent.warnings.join(t("separator")) }), "saved"];
  if (sent || !(await outbox.get(uuid))) return [t("saved"), "saved"]; // or another tab sent it meanwhile
  if (result.stopped === outbox.UNAUTHENTICATED) return [t("expiredQueued", { count: result.remaining }), "queued"];
  return [t("savedOffline", { count: result.remaining }), "queued"];
}

async function save(form, status, { sendQueued }) {
  clearInvalid(form);
  const photos = [...(form.elements.photos?.files ?? [])];
  const found = problems(form, photos);
  if (found.length) {
    found.forEach(({ field }) => field?.setAttribute("aria-invalid", "true"));
    say(status, found.map(({ message }) => message).join(t("separator")), "error");
    found[0].field?.focus();
    return;
  }
  const uuid = newUuid();
  const payload = visitPayload(form, uuid);
  try {
    await outbox.add({ uuid, payload, photos }); // on the device before anything is sent
  } catch {
    say(status, t("noStorage"));
    if (form.elements.uuid) form.elements.uuid.value = uuid;
    form.submit();
    return;
  }
  say(status, t("saving"));
  form.dataset.sending = uuid; // this visit's outcome is said here, not in the page's notice
  const result = await sendQueued().finally(() => delete form.dataset.sending);
  if (!result) { // the outbox could not be read back; the visit itself is on the device
    readyForNextVisit(form);
    say(status, t("savedOffline", { count: await outbox.count().catch(() => 1) }), "queued");
    return;
  }
  const refused = result.refused.find((item) => item.uuid === uuid);
  if (refused) {
    // The person still has the form in front of them: they correct it and save again.
    await outbox.remove(uuid);
    markInvalid(form, Object.keys(refused.fields ?? {}));
    say(status, t("refused", { message: refused.message }), "error");
    return;
  }
  const [message, state] = await outcome(result, uuid);
  readyForNextVisit(form);
  say(status, message, state);
}

/** Make the visit form save through the outbox. */
export function initVisitForm(form, handlers) {
  if (form.dataset.outbox === "on") return;
  form.dataset.outbox = "on";
  const status = document.getElementById("visit-form-status");
  typeahead(form);
  let saving = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (saving) return; // a second tap while the first is being saved
    saving = true;
    const buttons = [...form.querySelectorAll('[type="submit"]')];
    buttons.forEach((button) => { button.disabled = true; button.setAttribute("aria-busy", "true"); });
    try {
      await save(form, status, handlers);
    } finally {
      saving = false;
      buttons.forEach((button) => { button.disabled = false; button.removeAttribute("aria-busy"); });
    }
  });
  form.addEventListener("input", (event) => event.target.removeAttribute?.("aria-invalid"));
  const section = document.getElementById("outbox");
  if (section) {
    outbox.onChange(() => showOutbox(section));
    showOutbox(section);
  }
}
