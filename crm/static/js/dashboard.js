// The dashboard: copies the brief, and draws the charts with the vendored ECharts (loaded before this module
// as a classic script) from the dashboard's JSON endpoints, with the options chart-options.js builds.
import { KEYS, NARROW, OPTIONS, isEmpty } from "./chart-options.js";

// The size a chart is drawn at for paper: its SVG is then scaled to the box's width (dashboard.css), so the shape
// holds on any sheet; wide enough for the ring's labels (a ring narrower than NARROW names its slices in a key).
const PRINT_SIZE = { width: 560, height: 330 };
const charts = new Map(); // container → ECharts instance

// --- the brief's copy button ---------------------------------------------------------------------------

function copyWithSelection(text) {
  const buffer = document.createElement("textarea");
  buffer.className = "copy-buffer";
  buffer.value = text;
  buffer.setAttribute("readonly", "");
  const focused = document.activeElement;
  document.body.append(buffer);
  buffer.focus({ preventScroll: true });
  buffer.select();
  let done = false;
  try {
    done = document.execCommand("copy");
  } catch {
    done = false;
  }
  buffer.remove();
  focused?.focus?.({ preventScroll: true });
  return done;
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // refused (no permission, page not focused): try the older way
    }
  }
  return copyWithSelection(text);
}

function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

function initCopy() {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copy-status");
    button.addEventListener("click", async () => {
      const done = await copyText(source.textContent.trim());
      if (!done) selectText(source); // at least leave it selected for a long press or Ctrl+C
      if (status) {
        status.textContent = done ? button.dataset.copied : button.dataset.failed;
        status.classList.toggle("failed", !done);
      }
    });
  }
}

// --- loading and drawing -----------------------------------------------------------------------------------

// The page's CSP refuses inline styles, even in a document only parsed: what ECharts writes in a style attribute (a
// text's font) becomes the SVG attributes of the same names, and its style sheet (CSS animation, which paper has
// no use for) goes, in the markup, before it is parsed. Values come escaped.
function withoutInlineStyles(markup) {
  const attributes = (css) => css.split(";").map((rule) => rule.split(":"))
    .filter(([name, ...value]) => /^[a-z-]+$/.test(name.trim()) && value.length)
    .map(([name, ...value]) => ` ${name.trim()}="${value.join(":").trim()}"`).join("");
  return markup.replace(/<style[\s\S]*?<\/style>/g, "").replace(/ style="([^"]*)"/g, (_, css) => attributes(css));
}

// Paper's drawing of a chart: drawn at once (no animation, no tooltip) at PRINT_SIZE as an SVG whose text is text,
// into a box beside the screen's chart that only print shows. Printing then never catches a canvas sized to the
// window or halfway through an animation, whenever and however it is started.
function drawForPaper(container, option) {
  // A legend that scrolls shows one page of names on paper: leave it out there, where the labels name every slice.
  const legend = option.legend?.type === "scroll" ? { show: false } : option.legend;
  const paper = window.echarts.init(null, null, { renderer: "svg", ssr: true, ...PRINT_SIZE });
  paper.setOption({ textStyle: { fontFamily: "inherit" }, ...option, legend, tooltip: { show: false },
    animation: false });
  const markup = paper.renderToSVGString({ useViewBox: true });
  paper.dispose();
  const svg = new DOMParser().parseFromString(withoutInlineStyles(markup), "image/svg+xml").documentElement;
  let box = container.nextElementSibling;
  if (!box?.classList.contains("chart-print")) {
    box = document.createElement("div");
    box.className = "chart-print";
    box.setAttribute("aria-hidden", "true");
    container.after(box);
  }
  if (svg.localName === "svg") box.replaceChildren(document.importNode(svg, true));
  else box.replaceChildren(); // not parsed: paper shows the screen's chart rather than nothing
}

// A key beneath a chart too narrow to name its parts (a phone's ring): one line per part, its colour, name and
// figures, as text a person can read and a screen reader can reach; none where the chart names them itself.
function drawKey(container, lines) {
  let key = container.parentElement.querySelector(".chart-key");
  if (!lines) {
    key?.remove();
    return;
  }
  if (!key) {
    key = document.createElement("ul");
    key.className = "chart-key";
    container.after(key);
  }
  key.replaceChildren(...lines.map(({ color, name, figures }) => {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.backgroundColor = color; // through the CSSOM, which the CSP allows (a style attribute it refuses)
    const label = document.createElement("span");
    label.className = "key-name";
    label.textContent = name;
    const value = document.createElement("span");
    value.className = "key-figures";
    value.textContent = figures;
    item.append(swatch, label, value);
    return item;
  }));
}

function showMessage(container, text) {
  charts.get(container)?.dispose();
  charts.delete(container);
  if (container.nextElementSibling?.classList.contains("chart-print")) container.nextElementSibling.replaceChildren();
  const message = document.createElement("p");
  message.className = "chart-message";
  message.textContent = text;
  container.replaceChildren(message);
}

async function draw(container, team, section, labels) {
  const url = new URL(container.dataset.url, window.location.href);
  if (team) url.searchParams.set("team", team);
  let data;
  try {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    data = await response.json();
    if (!response.ok) throw new Error(data.message || response.statusText);
  } catch (error) {
    showMessage(container, `${section.dataset.failed}${error?.message ? `：${error.message}` : ""}`);
    return;
  }
  const name = container.dataset.chart;
  if (isEmpty(name, data)) {
    drawKey(container, null);
    showMessage(container, labels.empty);
    return;
  }
  let chart = charts.get(container);
  if (!chart) {
    container.replaceChildren();
    chart = window.echarts.init(container, null, { renderer: "canvas" });
    // "finished": drawn and done animating; the page (and its tests) can rely on what is shown.
    chart.on("finished", () => { container.dataset.drawn = "true"; });
    charts.set(container, chart);
  }
  container.dataset.drawn = "false";
  const width = container.clientWidth;
  const option = OPTIONS[name](data, labels, width);
  chart.setOption({ textStyle: { fontFamily: "inherit" }, ...option }, true);
  drawKey(container, width < NARROW ? KEYS[name]?.(data, labels) : null);
  drawForPaper(container, OPTIONS[name](data, labels, PRINT_SIZE.width));
}

function drawAll(section, team) {
  const labels = JSON.parse(section.dataset.labels);
  return Promise.all([...section.querySelectorAll(".chart[data-url]")]
    .map((container) => draw(container, team, section, labels)));
}

function resizeAll() {
  for (const chart of charts.values()) chart.resize();
}

function initCharts() {
  const section = document.querySelector("section.charts");
  if (!section) return;
  if (!window.echarts) {
    for (const container of section.querySelectorAll(".chart")) showMessage(container, section.dataset.failed);
    return;
  }
  const scope = document.getElementById("chart-scope");
  scope?.addEventListener("change", () => drawAll(section, scope.value));
  drawAll(section, scope?.value || "");
  let pending = null;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => resizeAll());
  });
}

initCopy();
initCharts();
