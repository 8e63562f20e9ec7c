// nieuwsstroom on-call dashboard: polls /pipeline/stats, /pipeline/trending and /ready
// every 2 s and draws two small line charts on <canvas>. No libraries, nothing fetched
// from outside this worker. Text from messages goes in via textContent only (dead-letter
// reasons quote user input). Each chart exposes data-points / data-rendered for tests.
"use strict";

const POLL_MS = 2000;
const COLORS = { in: "#58a6ff", enriched: "#3fb950", deadlettered: "#f85149", p50: "#d2a8ff", p95: "#d29922" };
let polls = 0;

function el(id) { return document.getElementById(id); }

function fmt(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  return Number(n).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  if (text instanceof Node) td.appendChild(text); else td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

function fillTable(id, rows, render) {
  const table = el(id);
  const body = table.querySelector("tbody");
  body.replaceChildren();
  for (const item of rows) {
    const tr = document.createElement("tr");
    render(tr, item);
    body.appendChild(tr);
  }
  table.dataset.rows = String(rows.length);
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

// series: [{name, color, values: [number|null]}], times: [epoch seconds]
function drawChart(canvas, times, series, unit) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const pad = { l: 48, r: 10, t: 22, b: 22 };
  const pw = w - pad.l - pad.r, ph = h - pad.t - pad.b;
  let max = 0, points = 0;
  for (const s of series) for (const v of s.values) if (v !== null && v !== undefined) { max = Math.max(max, v); if (v > 0) points++; }
  max = niceMax(max);
  ctx.font = "11px system-ui, sans-serif";
  ctx.strokeStyle = "#2a3545"; ctx.fillStyle = "#8a97a6"; ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = pad.t + ph - (ph * i) / 4;
    ctx.beginPath(); ctx.moveTo(pad.l, y); ctx.lineTo(pad.l + pw, y); ctx.stroke();
    ctx.textAlign = "right"; ctx.fillText(fmt((max * i) / 4, max < 4 ? 1 : 0), pad.l - 6, y + 4);
  }
  ctx.textAlign = "left"; ctx.fillText(unit, 4, 12);
  if (times.length > 1) {
    const label = (t) => new Date(t * 1000).toLocaleTimeString("en-GB");
    ctx.fillText(label(times[0]), pad.l, h - 6);
    ctx.textAlign = "right"; ctx.fillText(label(times[times.length - 1]), pad.l + pw, h - 6);
  }
  const x = (i) => pad.l + (times.length > 1 ? (pw * i) / (times.length - 1) : pw / 2);
  const y = (v) => pad.t + ph - (ph * v) / max;
  let legendX = pad.l + 8;
  for (const s of series) {
    ctx.strokeStyle = s.color; ctx.lineWidth = 2; ctx.beginPath();
    let drawing = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) { drawing = false; return; }
      if (drawing) ctx.lineTo(x(i), y(v)); else ctx.moveTo(x(i), y(v));
      drawing = true;
    });
    ctx.stroke();
    ctx.fillStyle = s.color;
    s.values.forEach((v, i) => {  // dots, so a lone bucket (a short burst) still shows
      if (v === null || v === undefined || v === 0) return;
      ctx.beginPath(); ctx.arc(x(i), y(v), 3, 0, 2 * Math.PI); ctx.fill();
    });
    ctx.fillRect(legendX, 6, 10, 3);
    ctx.fillStyle = "#8a97a6"; ctx.textAlign = "left"; ctx.fillText(s.name, legendX + 14, 12);
    legendX += ctx.measureText(s.name).width + 30;
  }
  canvas.dataset.points = String(points);
  canvas.dataset.series = series.map((s) => s.name).join(",");
  canvas.dataset.max = String(max);
  canvas.dataset.rendered = "true";
}

function renderCharts(stats) {
  const pts = stats.timeline.points;
  const times = pts.map((p) => p.t);
  drawChart(el("chart-throughput"), times, [
    { name: "in", color: COLORS.in, values: pts.map((p) => p.in_per_s) },
    { name: "enriched", color: COLORS.enriched, values: pts.map((p) => p.enriched_per_s) },
    { name: "dead-lettered", color: COLORS.deadlettered, values: pts.map((p) => p.deadlettered_per_s) },
  ], "msgs/s");
  drawChart(el("chart-latency"), times, [
    { name: "p50", color: COLORS.p50, values: pts.map((p) => p.p50_ms) },
    { name: "p95", color: COLORS.p95, values: pts.map((p) => p.p95_ms) },
  ], "ms");
}

function renderKpis(stats) {
  const rate = stats.throughput_per_s;
  el("kpi-in").textContent = fmt(stats.messages_in);
  el("kpi-enriched").textContent = fmt(stats.enriched);
  el("kpi-dead").textContent = fmt(stats.deadlettered);
  el("kpi-rate").textContent = `${fmt(rate.enriched["1m"], 2)} / ${fmt(rate.enriched["5m"], 2)}`;
  el("kpi-dead-rate").textContent = `${fmt(rate.deadlettered["1m"], 2)}/s`;
  el("kpi-p95").textContent = `${fmt(stats.latency_ms.stages.total.p95, 0)} ms`;
  el("kpi-lag").textContent = fmt(stats.consumer.total_lag);
  const cache = stats.translation_cache;
  el("kpi-cache").textContent = cache && cache.hits + cache.misses > 0
    ? `${fmt((100 * cache.hits) / (cache.hits + cache.misses), 1)}%` : "–";
  el("worker").textContent = `${stats.worker.host} · pid ${stats.worker.pid} · up ${fmt(stats.uptime_s)} s`;
}

function renderTables(stats) {
  fillTable("stages", Object.entries(stats.latency_ms.stages), (tr, [stage, s]) => {
    cell(tr, stage); cell(tr, fmt(s.count)); cell(tr, fmt(s.p50, 1)); cell(tr, fmt(s.p95, 1));
    cell(tr, fmt(s.p99, 1)); cell(tr, fmt(s.max, 1));
  });
  renderWarmup(stats.latency_ms.warmup);
  const byStage = Object.entries(stats.deadletter_by_stage).map(([k, v]) => `${k}: ${v}`).join(" · ");
  const retries = Object.entries(stats.retries_by_stage || {}).map(([k, v]) => `${k}: ${v}`).join(" · ");
  el("dead-by-stage").textContent =
    (byStage ? `by stage: ${byStage}` : "none") + (retries ? ` — retries: ${retries}` : "");
  fillTable("deadletters", stats.recent_dead_letters, (tr, d) => {
    cell(tr, (d.failed_at || "").replace("T", " ").replace("Z", ""));
    cell(tr, d.id ?? "(no key)"); cell(tr, `${d.partition}@${d.offset}`); cell(tr, d.stage);
    cell(tr, `${d.error_class}: ${d.message}`, "reason");
  });
  renderLagGroups(stats.consumer.by_group || []);
}

// The slowest first-batch times, kept out of the percentiles above (model and caches warming).
function renderWarmup(warmup) {
  const p = el("warmup");
  if (!warmup || !warmup.articles) { p.textContent = ""; p.dataset.articles = "0"; return; }
  const slow = Object.entries(warmup.max_ms).map(([stage, ms]) => `${stage} ${fmt(ms, 0)}`).join(" · ");
  p.textContent = `Warm-up, not in the figures above: first batch (${warmup.articles} ` +
    `article${warmup.articles === 1 ? "" : "s"}), slowest ms: ${slow}`;
  p.dataset.articles = String(warmup.articles);
}

// One table per consumer group: the enrichment group's raw topic, the trending group's own.
function renderLagGroups(groups) {
  const box = el("lag-groups");
  box.replaceChildren();
  for (const g of groups) {
    const section = document.createElement("div");
    section.className = "lag-group";
    const h = document.createElement("h3");
    const role = g.group.endsWith("-trending") ? "trending entities" : "enrichment";
    h.textContent = `group ${g.group} (${role}) · reads ${g.topics.join(", ")} · total lag ${fmt(g.total_lag)}`;
    const table = document.createElement("table");
    table.className = "lag";
    table.dataset.group = g.group;
    table.innerHTML = "<thead><tr><th>topic</th><th>partition</th><th>end offset</th>" +
      "<th>committed</th><th>lag</th></tr></thead><tbody></tbody>";
    const body = table.querySelector("tbody");
    for (const r of g.lag) {
      const tr = document.createElement("tr");
      cell(tr, r.topic); cell(tr, String(r.partition)); cell(tr, fmt(r.end_offset));
      cell(tr, fmt(r.committed)); cell(tr, fmt(r.lag), r.lag > 0 ? "warn" : "");
      body.appendChild(tr);
    }
    table.dataset.rows = String(g.lag.length);
    section.append(h, table);
    if (!g.lag.length) {
      const none = document.createElement("p");
      none.className = "muted";
      none.textContent = "no partitions assigned to this worker";
      section.append(none);
    }
    box.appendChild(section);
  }
  box.dataset.groups = String(groups.length);
}

function renderTestModelBanner(translator) {
  const banner = el("test-model-banner");
  const on = Boolean(translator && translator.test_model);
  banner.hidden = !on;
  banner.dataset.visible = String(on);
}

function renderProvenance(prov) {
  for (const [id, data] of [["prov-translator", prov.translator], ["prov-kb", prov.knowledge_base]]) {
    const dl = el(id);
    dl.replaceChildren();
    for (const [k, v] of Object.entries(data || {})) {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = typeof v === "object" ? JSON.stringify(v) : String(v);
      dl.append(dt, dd);
    }
  }
}

function renderTrending(trending) {
  const w = trending.window;
  const start = new Date(w.start * 1000).toLocaleTimeString("en-GB");
  el("trending-window").textContent = `${w.type} ${w.size_s / 60}-min window from ${start}; trend vs previous window`;
  fillTable("trending", trending.entities, (tr, e) => {
    const a = document.createElement("a");
    a.href = e.url; a.textContent = e.label; a.target = "_blank"; a.rel = "noopener";
    cell(tr, a); cell(tr, e.qid); cell(tr, fmt(e.mentions)); cell(tr, fmt(e.articles));
    const delta = e.mentions - e.previous_mentions;
    cell(tr, delta > 0 ? `▲ ${delta}` : delta < 0 ? `▼ ${-delta}` : "=", delta > 0 ? "up" : delta < 0 ? "down" : "flat");
  });
}

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  return { status: response.status, body: await response.json() };
}

async function poll() {
  try {
    const [stats, trending, ready] = await Promise.all([
      getJson("/pipeline/stats"), getJson("/pipeline/trending"), getJson("/ready"),
    ]);
    renderKpis(stats.body); renderCharts(stats.body); renderTables(stats.body);
    renderProvenance(stats.body.provenance);
    renderTestModelBanner(stats.body.provenance.translator);
    if (trending.status === 200) renderTrending(trending.body);
    const badge = el("ready");
    badge.dataset.status = ready.body.status;
    const failing = Object.entries(ready.body.checks).filter(([, c]) => !c.ok).map(([n, c]) => `${n}: ${c.detail}`);
    badge.textContent = ready.body.status;
    badge.title = failing.join("\n") || "all checks pass";
    polls += 1;
    el("updated").dataset.polls = String(polls);
    el("updated").textContent = `updated ${new Date().toLocaleTimeString("en-GB")}`;
  } catch (err) {
    el("ready").dataset.status = "down";
    el("ready").textContent = "worker unreachable";
    el("updated").textContent = String(err);
  }
}

poll();
setInterval(poll, POLL_MS);
