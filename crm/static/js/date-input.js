// Date boxes (input[data-day-input], written by crm/forms.py): a date is typed and shown as YYYY-MM-DD whatever
// the browser's language, which an <input type="date"> is not (it is drawn in the browser's own: 12/02/2026 in an
// American one). Beside each box this puts a calendar button that opens the browser's calendar, a hidden
// <input type="date"> whose value is YYYY-MM-DD in every language, and copies the day picked into the box.
// A date typed as 2026/12/2, 20261202 or 2026年12月2日 is written back as 2026-12-02 when the box is left.

import { t } from "./messages.js";

// As crm/domain/days.py's DAY (the one reading of typed dates): also 20261202, since a phone's digit pad has no hyphen.
const TYPED_DAY = /^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*[日号]?$|^([0-9]{4})([0-9]{2})([0-9]{2})$/;

const SVG = "http://www.w3.org/2000/svg";

const twoDigits = (number) => String(number).padStart(2, "0");

/** Return the day a typed date names as YYYY-MM-DD, or null when it names none. */
export function isoDay(text) {
  const found = TYPED_DAY.exec(String(text ?? "").slice(0, 40).normalize("NFKC").trim());
  if (!found) return null;
  const [year, month, day] = found.slice(1).filter((part) => part !== undefined).map(Number);
  const probe = new Date(0);
  probe.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads the years 0–99 as 1900–1999
  if (year < 1 || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, "0")}-${twoDigits(month)}-${twoDigits(day)}`;
}

function tidy(box) {
  const day = isoDay(box.value);
  if (day && day !== box.value) box.value = day;
}

function calendarIcon() { // drawn, not an emoji: not every phone has a font with 📅
  const icon = document.createElementNS(SVG, "svg");
  for (const [name, value] of Object.entries({ viewBox: "0 0 24 24", width: "20", height: "20", fill: "none",
    stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round", "aria-hidden": "true" })) {
    icon.setAttribute(name, value);
  }
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", "M5 5h14a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2zM3 10h18M8 3v4M16 3v4");
  icon.append(path);
  return icon;
}

function addCalendar(box) {
  if (box.dataset.calendar === "on") return;
  box.dataset.calendar = "on";
  const group = document.createElement("span");
  group.className = "day-input";
  group.setAttribute("role", "group");
  box.before(group);
  group.append(box);

  const button = document.createElement("button");
  button.type = "button";
  button.className = "day-button secondary outline";
  button.append(calendarIcon());
  button.title = t("pickDate");
  button.setAttribute("aria-label", t("pickDate"));
  button.disabled = box.disabled || box.readOnly;
  const calendar = document.createElement("input");
  calendar.type = "date"; // never sent: it has no name
  calendar.className = "day-calendar";
  calendar.tabIndex = -1;
  calendar.setAttribute("aria-hidden", "true");
  if (box.dataset.min) calendar.min = box.dataset.min;
  if (box.dataset.max) calendar.max = box.dataset.max;
  group.append(button, calendar);

  button.addEventListener("click", () => {
    calendar.value = isoDay(box.value) ?? "";
    try {
      calendar.showPicker();
    } catch {
      calendar.focus(); // no showPicker (Safari on iOS): a focused date input opens its wheel there
    }
  });
  calendar.addEventListener("change", () => {
    if (!calendar.value) return;
    box.value = calendar.value;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.dispatchEvent(new Event("change", { bubbles: true }));
  });
  box.addEventListener("change", () => tidy(box));
}

/** Give every date box under root its calendar button. */
export function initDateInputs(root = document) {
  root.querySelectorAll("input[data-day-input]").forEach(addCalendar);
}
