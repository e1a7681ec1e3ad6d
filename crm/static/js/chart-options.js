// The dashboard's chart options, one builder per chart, from the JSON of its endpoint. Industry and team names are
// user text: every tooltip is built by a formatter that escapes it, never by ECharts' own HTML.

export const RED = "#c62828";
export const PALETTE = [RED, "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#ad1457"];
// Below this width a ring names its slices in a key beneath it (industriesKey), not around it.
export const NARROW = 480;

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function tooltipLines(title, lines, colon) {
  const body = lines.map(([label, value]) => escapeHtml(label) + escapeHtml(colon) + escapeHtml(value)).join("<br>");
  return `<strong>${escapeHtml(title)}</strong><br>${body}`;
}

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
  const narrow = width < NARROW; // a phone: each slice's share on it, the names in the key beneath (industriesKey)
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
    legend: narrow ? { show: false } : { type: "scroll", bottom: 0 },
    series: [{
      type: "pie", radius: narrow ? ["40%", "80%"] : ["35%", "65%"], center: ["50%", narrow ? "50%" : "45%"],
      label: narrow
        ? { show: true, position: "inside", color: "#fff", formatter: (p) => (p.percent >= 5 ? `${Math.round(p.percent)}%` : "") }
        : { show: true, formatter: (p) => `${rows[p.dataIndex].industry}` },
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

// The ring's key on a phone: each industry in its slice's colour, with its signings and investment.
function industriesKey(data, labels) {
  return data.industries.map((row, i) => ({
    color: PALETTE[i % PALETTE.length], name: row.industry,
    figures: `${row.signed}${labels.unit_count} · ${row.investment_written}`,
  }));
}

export const KEYS = { industries: industriesKey };

export const OPTIONS = {
  monthly: monthlyOption, funnel: funnelOption, industries: industriesOption, teams: teamsOption, sizes: sizesOption,
};

export function isEmpty(name, data) {
  const rows = { monthly: data.months, funnel: data.stages, industries: data.industries, teams: data.teams,
    sizes: data.sizes }[name];
  return !rows || rows.length === 0;
}
