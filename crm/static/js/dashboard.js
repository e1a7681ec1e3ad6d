// The dashboard: copies the brief, and draws the charts with the vendored ECharts (loaded before this module
// as a classic script) from the dashboard's JSON endpoints. Industry and team names are user text: every
// tooltip is built by a formatter that escapes it, never by ECharts' own HTML.

// The size a chart is drawn at for paper: its SVG is then scaled to the box's width (dashboard.css), so the shape
// holds on any sheet; wide enough for the ring's labels (industriesOption draws a phone's ring below 480 px).
const PRINT_SIZE = { width: 560, height: 330 };
const RED = "#c62828";
const PALETTE = [RED, "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#ad1457"];
const charts = new Map(); // container → ECharts instance

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function tooltipLines(title, lines, colon) {
  const body = lines.map(([label, value]) => escapeHtml(label) + escapeHtml(colon) + escapeHtml(value)).join("<br>");
  return `<strong>${escapeHtml(title)}</strong><br>${body}`;
}

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

// --- chart options ---------------------------------------------------------------------------------------

const yi = (row) => Number(row.investment_yi);

function monthlyOption(data, labels) {
  const rows = data.months;
  return {
    color: [RED, "#1565c0"],
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      formatter: (params) => {
        const row = rows[params[0].dataIndex];
        return tooltipLines(row.label,
          [[labels.signed, row.signed], [labels.investment, row.investment_text]], labels.colon);
      },
    },
    xAxis: { type: "category", data: rows.map((r) => r.label) },
    yAxis: [{ type: "value", name: labels.unit_count, minInterval: 1 }, { type: "value", name: labels.yi }],
    series: [
      { name: labels.signed, type: "bar", data: rows.map((r) => r.signed) },
      { name: labels.investment, type: "line", yAxisIndex: 1, data: rows.map(yi) },
    ],
  };
}

function funnelOption(data, labels) {
  // The pipeline as centred bars, in stage order: each stage counts the leads that ever reached it, so no bar
  // is wider than the one above; the tooltip says what share of the stage before went on to this one.
  const rows = data.stages;
  const widest = Math.max(1, ...rows.map((r) => r.count));
  return {
    color: PALETTE,
    grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params) => {
        const row = rows[params[0].dataIndex];
        const lines = [[labels.leads, row.count], [labels.investment, row.investment_text]];
        if (row.percent_of_previous != null) lines.push([labels.of_previous, `${row.percent_of_previous}%`]);
        return tooltipLines(row.label, lines, labels.colon);
      },
    },
    xAxis: { type: "value", max: widest, show: false },
    yAxis: { type: "category", inverse: true, data: rows.map((r) => r.label), axisTick: { show: false } },
    series: [
      { type: "bar", stack: "funnel", silent: true, itemStyle: { color: "transparent" },
        data: rows.map((r) => (widest - r.count) / 2) },
      { type: "bar", stack: "funnel", barCategoryGap: "20%",
        label: { show: true, position: "inside", formatter: (p) => `${rows[p.dataIndex].count}`,
          color: "#fff", fontWeight: 600 },
        data: rows.map((r, i) => ({ value: r.count, itemStyle: { color: PALETTE[i % PALETTE.length] } })) },
    ],
  };
}

function industriesOption(data, labels, width) {
  const rows = data.industries;
  const narrow = width < 480; // a phone: names in the legend and the tooltip, not around the ring
  return {
    color: PALETTE,
    tooltip: {
      trigger: "item",
      formatter: (p) => {
        const row = rows[p.dataIndex];
        return tooltipLines(row.industry,
          [[labels.signed, row.signed], [labels.investment, row.investment_text]], labels.colon);
      },
    },
    legend: { type: "scroll", bottom: 0 },
    series: [{
      type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
      label: { show: !narrow, formatter: (p) => `${rows[p.dataIndex].industry}` },
      data: rows.map((r) => ({ name: r.industry, value: yi(r) })),
    }],
  };
}

function teamsOption(data, labels) {
  const rows = [...data.teams].reverse(); // best at the top of a horizontal bar chart
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params) => {
        const row = rows[params[0].dataIndex];
        return tooltipLines(row.team_name, [[labels.rank, row.rank], [labels.score, row.score]], labels.colon);
      },
    },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: rows.map((r) => r.team_name), axisLabel: { width: 96, overflow: "truncate" } },
    series: [{
      type: "bar", barMaxWidth: 28,
      label: { show: true, position: "right", formatter: (p) => rows[p.dataIndex].score },
      data: rows.map((r) => ({ value: Number(r.score), itemStyle: { color: r.mine ? RED : "#1565c0" } })),
    }],
  };
}

function sizesOption(data, labels) {
  const rows = data.sizes;
  return {
    color: ["#1565c0"],
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params) => {
        const row = rows[params[0].dataIndex];
        return tooltipLines(row.band, [[labels.count, row.count]], labels.colon);
      },
    },
    xAxis: { type: "category", data: rows.map((r) => r.band), axisLabel: { interval: 0, hideOverlap: false } },
    yAxis: { type: "value", minInterval: 1, name: labels.unit_count },
    series: [{ type: "bar", barMaxWidth: 48, label: { show: true, position: "top" }, data: rows.map((r) => r.count) }],
  };
}

const OPTIONS = {
  monthly: monthlyOption, funnel: funnelOption, industries: industriesOption, teams: teamsOption, sizes: sizesOption,
};

function isEmpty(name, data) {
  const rows = { monthly: data.months, funnel: data.stages, industries: data.industries, teams: data.teams,
    sizes: data.sizes }[name];
  return !rows || rows.length === 0;
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
  const option = OPTIONS[name](data, labels, container.clientWidth);
  chart.setOption({ textStyle: { fontFamily: "inherit" }, ...option }, true);
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
