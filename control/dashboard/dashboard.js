// SPDX-License-Identifier: BSD-3-Clause
// vigil's dashboard: polls the console port's JSON every REFRESH_MS and
// draws it. Everything the appliance sends is put on the page as text
// (textContent), never as markup: a rule message or an address is data.
// One request of each kind in flight at most, and the charts redraw only
// what changed, so a page left open for a day costs the control lcore a
// handful of small requests per refresh and nothing more.
"use strict";

const REFRESH_MS = 5000;
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

async function fetchJson(path) {
  const r = await fetch(path, { cache: "no-store", credentials: "same-origin" });
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}

function setText(id, text, cls) {
  const e = document.getElementById(id);
  e.textContent = text;
  if (cls !== undefined) e.className = "tag " + cls;
}

function fillTable(id, rows) {
  const body = document.querySelector("#" + id + " tbody");
  const fresh = document.createElement("tbody");
  for (const row of rows) {
    const tr = document.createElement("tr");
    for (const cell of row) {
      const td = document.createElement("td");
      td.textContent = String(cell);
      if (String(cell).length > 40) td.className = "text";
      tr.appendChild(td);
    }
    fresh.appendChild(tr);
  }
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.textContent = "none";
    td.className = "muted";
    tr.appendChild(td);
    fresh.appendChild(tr);
  }
  body.replaceWith(fresh);
}

function human(v) {
  const units = ["", "k", "M", "G", "T"];
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return (i ? v.toFixed(1) : v.toFixed(v < 10 && v % 1 ? 2 : 0)) + units[i];
}

// series: [{name, points: [[t, v], ...]}]; draws lines on a time axis.
function drawChart(id, series) {
  const canvas = document.getElementById("chart-" + id);
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, left = 48, bottom = 18;
  ctx.clearRect(0, 0, w, h);
  let tmin = Infinity, tmax = -Infinity, vmax = 0;
  for (const s of series) for (const [t, v] of s.points) {
    tmin = Math.min(tmin, t); tmax = Math.max(tmax, t); vmax = Math.max(vmax, v);
  }
  if (!isFinite(tmin)) { tmin = Date.now() / 1000 - 3600; tmax = tmin + 3600; }
  if (tmax === tmin) tmax = tmin + 1;
  if (vmax === 0) vmax = 1;
  ctx.strokeStyle = "#dde1e8"; ctx.fillStyle = "#8a93a6"; ctx.font = "11px sans-serif";
  for (let k = 0; k <= 4; k++) {
    const y = (h - bottom) * (1 - k / 4);
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w, y); ctx.stroke();
    ctx.fillText(human(vmax * k / 4), 2, Math.max(10, y));
  }
  const when = new Date(tmin * 1000).toLocaleTimeString() + " - " + new Date(tmax * 1000).toLocaleTimeString();
  ctx.fillText(when, left, h - 4);
  series.forEach((s, i) => {
    ctx.strokeStyle = COLOURS[i % COLOURS.length]; ctx.lineWidth = 1.5; ctx.beginPath();
    s.points.forEach(([t, v], k) => {
      const x = left + (w - left) * (t - tmin) / (tmax - tmin);
      const y = (h - bottom) * (1 - v / vmax);
      if (k) ctx.lineTo(x, y); else ctx.moveTo(x, y);
    });
    ctx.stroke();
    // A lone sample (a page opened just after start) still shows as a dot.
    ctx.fillStyle = COLOURS[i % COLOURS.length];
    if (s.points.length < 3) for (const [t, v] of s.points) {
      ctx.beginPath();
      ctx.arc(left + (w - left) * (t - tmin) / (tmax - tmin), (h - bottom) * (1 - v / vmax), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  });
  const legend = document.getElementById("legend-" + id);
  const fresh = document.createElement("div");
  fresh.className = "legend"; fresh.id = "legend-" + id;
  series.forEach((s, i) => {
    const span = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.style.background = COLOURS[i % COLOURS.length];
    span.appendChild(swatch);
    const last = s.points.length ? s.points[s.points.length - 1][1] : 0;
    const peak = s.points.reduce((m, p) => Math.max(m, p[1]), 0);
    span.appendChild(document.createTextNode(s.name + " now " + human(last) + " peak " + human(peak)));
    fresh.appendChild(span);
  });
  legend.replaceWith(fresh);
}

function drawHistory(hist) {
  const pts = hist.points || [];
  const ports = pts.length ? Object.keys(pts[pts.length - 1].ports) : [];
  const perPort = (field) => ports.map((p) => ({
    name: p + " " + field.slice(0, 2),
    points: pts.filter((x) => x.ports[p]).map((x) => [x.t, x.ports[p][field]]),
  }));
  drawChart("pps", perPort("rx_pps"));
  drawChart("bps", perPort("rx_bps"));
  drawChart("alerts", [{ name: "alerts", points: pts.map((x) => [x.t, x.alerts_ps]) }]);
  const reasons = pts.length ? Object.keys(pts[pts.length - 1].drops_ps) : [];
  const active = reasons.filter((r) => pts.some((x) => x.drops_ps[r] > 0));
  drawChart("drops", (active.length ? active : ["verdict"]).map((r) => ({
    name: r, points: pts.map((x) => [x.t, x.drops_ps[r] || 0]),
  })));
  fillTable("top-signatures", (hist.top_signatures || []).map((s) => [s.alerts, s.gid + ":" + s.sid, s.msg]));
  fillTable("top-sources", (hist.top_sources || []).map((s) => [s.alerts, s.ip]));
  fillTable("top-destinations", (hist.top_destinations || []).map((s) => [s.alerts, s.ip]));
  document.getElementById("window").textContent =
    (hist.alerts_in_window || 0) + " alerts in the last hour (tops count the last " +
    hist.alerts_counted + " at most); one point every " + hist.interval_s + " s";
}

function drawStats(stats) {
  setText("board", "board " + stats.board);
  const blocked = (stats.rate_limit && stats.rate_limit.blocked) || [];
  fillTable("blocked", blocked.map((b) => [b.address, b.rule, b.until]));
}

function drawStatus(status) {
  setText("mode", "mode " + (status.mode || "?"));
  const h = status.health;
  if (h) setText("health", h.state || (h.healthy ? "healthy" : "unhealthy"), h.healthy ? "good" : "bad");
}

function drawSinks(answer) {
  const rows = [];
  if (answer.eve_file) rows.push(["eve file", answer.eve_file.path, answer.eve_file.written, answer.eve_file.lines_lost]);
  for (const s of answer.sinks || []) {
    const u = s.undelivered || {};
    rows.push([s.name, s.connected ? "connected" : "not connected", s.delivered, (u.queue_full || 0) + (u.failed || 0)]);
  }
  fillTable("sinks", rows);
}

function drawRules(answer) {
  const versions = answer.versions || [];
  if (versions.length) setText("ruleset", "ruleset v" + versions[versions.length - 1].version);
  fillTable("rules", versions.slice(-10).reverse().map((v) => [v.version,
    new Date(v.time * 1000).toLocaleString(), v.loaded + " of " + v.read, v.origin]));
}

let busy = false;
async function refresh() {
  if (busy || document.hidden) return;
  busy = true;
  try {
    const [hist, stats, status, sinks, rules] = await Promise.all([
      fetchJson("/api/history"), fetchJson("/api/stats"), fetchJson("/api/status"),
      fetchJson("/api/sinks").catch(() => ({})), fetchJson("/api/rules").catch(() => ({})),
    ]);
    if (hist.history) drawHistory(hist.history);
    if (stats.stats) drawStats(stats.stats);
    drawStatus(status);
    drawSinks(sinks);
    drawRules(rules);
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById("updated").textContent = "no answer: " + e.message;
  } finally {
    busy = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  refresh();
  setInterval(refresh, REFRESH_MS);
});
