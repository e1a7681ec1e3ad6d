// 多维分析: offers only the rows that split the chosen measure, and draws the table's chart with the vendored
// ECharts (loaded before this module as a classic script) from the JSON the page carries in data-pivot.
import { PALETTE } from "./chart-options.js";

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function limitRows(form) {
  const applicable = JSON.parse(form.dataset.applicable);
  const measure = form.querySelector("select[name=measure]");
  const rows = form.querySelector("select[name=rows]");
  const update = () => {
    const allowed = applicable[measure.value] || [];
    for (const option of rows.options) option.disabled = !allowed.includes(option.value);
    if (rows.selectedOptions[0]?.disabled) rows.value = allowed.find((value) => rows.querySelector(`option[value="${value}"]`)) || "";
  };
  measure.addEventListener("change", update);
  update();
}

function option(data) {
  // Names are user text (teams, industries): the tooltip escapes them, never ECharts' own HTML.
  return {
    color: PALETTE,
    legend: { type: "scroll", top: 0 },
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params) => `<strong>${escapeHtml(params[0].axisValue)}</strong><br>` + params
        .map((p) => `${escapeHtml(p.seriesName)}：${escapeHtml(p.value)}`).join("<br>"),
    },
    xAxis: { type: "category", data: data.buckets },
    yAxis: { type: "value", name: data.unit },
    series: data.series.map((row) => ({
      name: row.name, type: "bar", data: row.values, stack: data.stacked ? "total" : undefined,
    })),
  };
}

function draw(box) {
  const data = JSON.parse(box.dataset.pivot);
  if (!data.series.length) {
    box.textContent = box.dataset.empty;
    box.classList.add("empty");
    return;
  }
  const chart = window.echarts.init(box, null, { renderer: "canvas" });
  chart.setOption(option(data));
  new ResizeObserver(() => chart.resize()).observe(box);
  box.dataset.drawn = "true";
}

function start() {
  const form = document.querySelector("form[data-applicable]");
  if (form) limitRows(form);
  const box = document.getElementById("analysis-chart");
  if (box && window.echarts) draw(box);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
