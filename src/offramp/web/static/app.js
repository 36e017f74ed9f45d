// offramp workbench: a small, dependency-free client over the JSON API.
"use strict";
const $ = (id) => document.getElementById(id);
const COLOURS = ["#1f5fbf", "#c2410c", "#0f7b3f", "#7c3aed", "#b58100", "#0e7490"];
const VERDICT = { yes: "Yes", no: "No", depends: "Depends", undetermined: "Undetermined" };
const state = { report: null, selected: null, jobs: {}, files: {}, checkSeq: 0, results: new Map(),
  asOfOwn: null, asOfTouched: false };
const CHECK_DELAY = 400; // ms of quiet typing before the text is checked
// the one concept used where none is named (the server's concept registry decides it)
const DEFAULT_CONCEPT = document.body.dataset.defaultConcept;
const DEFAULT_SHORT = document.body.dataset.defaultConceptShort; // its short name, e.g. SEQ

function el(tag, attrs = {}, ...children) {
  const node = tag === "svg" || attrs.svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "svg") continue;
    if (k === "onclick") node.addEventListener("click", v);
    else if (k === "text") node.textContent = v;
    else if (k === "style") node.style.cssText = v; // CSSOM: allowed by the page's CSP
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
const svgEl = (tag, attrs = {}, ...c) => el(tag, { ...attrs, svg: true }, ...c);

async function api(path, body, method = "POST") {
  const res = await fetch(path, { method, headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await res.json(); } catch (e) { data = { error: res.statusText }; }
  if (!res.ok) {
    let msg = data.error || `${res.status} ${res.statusText}`;
    if (res.status === 429) msg += ` (busy: try again in ${res.headers.get("Retry-After") || "a few"} s)`;
    const err = new Error(msg); err.data = data; err.status = res.status; throw err;
  }
  return data;
}
// ------------------------------------------------------------------ evidence date (as of)
// The field starts at the scenario's own as_of (sent as null: the scenario's own date, as the
// CLI without --as-of); a date the user picks is sent as --as-of DATE, "latest" as --as-of latest.
function asOfValue() {
  if ($("as-of-latest").checked) return "latest";
  return state.asOfTouched && $("as-of").value ? $("as-of").value : null;
}
function asOfWords(asOf) {
  const when = asOf || state.asOfOwn;
  if (when === "latest") return "With every figure, however late (latest).";
  return when ? `As of ${when}: only the evidence published by then feeds the answers.` : null;
}
function resetAsOf(value = null) {
  state.asOfTouched = Boolean(value && value !== "latest");
  $("as-of-latest").checked = value === "latest";
  $("as-of").disabled = value === "latest";
  $("as-of").value = state.asOfTouched ? value : state.asOfOwn || "";
}
function asOfChanged() {
  $("as-of").disabled = $("as-of-latest").checked;
  state.asOfTouched = Boolean($("as-of").value) && $("as-of").value !== state.asOfOwn;
  if (!$("as-of").value) $("as-of").value = state.asOfOwn || "";
  refreshStale(); check();
}
function scenarioBody(extra = {}) {
  const variant = $("variant").value || null;
  return { text: $("editor").value, file: state.file || "scenario.yaml", variant, as_of: asOfValue(), ...extra };
}
function setStatus(text, kind = "") { const s = $("status"); s.textContent = text; s.className = kind; }

// ------------------------------------------------------------------ editor
function updateGutter(errorLines = new Set()) {
  const n = $("editor").value.split("\n").length;
  const g = $("gutter"); g.textContent = "";
  for (let i = 1; i <= n; i++) {
    g.append(el("span", { class: errorLines.has(i) ? "err" : "", "data-line": i, text: String(i) }), "\n");
  }
  g.scrollTop = $("editor").scrollTop;
}
function goToLine(line, column) {
  const ta = $("editor");
  const lines = ta.value.split("\n");
  let pos = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
  const start = pos + Math.max(0, (column || 1) - 1);
  ta.focus(); ta.setSelectionRange(start, pos + (lines[line - 1] || "").length);
  const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 18;
  ta.scrollTop = Math.max(0, (line - 5) * lineHeight);
}
function showProblems(problems, warnings = []) {
  const list = $("problems"); list.textContent = "";
  const lines = new Set();
  for (const p of problems) {
    if (p.line) lines.add(p.line);
    const where = p.line ? `line ${p.line}${p.column ? ", column " + p.column : ""}` : "";
    list.append(el("li", { class: "problem", "data-line": p.line || "", onclick: () => p.line && goToLine(p.line, p.column) },
      el("b", { text: where ? where + ": " : "" }), (p.path ? p.path + ": " : "") + p.message));
  }
  for (const w of warnings) {
    list.append(el("li", { class: "warning", onclick: () => w.line && goToLine(w.line, w.column) },
      el("b", { text: w.line ? `line ${w.line}: ` : "" }), "warning: " + w.message));
  }
  updateGutter(lines);
}
// ------------------------------------------------------------------ stale results
// Every result container remembers the text (and variant) it was computed from; as soon as the
// editor's text or the variant differs, or the text has problems, it is marked stale.
function bodyKey(body) { return JSON.stringify([body.text, body.variant || "", body.as_of || ""]); }
function currentKey() { return bodyKey(scenarioBody()); }
function markFresh(container, key = currentKey()) { state.results.set(container, key); container.classList.remove("stale"); container.removeAttribute("data-stale"); }
function refreshStale(reason) {
  const key = currentKey();
  for (const [container, made] of state.results) {
    const stale = reason ? true : made !== key;
    container.classList.toggle("stale", stale);
    if (stale) container.setAttribute("data-stale", reason || "The scenario changed since these results were computed: run again to refresh them.");
    else container.removeAttribute("data-stale");
  }
}
let checkTimer = null;
function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => check(), CHECK_DELAY);
}
async function check() {
  clearTimeout(checkTimer);
  const seq = ++state.checkSeq, text = $("editor").value;
  try {
    const asOf = asOfValue();
    const r = await api("/api/validate", { text, file: state.file || "scenario.yaml", as_of: asOf });
    if (seq !== state.checkSeq) return null; // a newer check is under way: its answer counts
    showProblems(r.problems, r.warnings || []);
    if (!r.ok) {
      const when = asOf === "latest" ? " with every figure" : asOf ? ` as of ${asOf}` : "";
      setStatus(`${r.problems.length} problem(s)${when}: fix them to analyse${asOf ? ", or choose another date" : ""}.`, "bad");
      refreshStale("The scenario has problems: these results are from the last good run.");
      return null;
    }
    state.asOfOwn = r.scenario_as_of;
    if (!state.asOfTouched && !$("as-of-latest").checked) $("as-of").value = r.scenario_as_of || "";
    refreshStale();
    setStatus(`Valid: ${r.summary}${r.as_of ? `, as of ${r.as_of}` : ""}.`, "ok");
    const v = $("variant"), keep = v.value; v.textContent = "";
    v.append(el("option", { value: "", text: "baseline" }));
    for (const name of r.variants) v.append(el("option", { value: name, text: name }));
    if (r.variants.includes(keep)) v.value = keep;
    const sp = $("sweep-param"); sp.textContent = "";
    const preferred = (r.questions.find((q) => q.parameter) || {}).parameter;
    for (const [name, value] of Object.entries(r.parameters)) sp.append(el("option", { value: name, text: `${name} (${value})` }));
    if (preferred) sp.value = preferred;
    fillInverse(r);
    return r;
  } catch (e) {
    if (seq !== state.checkSeq) return null;
    if (e.data && e.data.problems) showProblems(e.data.problems);
    setStatus("Check failed: " + e.message, "bad"); refreshStale("The last check failed: these results may be out of date."); return null;
  }
}

// ------------------------------------------------------------------ analysis
function table(headers, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", { text: h })))),
    el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c) => c instanceof Node ? el("td", {}, c) : el("td", { text: c ?? "" }))))));
}
function verdictCell(q) {
  const span = el("span", { class: q.verdict, text: VERDICT[q.verdict] });
  const th = q.threshold && q.threshold.transitions.find((t) => t.becomes);
  return th ? el("span", {}, span, ` at the current value; it holds above ${q.threshold.parameter} = ${th.value}`) : span;
}
function renderOverview(r, asked) {
  const tab = $("tab-overview"); tab.textContent = "";
  tab.append(el("h2", { text: r.scenario }));
  const when = r.words.as_of || (asked === "latest" ? asOfWords("latest") : null);
  if (when) tab.append(el("p", { id: "as-of-line", class: "as-of", "data-as-of": r.as_of || "latest" }, el("b", { text: when })));
  if (r.description) tab.append(el("p", { text: r.description }));
  if (r.status_quo) tab.append(el("p", {}, el("b", { text: "Status quo: " }), `state ${r.status_quo.id} — ${r.status_quo.description}`));
  if (r.questions.length) {
    tab.append(el("h3", { text: "Questions" }));
    tab.append(table(["question", "answer", "basis"], r.questions.map((q) => [q.ask, verdictCell(q), q.basis])));
  }
  tab.append(el("h3", { text: "Where the evolution from the status quo settles" }));
  const settles = [];
  for (const [c, list] of Object.entries(r.settles_at || {})) {
    for (const e of list) settles.push([r.concepts[c], `state ${e.id}`, e.description,
      e.path.map((s) => `${s.mover} ${[s.takes.length ? "takes " + s.takes.join(", ") : "", s.stops.length ? "stops " + s.stops.join(", ") : ""].filter(Boolean).join(" and ")}`).join("; then ") || "(stays)"]);
  }
  tab.append(table(["concept", "state", "what holds", "path"], settles));
  tab.append(el("h3", { text: "Equilibria" }));
  tab.append(table(["concept", "count", "states"], Object.entries(r.equilibria).map(([c, list]) =>
    [r.concepts[c], String(list.length), list.slice(0, 12).map((e) => `${e.id}: ${e.description}`).join("\n") + (list.length > 12 ? " …" : "")])));
  if (r.coalition_analysis) {
    const ca = r.coalition_analysis;
    tab.append(el("h3", { text: "Coalitions" }));
    tab.append(el("p", { text: ca.coalitions.map((c) => `${c.name}: ${c.members.join(", ")}`).join("; ") }));
    tab.append(table(["concept", "coalitional equilibria", "status quo"], Object.entries(ca.coalition_equilibria).map(([c, ids]) =>
      [`C-${r.concepts[c] || c}`, ids.join(", ") || "none",
        Object.entries((ca.coalition_status_quo || {})[c] || {}).map(([n, e]) => `${n}: ${e.stable ? "holds" : "upsets it (to state " + e.to + ")"}`).join("\n")])));
    if ((ca.coalition_answers || []).length) {
      tab.append(table(["question", "over the coalitional equilibria", "holds in"], ca.coalition_answers.map((a) => [a.ask, a.verdict, a.holds_in.join(", ") || "none"])));
    }
  }
  tab.querySelectorAll("td").forEach((td) => { td.style.whiteSpace = "pre-line"; });
  if (r.words.what_happened_next.length) {
    tab.append(el("h3", { text: "What happened next" }));
    tab.append(el("p", { class: "muted", text: `Evidence published after ${r.as_of}, and the answers with it: it never feeds the answers above.` }));
    tab.append(el("ul", { id: "what-happened-next" }, r.words.what_happened_next.map((t) => el("li", { text: t }))));
  }
  if (r.bargaining) {
    tab.append(el("h3", { text: "Negotiation forecasts" }));
    r.bargaining.dimensions.forEach((d, k) => {
      tab.append(el("p", {}, el("b", { text: d.label }), ` (0 = ${d.low}; 100 = ${d.high})`));
      tab.append(table(["case", ...r.bargaining.models], r.bargaining.cases.map((c) =>
        [c.label, ...r.bargaining.models.map((m) => c.forecasts[m][k] == null ? "—" : c.forecasts[m][k].toFixed(1))])));
    });
  }
}
function renderVariants(r) {
  const tab = $("tab-variants"); tab.textContent = "";
  if (!r.variants.length) { tab.append(el("p", { class: "muted", text: "The scenario declares no variants (or a variant is being analysed)." })); return; }
  tab.append(el("h3", { text: "Answers side by side" }));
  const title = (v) => v.kind === "misperception" ? `${v.label} (misperception)` : v.label;
  const perceivedCell = (q) => q.perceived_verdict
    ? el("span", {}, verdictCell(q), ` (as perceived: ${VERDICT[q.perceived_verdict]})`) : verdictCell(q);
  const states = (list) => (list || []).map((e) => `state ${e.id}: ${e.description}`).join("\n") || "no equilibrium reached";
  tab.append(table(["question", "baseline", ...r.variants.map(title)],
    r.questions.map((q, k) => [q.ask, verdictCell(q), ...r.variants.map((v) => perceivedCell(v.questions[k]))])));
  tab.append(table(["variant", "kind", "changes", `settles at (${DEFAULT_SHORT})`, "settles as perceived (hypergame)"], r.variants.map((v) =>
    [title(v), v.kind || "counterfactual", (v.changes_text || v.changes).join("; "), states(v.settles_at[DEFAULT_CONCEPT]),
     v.perceived ? states(v.perceived.settles_at[DEFAULT_CONCEPT]) : "—"])));
}
async function analyse() {
  const ok = await check();
  if (!ok) return;
  setStatus("Analysing…");
  const body = scenarioBody(), key = currentKey();
  try {
    const r = await api("/api/analyze", body);
    if (bodyKey(body) !== currentKey()) { refreshStale(); setStatus("The text changed during the analysis: press Analyse again.", "bad"); return; }
    state.report = r;
    renderOverview(r, body.as_of); renderVariants(r); renderGraph(r.graph);
    for (const id of ["tab-overview", "tab-variants", "tab-graph"]) markFresh($(id), key);
    setStatus(`Analysed${r.as_of ? " as of " + r.as_of : body.as_of === "latest" ? " with every figure" : ""}: ${r.feasible_states} feasible states.`, "ok");
  } catch (e) {
    if (e.data && e.data.problems) showProblems(e.data.problems);
    setStatus("Analysis failed: " + e.message, "bad");
    refreshStale("The last analysis failed: these results are from the last good run.");
  }
}

// ------------------------------------------------------------------ state graph
// The graph is drawn once in its own coordinates; zoom (wheel, +/−) and pan (drag) only move
// the SVG viewBox, so text stays sharp and clicks still reach the states.
const view = { x: 0, y: 0, w: 1, h: 1, full: null };
function setView(v) {
  Object.assign(view, v);
  $("graph").setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
}
// Fit never shrinks the drawing by more than this (graph units per screen pixel): the states'
// numbers (11 units) stay at least 8 px high. A larger graph is shown from the top left, where
// the status quo and the path from it are drawn; drag or zoom out for the rest.
const READABLE = 1.35;
function fitGraph() {
  if (!view.full) return;
  const r = $("graph").getBoundingClientRect();
  if (!r.width) { setView({ ...view.full }); return; }
  const scale = Math.max(view.full.w / r.width, view.full.h / r.height);
  if (scale <= READABLE) setView({ ...view.full });
  else setView({ x: 0, y: 0, w: r.width * READABLE, h: r.height * READABLE });
}
// First view: the same as Fit, once the graph has a size on screen.
function initialView() {
  const r = $("graph").getBoundingClientRect();
  if (!view.full || !r.width) { view.pending = true; return; }
  view.pending = false;
  fitGraph();
}
function zoomGraph(factor, cx, cy) {
  const svg = $("graph"), r = svg.getBoundingClientRect();
  const px = cx === undefined ? 0.5 : (cx - r.left) / r.width, py = cy === undefined ? 0.5 : (cy - r.top) / r.height;
  const w = Math.min(Math.max(view.w / factor, 60), view.full.w * 4), h = w * (view.h / view.w);
  setView({ x: view.x + (view.w - w) * px, y: view.y + (view.h - h) * py, w, h });
}
function optionLabels() {
  const labels = {};
  for (const dm of (state.report && state.report.decision_makers) || [])
    for (const o of dm.options || []) labels[o.name] = `${dm.label || dm.name}: ${o.label || o.name}`;
  return labels;
}
function showTip(n, g, evt) {
  const tip = $("graph-tip"), labels = optionLabels();
  tip.textContent = "";
  const kinds = [n.status_quo ? "status quo" : "", n.equilibrium[g.concept] ? `${g.concept.toUpperCase()} equilibrium` : ""].filter(Boolean).join(", ");
  tip.append(el("b", { text: `State ${n.id}` + (kinds ? ` (${kinds})` : "") }));
  tip.append(el("ul", {}, n.taken.length ? n.taken.map((o) => el("li", { text: labels[o] || o })) : [el("li", { text: "no option taken" })]));
  const wrap = tip.parentElement.getBoundingClientRect();
  tip.style.left = `${Math.min(evt.clientX - wrap.left + 14, wrap.width - 260)}px`;
  tip.style.top = `${evt.clientY - wrap.top + 14}px`;
  tip.hidden = false;
}
function renderGraph(g) {
  const svg = $("graph"); svg.textContent = "";
  const dx = 150, dy = 46, pad = 40;
  const pos = {};
  let maxLayer = 0, maxRow = 0;
  for (const n of g.nodes) { maxLayer = Math.max(maxLayer, n.layer); maxRow = Math.max(maxRow, n.row); }
  for (const n of g.nodes) pos[n.id] = [pad + n.layer * dx, pad + n.row * dy];
  const width = pad * 2 + maxLayer * dx + 60, height = pad * 2 + maxRow * dy + 20;
  view.full = { x: 0, y: 0, w: Math.max(width, 300), h: Math.max(height, 200) };
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  fitGraph(); initialView();
  const defs = svgEl("defs");
  g.decision_makers.forEach((dm, i) => defs.append(svgEl("marker", { id: `arrow${i}`, viewBox: "0 0 10 10", refX: 18, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" },
    svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: COLOURS[i % COLOURS.length] }))));
  svg.append(defs);
  for (const e of g.edges) {
    if (!pos[e.source] || !pos[e.target]) continue;
    const [x1, y1] = pos[e.source], [x2, y2] = pos[e.target];
    const bend = (x1 === x2) ? 30 : 0;
    svg.append(svgEl("path", { class: "edge" + (e.on_path ? " path" : ""), "data-source": e.source, "data-target": e.target, d: `M ${x1} ${y1} Q ${(x1 + x2) / 2 + bend} ${(y1 + y2) / 2 - bend} ${x2} ${y2}`,
      stroke: COLOURS[e.mover % COLOURS.length], "marker-end": `url(#arrow${e.mover})`, "data-mover": g.decision_makers[e.mover] }));
  }
  for (const n of g.nodes) {
    const [x, y] = pos[n.id];
    const cls = ["node", n.equilibrium[g.concept] ? "eq" : "", n.status_quo ? "sq" : ""].join(" ");
    const node = svgEl("g", { class: cls, "data-id": n.id, transform: `translate(${x},${y})` },
      svgEl("title", {}, `${n.id}: ${n.label}`), svgEl("circle", { r: 13 }), svgEl("text", { "text-anchor": "middle", dy: 4 }, String(n.id)));
    node.addEventListener("click", () => { if (!drag.moved) showState(n.id); });
    node.addEventListener("pointerenter", (evt) => showTip(n, g, evt));
    node.addEventListener("pointerleave", () => { $("graph-tip").hidden = true; });
    svg.append(node);
  }
  const toggle = el("input", { type: "checkbox", id: "all-edges" });
  toggle.addEventListener("change", () => svg.classList.toggle("all-edges", toggle.checked));
  const zoom = el("span", { class: "zoom" },
    el("button", { type: "button", id: "zoom-in", title: "Zoom in", onclick: () => zoomGraph(1.4) }, "+"),
    el("button", { type: "button", id: "zoom-out", title: "Zoom out", onclick: () => zoomGraph(1 / 1.4) }, "−"),
    el("button", { type: "button", id: "zoom-fit", title: "Show as much of the graph as stays readable", onclick: fitGraph }, "Fit"));
  const legend = el("p", { class: "legend" }, zoom, g.decision_makers.map((dm, i) => el("span", {}, el("i", { style: `background:${COLOURS[i % COLOURS.length]}` }), `${dm} improves`)),
    el("span", { text: `green: ${g.concept.toUpperCase()} equilibrium; gold ring: status quo; thick: path to where it settles; hover a state for its options, click it for its moves; scroll to zoom, drag to pan` }),
    el("label", {}, toggle, " show every improvement"));
  const tools = $("graph-tools"); tools.textContent = "";
  tools.append(legend);
  if (g.truncated) tools.append(el("p", { class: "muted graph-note", text: `Showing ${g.nodes.length} of ${g.states} states: the status quo, the equilibria and the paths between them.` }));
  const full = state.report && state.report.graph_full, core = state.report && state.report.graph;
  if (full && core) {
    const showing = g === full;
    tools.append(el("button", { type: "button", id: "graph-full", onclick: () => { renderGraph(showing ? core : full); initialView(); } },
      // "every state" only when every state is drawn; above the limit, say how many of them
      showing ? "Show the core graph" : full.selection === "all" ? `Show every state (${full.nodes.length})`
        : `Show more states (${full.nodes.length} of ${full.states})`));
  }
}
const drag = { on: false, moved: false, x: 0, y: 0 };
function wireGraph() {
  const svg = $("graph");
  svg.addEventListener("wheel", (e) => { e.preventDefault(); zoomGraph(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.clientX, e.clientY); }, { passive: false });
  svg.addEventListener("pointerdown", (e) => { drag.on = true; drag.moved = false; drag.x = e.clientX; drag.y = e.clientY; });
  window.addEventListener("pointermove", (e) => {
    if (!drag.on) return;
    const dxp = e.clientX - drag.x, dyp = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dxp) + Math.abs(dyp) < 4) return;
    drag.moved = true; svg.classList.add("panning");
    const r = svg.getBoundingClientRect(), scale = Math.max(view.w / r.width, view.h / r.height);
    setView({ x: view.x - dxp * scale, y: view.y - dyp * scale });
    drag.x = e.clientX; drag.y = e.clientY;
  });
  window.addEventListener("pointerup", () => { drag.on = false; svg.classList.remove("panning"); setTimeout(() => { drag.moved = false; }, 0); });
}
async function showState(id) {
  document.querySelectorAll("#graph .node").forEach((n) => n.classList.toggle("selected", n.dataset.id === String(id)));
  document.querySelectorAll("#graph .edge").forEach((e) => e.classList.toggle("from-selected", e.dataset.source === String(id)));
  const panel = $("state-panel"); panel.textContent = "Loading…";
  try {
    const s = await api("/api/state", scenarioBody({ state: id, concept: DEFAULT_CONCEPT }));
    panel.textContent = "";
    panel.append(el("h3", { text: `State ${s.id}` }), el("p", { text: s.label }));
    panel.append(table(["", ...Object.keys(s.equilibrium).map((c) => c.toUpperCase())],
      s.decision_makers.map((d) => [d.label, ...Object.values(d.stable).map((f) => f ? "stable" : "—")])));
    for (const d of s.decision_makers) {
      panel.append(el("h4", { text: `${d.label}: ${d.moves.length} possible move(s)` }));
      panel.append(el("pre", { class: "explain", text: d.text }));
    }
  } catch (e) { panel.textContent = "Failed: " + e.message; }
}

// ------------------------------------------------------------------ jobs
async function runJob(kind, body, ui) {
  const key = currentKey();
  ui.button.disabled = true; ui.cancel.disabled = false; ui.result.textContent = "";
  state.results.delete(ui.result); ui.result.classList.remove("stale"); ui.result.removeAttribute("data-stale");
  ui.progress.value = 0; ui.status.textContent = "starting…";
  let job;
  try { job = await api(`/api/jobs/${kind}`, body); }
  catch (e) { ui.status.textContent = "failed: " + e.message; ui.button.disabled = false; ui.cancel.disabled = true; return; }
  state.jobs[job.id] = true;
  ui.cancel.onclick = () => api(`/api/jobs/${job.id}`, undefined, "DELETE").catch(() => {});
  while (true) {
    try { job = await api(`/api/jobs/${job.id}`, undefined, "GET"); }
    catch (e) { ui.status.textContent = "failed: " + e.message; break; }
    ui.progress.max = Math.max(job.total, 1); ui.progress.value = job.done;
    ui.status.textContent = `${job.status}: ${job.done} / ${job.total || "?"} (${job.seconds} s)`;
    if (job.status !== "running") break;
    await new Promise((ok) => setTimeout(ok, 250));
  }
  delete state.jobs[job.id];
  ui.button.disabled = false; ui.cancel.disabled = true;
  if (job.status === "failed") ui.status.textContent = "failed: " + job.error;
  else if (job.result) {
    ui.render(job.result, job.status);
    const when = asOfWords(body.as_of);
    if (when) ui.result.prepend(el("p", { class: "as-of muted", text: when }));
    markFresh(ui.result, key); refreshStale();
  }
}
function renderSweep(res) {
  const out = $("sweep-result");
  const qs = (state.report && state.report.questions) || [];
  out.append(table([res.parameter, `${DEFAULT_SHORT} equilibria`, `settles at (${DEFAULT_SHORT})`, ...Object.keys(res.rows[0] ? res.rows[0].answers : {})],
    res.rows.map((r) => [String(r.value), String(r.equilibria[DEFAULT_CONCEPT].length), (r.settles_at[DEFAULT_CONCEPT] || []).map((t) => t.join(", ") || "nothing").join(" | "),
      ...Object.values(r.answers).map((v) => el("span", { class: v, text: VERDICT[v] }))])));
  if (res.changes.length) out.append(el("ul", {}, res.changes.map((c) => el("li", { text: `between ${c.between[0]} and ${c.between[1]}: ${c.what} change` }))));
  if (qs.length) out.append(el("p", { class: "muted", text: "Columns are the scenario's question ids." }));
}
function renderMC(res, status) {
  const out = $("mc-result");
  if (res.interrupted) out.append(el("p", { class: "no", text: `Stopped early (${res.interrupted}): results from ${res.samples} of ${res.requested} samples.` }));
  out.append(el("h3", { text: `How likely each answer is (${res.samples} samples)` }));
  out.append(table(["question", "yes", "no", "depends", "undetermined", "driven most by"], res.questions.map((q) =>
    [q.ask, ...["yes", "no", "depends", "undetermined"].map((k) => (100 * q[k]).toFixed(1) + "%"),
      (res.sensitivity[`question:${q.id}`] || []).slice(0, 3).filter((d) => d.significant !== false).map((d) => `${d.input} (${d.rho > 0 ? "+" : ""}${d.rho.toFixed(2)})`).join(", ") || "—"])));
  const settles = (res.settles_probability[DEFAULT_CONCEPT] || []).slice(0, 8);
  out.append(el("h3", { text: `Where the evolution settles (${DEFAULT_SHORT})` }));
  out.append(table(["state", "options taken", "probability"], settles.map((e) => [String(e.id), e.taken.join(", ") || "nothing taken", (100 * e.probability).toFixed(1) + "%"])));
  // the report's own "Under uncertainty" section, rendered by the server from the same data:
  // where it settles, the forecast table and the sensitivity charts, as in the report
  if (res.report_html) {
    const part = el("div", { class: "report-part" });
    part.innerHTML = res.report_html;
    out.append(part);
  }
}

// ------------------------------------------------------------------ past runs
function runLabel(r) {
  const file = r.scenario_file || "";
  const what = file.startsWith("<builtin:") ? file.slice(9, -1) : (file.split("/").pop() || r.scenario_name || "-");
  const asOf = r.params && r.params.as_of ? ` as of ${r.params.as_of}` : "";
  return `#${r.seq} ${r.command} · ${what}${r.variant ? " (" + r.variant + ")" : ""}${asOf} · ${r.created_at.slice(0, 16).replace("T", " ")}`;
}
function took(s) { return s == null ? "-" : s < 1 ? s.toFixed(2) + "s" : s < 120 ? s.toFixed(1) + "s" : (s / 60).toFixed(1) + "min"; }
async function loadRuns() {
  const list = $("runs-list");
  let data;
  try { data = await api("/api/runs?limit=50", undefined, "GET"); }
  catch (e) { list.textContent = "Cannot read the run history: " + ((e.data && e.data.error) || e.message); return; }
  state.runs = data.runs;
  for (const [id, pick] of [["run-a", 1], ["run-b", 0]]) {
    const sel = $(id), keep = sel.value; sel.textContent = "";
    for (const r of data.runs) sel.append(el("option", { value: r.id, text: runLabel(r) }));
    const ids = data.runs.map((r) => r.id);
    sel.value = ids.includes(keep) ? keep : (ids[Math.min(pick, ids.length - 1)] || "");
  }
  list.textContent = "";
  if (!data.runs.length) { list.append(el("p", { class: "muted", text: data.recording ? `No run recorded yet in ${data.database}.` : "Recording is off (OFFRAMP_HISTORY=0)." })); return; }
  const rows = data.runs.map((r) => [String(r.seq), r.id, r.created_at.slice(0, 16).replace("T", " "), r.command, runLabel(r).split(" · ")[1], r.status, took(r.duration),
    el("button", { type: "button", class: "reopen", "data-run": r.id, text: "Reopen", "aria-label": `Reopen run ${r.seq} in the editor` })]);
  list.append(el("h3", { text: `Recent runs (${data.runs.length})` }), el("div", { class: "table-box" }, table(["#", "id", "when (UTC)", "command", "scenario", "status", "took", ""], rows)));
}
async function compareRuns() {
  const out = $("runs-diff"); out.textContent = "Comparing…";
  try {
    const a = $("run-a").value, b = $("run-b").value;
    const r = await api(`/api/runs/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`, undefined, "GET");
    out.textContent = "";
    let ul = null;
    for (const line of r.lines) {
      if (line.kind === "item" || line.kind === "note") {
        if (!ul) { ul = el("ul", { class: "diff-items" }); out.append(ul); }
        ul.append(el("li", { class: line.kind === "note" ? "muted" : "", text: line.text }));
        continue;
      }
      ul = null;
      if (line.kind === "title") out.append(el("h3", { text: line.text }));
      else if (line.kind === "heading") out.append(el("h4", { text: line.text }));
      else if (line.kind === "diff") out.append(el("pre", { class: "text-diff" }, ...line.text.split("\n").map((t) => el("span", { class: t.startsWith("+") && !t.startsWith("+++") ? "add" : t.startsWith("-") && !t.startsWith("---") ? "del" : "", text: t + "\n" }))));
      else out.append(el("p", { text: line.text }));
    }
  } catch (e) { out.textContent = "Failed: " + ((e.data && e.data.error) || e.message); }
}
async function reopenRun(id) {
  try {
    const r = await api(`/api/runs/${encodeURIComponent(id)}`, undefined, "GET");
    if (r.scenario_text == null) { setStatus(`Run ${r.seq} stored no scenario text.`, "bad"); return; }
    $("editor").value = r.scenario_text;
    state.file = (r.scenario_file && !r.scenario_file.startsWith("<")) ? r.scenario_file.split("/").pop() : `run-${r.seq}.yaml`;
    resetAsOf((r.params || {}).as_of || null); // the evidence date the run was analysed as of
    updateGutter(); refreshStale(); await check();
    const v = $("variant");
    if (r.variant && [...v.options].some((o) => o.value === r.variant)) { v.value = r.variant; refreshStale(); }
    setStatus(`Reopened run #${r.seq} (${r.command}, ${r.created_at.slice(0, 16).replace("T", " ")} UTC): press Analyse to see it again.`, "ok");
  } catch (e) { setStatus("Cannot reopen the run: " + ((e.data && e.data.error) || e.message), "bad"); }
}

// ------------------------------------------------------------------ wiring
async function loadBuiltin(name) {
  if (name.startsWith("file:")) { const f = state.files[name]; if (f) { state.file = f.name; $("editor").value = f.text; } }
  else {
    const r = await api(`/api/scenarios/${encodeURIComponent(name)}`, undefined, "GET");
    state.file = `${name}.yaml`; $("editor").value = r.text;
  }
  state.asOfOwn = null; resetAsOf(); // a new scenario starts at its own date
  updateGutter(); refreshStale(); await check();
}
// The first invalid byte of a UTF-8 byte array and why, in the words Python uses (so the page
// says what `offramp validate` says), or null when the bytes are UTF-8.
function utf8Error(bytes) {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return { at: i, reason: "invalid start byte" };
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return { at: i, reason: "unexpected end of data" };
      const c = bytes[i + k];
      const lo = k === 1 && b === 0xe0 ? 0xa0 : k === 1 && b === 0xf0 ? 0x90 : 0x80;
      const hi = k === 1 && b === 0xed ? 0x9f : k === 1 && b === 0xf4 ? 0x8f : 0xbf;
      if (c < lo || c > hi) return { at: i, reason: "invalid continuation byte" };
    }
    i += need + 1;
  }
  return null;
}
function openFile(f) {
  const reader = new FileReader();
  reader.onload = () => {
    const bytes = new Uint8Array(reader.result), bad = utf8Error(bytes);
    if (bad) {
      showProblems([{ message: `${f.name}: not UTF-8 text (${bad.reason} at byte ${bad.at}); open a scenario file (YAML or JSON)` }]);
      setStatus(`${f.name} was not opened: it is not UTF-8 text.`, "bad");
      return;
    }
    const text = new TextDecoder("utf-8").decode(bytes);
    const key = "file:" + f.name, menu = $("builtin");
    state.files[key] = { name: f.name, text };
    let opt = [...menu.options].find((o) => o.value === key);
    if (!opt) { opt = el("option", { value: key, text: `${f.name} (opened file)` }); menu.prepend(opt); }
    menu.value = key; state.file = f.name;
    $("editor").value = text; state.asOfOwn = null; resetAsOf(); updateGutter(); refreshStale(); check();
  };
  reader.readAsArrayBuffer(f);
}
async function download() {
  const fmt = $("report-format").value;
  setStatus("Building the report…");
  const res = await fetch("/api/report", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(scenarioBody({ format: fmt, samples: 500 })) });
  if (!res.ok) { let m = res.statusText; try { m = (await res.json()).error || m; } catch (e) { /* not JSON */ } setStatus("Report failed: " + m, "bad"); return; }
  const blob = await res.blob();
  const cd = res.headers.get("Content-Disposition") || "";
  const utf = cd.match(/filename\*=UTF-8''([^;]+)/), plain = cd.match(/filename="([^"]+)"/);
  let name = plain ? plain[1] : `report.${fmt}`;
  if (utf) { try { name = decodeURIComponent(utf[1]); } catch (e) { /* keep the ASCII name */ } }
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a); a.click(); a.remove();
  setStatus("Report downloaded.", "ok");
}
// ------------------------------------------------------------------ what would it take?
function fillInverse(r) {
  const dl = $("inverse-questions"); dl.textContent = "";
  for (const q of r.questions) dl.append(el("option", { value: q.id, text: q.ask }));
  if (!$("inverse-goal").value && r.questions.length) $("inverse-goal").value = r.questions[0].id;
  for (const [id, pick] of [["map-x", 0], ["map-y", 1]]) {
    const sel = $(id), keep = sel.value; sel.textContent = "";
    const names = Object.keys(r.parameters);
    for (const name of names) sel.append(el("option", { value: name, text: name }));
    sel.value = names.includes(keep) ? keep : (names[pick] || "");
  }
}
function changesText(changes) {
  return Object.entries(changes).map(([p, c]) => `${p} ${c.from} → ${c.to}`).join(", ");
}
async function runInverse() {
  const out = $("inverse-result"); out.textContent = "Searching…";
  try {
    const r = await api("/api/inverse", scenarioBody({ goal: $("inverse-goal").value }));
    out.textContent = "";
    out.append(el("p", { text: r.answer + "." }), el("p", { text: r.mode === "equilibrium"
      ? `Goal now: ${r.goal_met_before ? "met" : "not met"} (the verdict where the evolution settles is ${r.verdict_before}).`
      : `Verdict now: ${r.verdict_before}` + (r.found ? `; after: ${r.verdict_after}.` : ".") }));
    if (r.found && Object.keys(r.changes).length) {
      const rows = Object.entries(r.changes).map(([p, c]) => el("tr", {}, el("td", { text: p }), el("td", { text: String(c.from) }), el("td", { text: String(c.to) }), el("td", { text: String(r.boundary[p]) })));
      out.append(el("table", {}, el("thead", {}, el("tr", {}, ...["parameter", "now", "to", "boundary"].map((h) => el("th", { text: h })))), el("tbody", {}, ...rows)));
      const names = Object.keys(r.changes).concat(...r.alternatives.map((a) => Object.keys(a.changes)));
      if (names[0]) $("map-x").value = names[0];
      if (names[1] && names[1] !== names[0]) $("map-y").value = names[1];
      for (const [axis, name] of [["x", $("map-x").value], ["y", $("map-y").value]]) {
        const p = r.parameters[name]; if (!p) continue;
        $(`map-${axis}-low`).value = p.range[0]; $(`map-${axis}-high`).value = p.range[1];
      }
    }
    for (const a of r.alternatives) out.append(el("p", { text: `or: ${changesText(a.changes)} (distance ${a.distance.toFixed(3)})` }));
    if (r.why) out.append(el("p", { text: "Why: " + r.why + "." }));
    out.append(el("p", { class: "muted", text: r.proof + "." }));
  } catch (e) { out.textContent = "Failed: " + (e.data && (e.data.error || (e.data.problems || []).map((p) => p.message).join("; ")) || e.message); }
}
async function runMap() {
  const out = $("map-result"); out.textContent = "Drawing…";
  try {
    const r = await api("/api/map", scenarioBody({ goal: $("inverse-goal").value, x: $("map-x").value, x_low: +$("map-x-low").value, x_high: +$("map-x-high").value, y: $("map-y").value, y_low: +$("map-y-low").value, y_high: +$("map-y-high").value }));
    // the heatmap as an image: its markup never enters the page (and its styles stay its own)
    const bytes = new TextEncoder().encode(r.svg);
    let bin = ""; bytes.forEach((b) => { bin += String.fromCharCode(b); });
    out.textContent = "";
    out.append(el("img", { src: "data:image/svg+xml;base64," + btoa(bin), alt: `Answer map over ${$("map-x").value} and ${$("map-y").value}`, class: "answer-map" }));
    out.append(el("p", { class: "muted", text: `${r.boundaries.length} boundary points found exactly along the grid lines.` }));
  } catch (e) { out.textContent = "Failed: " + (e.data && (e.data.error || (e.data.problems || []).map((p) => p.message).join("; ")) || e.message); }
}
window.addEventListener("DOMContentLoaded", async () => {
  const ta = $("editor");
  ta.addEventListener("input", () => { updateGutter(); refreshStale(); scheduleCheck(); });
  $("variant").addEventListener("change", () => refreshStale());
  $("as-of").addEventListener("change", asOfChanged);
  $("as-of-latest").addEventListener("change", asOfChanged);
  ta.addEventListener("scroll", () => { $("gutter").scrollTop = ta.scrollTop; });
  $("builtin").addEventListener("change", (e) => loadBuiltin(e.target.value));
  $("upload").addEventListener("change", (e) => { const f = e.target.files[0]; if (f) openFile(f); e.target.value = ""; });
  // jobs stop when their page goes (the server also cancels jobs nobody polls any more)
  window.addEventListener("pagehide", () => { for (const id of Object.keys(state.jobs)) navigator.sendBeacon(`/api/jobs/${id}/cancel`); });
  $("check").addEventListener("click", check);
  wireGraph();
  $("analyse").addEventListener("click", analyse);
  $("download").addEventListener("click", download);
  document.querySelectorAll(".tabs button").forEach((b) => b.addEventListener("click", () => {
    document.querySelectorAll(".tabs button").forEach((x) => x.classList.toggle("active", x === b));
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.id === "tab-" + b.dataset.tab));
    if (b.dataset.tab === "graph" && view.pending) initialView();
    if (b.dataset.tab === "runs") loadRuns();
  }));
  $("runs-form").addEventListener("submit", (e) => { e.preventDefault(); compareRuns(); });
  $("runs-refresh").addEventListener("click", loadRuns);
  $("runs-list").addEventListener("click", (e) => { const b = e.target.closest("button.reopen"); if (b) reopenRun(b.dataset.run); });
  $("sweep-form").addEventListener("submit", (e) => { e.preventDefault();
    runJob("sweep", scenarioBody({ parameter: $("sweep-param").value, low: $("sweep-low").value, high: $("sweep-high").value, step: $("sweep-step").value }),
      { button: e.submitter || $("sweep-form").querySelector("button.primary"), cancel: $("sweep-cancel"), progress: $("sweep-progress"), status: $("sweep-status"), result: $("sweep-result"), render: renderSweep }); });
  $("mc-form").addEventListener("submit", (e) => { e.preventDefault();
    runJob("uncertainty", scenarioBody({ samples: +$("mc-n").value, seed: +$("mc-seed").value }),
      { button: $("mc-form").querySelector("button.primary"), cancel: $("mc-cancel"), progress: $("mc-progress"), status: $("mc-status"), result: $("mc-result"), render: renderMC }); });
  $("inverse-form").addEventListener("submit", (e) => { e.preventDefault(); runInverse(); });
  $("map-form").addEventListener("submit", (e) => { e.preventDefault(); runMap(); });
  await loadBuiltin($("builtin").value);
});
