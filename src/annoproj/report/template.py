"""The report page: HTML skeleton with inline CSS and JS; ``@@NAME@@`` marks are filled in.

Cards are rendered in the browser from the embedded JSON (element ``#report-data``), a chunk
at a time as the reader scrolls. Filters live in the URL hash, e.g.
``report.html#filter=disagreements&label=PER&q=berlin`` or ``#filter=low&min=0.4``; the
order in ``sort=confidence`` or ``sort=errors``.
"""

CSS = r"""
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;
  color:#1d232b;background:#f3f4f6}
header{padding:12px 18px 6px;background:#fff;border-bottom:1px solid #dde1e6}
h1{font-size:18px;margin:0 0 8px}
.sum{display:flex;flex-wrap:wrap;gap:6px 40px;align-items:flex-start}
.sum>div{flex:1 1 480px}
.stats{display:flex;flex-wrap:wrap;gap:4px 22px;margin:0 0 8px}
.stats div{display:flex;gap:6px;align-items:baseline}
.stats dt{color:#5b6470}.stats dd{margin:0;font-weight:600}
table.prf{border-collapse:collapse;font-size:13px;margin:4px 0 6px}
table.prf th,table.prf td{padding:1px 10px 1px 0;text-align:right}
table.prf th:first-child{text-align:left}
table.prf thead th{color:#5b6470;font-weight:500;border-bottom:1px solid #dde1e6}
table.prf tr.micro th,table.prf tr.micro td{font-weight:700}
.status-counts{margin:4px 0}
.warn{margin:4px 0;color:#8a4b00;background:#fff4e0;padding:3px 8px;border-radius:4px}
#filters{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;
  padding:8px 18px;background:#fafbfc;border-bottom:1px solid #dde1e6}
#filters label{display:flex;gap:6px;align-items:center}
#filters input[type=search]{width:220px;padding:3px 6px}
#filters output{font-variant-numeric:tabular-nums;width:2.6em}
#count{margin-left:auto;color:#5b6470}
.legend{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:2px 0 6px;color:#5b6470;font-size:12px}
.chip{display:inline-block;padding:0 6px;border-radius:4px;color:#1d232b;font-size:12px;font-weight:600}
.card{position:relative;background:#fff;margin:10px 18px;padding:8px 14px 10px;border-radius:7px;
  box-shadow:0 1px 2px rgba(0,0,0,.08);border-left:4px solid #cfd5dc}
.card.bad{border-left-color:#e0604f}.card.ok{border-left-color:#5fb36b}
.hd{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:center;font-size:12px;color:#5b6470;margin-bottom:2px}
.hd .num{font-weight:700;color:#1d232b}
.row{display:flex;gap:10px;align-items:baseline}
.row+.row{margin-top:16px}
.side{flex:none;width:28px;font-size:11px;color:#8a939e;text-transform:uppercase}
.toks{flex:1;font-size:15px;line-height:2.05;unicode-bidi:plaintext;overflow-wrap:anywhere}
.tok{padding:1px 1px;border-radius:3px;border-bottom:3px solid transparent}
.ent{padding:2px 3px;border-radius:4px;-webkit-box-decoration-break:clone;box-decoration-break:clone;
  cursor:default;outline-offset:1px}
.ent .ent{padding:1px 2px}
.ent.dropped{background:none!important;outline:1px dashed #9aa3ad}
.ent.lost{outline:2px dashed #d9412f}
.ent.hl{outline:2px solid #1d232b}
.lab{font-size:10px;font-weight:700;margin-left:3px;letter-spacing:.02em;opacity:.75}
.badge{font-size:10px;margin-left:3px;padding:0 3px;border-radius:3px;background:rgba(255,255,255,.75);
  font-variant-numeric:tabular-nums}
.badge.low{background:#d9412f;color:#fff}
.tok.al{background:#ffe14d;box-shadow:0 0 0 1px #d1a800}
.tok.me{box-shadow:0 0 0 2px #1d232b}
.tok.gold{border-bottom-style:solid}
.tok.gold.missed{border-bottom-style:dashed;border-bottom-color:#d9412f!important}
.errs{margin:6px 0 0 38px;padding:0;list-style:none;font-size:12px;color:#39414b}
.errs li{margin:1px 0}
.st{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;font-weight:700;color:#fff}
.st-exact{background:#3f9a4c}.st-boundary{background:#d9822b}.st-label{background:#8e59c9}
.st-spurious{background:#d9412f}.st-missed{background:#a32a1c}.st-lost{background:#d9412f}
.st-low{background:#6b7580}.hd .conf{color:#8a939e}
.mark{font-size:10px;font-weight:700;margin-left:2px}
.mark.st-exact,.mark.st-boundary,.mark.st-label,.mark.st-spurious{background:none}
.mark.st-exact{color:#3f9a4c}.mark.st-boundary{color:#d9822b}.mark.st-label{color:#8e59c9}
.mark.st-spurious{color:#d9412f}
svg.lines{position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none;overflow:visible}
svg.lines line{stroke:#c79a00;stroke-width:1.6;stroke-opacity:.85}
#more{text-align:center;padding:16px;color:#5b6470}
#more button{padding:4px 14px}
.empty{margin:30px 18px;color:#5b6470}
.analysis{display:flex;flex-wrap:wrap;gap:6px 40px;align-items:flex-start;margin:4px 0 6px}
.analysis h2{font-size:14px;margin:4px 0 2px}
.analysis .note{margin:0 0 2px;color:#5b6470;font-size:12px}
table.prf th.txt{font-weight:500;max-width:22em;overflow-wrap:anywhere}
table.conf td.diag{background:#e3f3e5;font-weight:700}
table.conf td.off{background:#fdeae7}
body.two .side{width:6.5em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;text-transform:none}
.toks.empty-b{font-size:12px;color:#8a939e}
.ent.only{outline:2px dotted #1d232b}
.card.diff{border-left-color:#3b6fd1}
.st-diff{background:#3b6fd1}
@media print{#filters{position:static}}
"""

JS = r"""
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const P = D.pairs, COLORS = D.colors, CHUNK = 50;
  const NAMES = {label: "wrong label"};
  const $ = (id) => document.getElementById(id);
  const ui = {mode: $("f-mode"), sort: $("f-sort"), min: $("f-min"), minOut: $("f-min-out"), label: $("f-label"),
              q: $("f-q"), lines: $("f-lines"), shown: $("shown"), cards: $("cards"), more: $("more")};
  let matches = [], rendered = 0, lit = [], svgNow = null;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function rgb(hex) { const n = parseInt(hex.slice(1), 16); return [n >> 16 & 255, n >> 8 & 255, n & 255]; }
  function rgba(hex, a) { const c = rgb(hex); return "rgba(" + c[0] + "," + c[1] + "," + c[2] + "," + a + ")"; }
  function dark(hex) { const c = rgb(hex).map((x) => Math.round(x * 0.62)); return "rgb(" + c.join(",") + ")"; }
  function color(label) { return COLORS[label] || "#d0d0d0"; }
  function fmt(x) { return x === null || x === undefined ? "" : x.toFixed(2); }
  function words(p, side, s, e) { return (side === "s" ? p.s : p.t).slice(s, e).join(" "); }

  // ---------- filtering ----------
  function searchText(p) {
    if (p._q === undefined) p._q = (String(p.n + 1) + " " + p.id + "\n" + p.s.join(" ") + "\n" + p.t.join(" ")).toLowerCase();
    return p._q;
  }
  function hasLabel(p, l) {
    return p.se.some((x) => x[2] === l) || p.te.some((x) => x[2] === l) || (p.g || []).some((x) => x[2] === l);
  }
  function readState() {
    return {mode: ui.mode.value, sort: ui.sort.value, min: parseFloat(ui.min.value), label: ui.label.value, q: ui.q.value.trim().toLowerCase()};
  }
  function keep(st) {
    return (p) => {
      if (st.mode === "disagreements" && !(p.k && p.k.length)) return false;
      if (st.mode === "low" && !(p.m !== null && p.m < st.min)) return false;
      if (st.mode === "lost" && !p.lost) return false;
      if (st.mode === "differ" && !p.d) return false;
      if (st.label && !hasLabel(p, st.label)) return false;
      if (st.q && searchText(p).indexOf(st.q) < 0) return false;
      return true;
    };
  }
  function fromHash() {
    const h = new URLSearchParams(location.hash.replace(/^#/, ""));
    const mode = h.get("filter") || "all";
    ui.mode.value = Array.from(ui.mode.options).some((o) => o.value === mode && !o.disabled) ? mode : "all";
    const sort = h.get("sort") || "order";
    ui.sort.value = Array.from(ui.sort.options).some((o) => o.value === sort && !o.disabled) ? sort : "order";
    if (h.has("min") && !isNaN(parseFloat(h.get("min")))) ui.min.value = h.get("min");
    ui.label.value = Array.from(ui.label.options).some((o) => o.value === (h.get("label") || "")) ? (h.get("label") || "") : "";
    ui.q.value = h.get("q") || "";
    if (ui.lines) ui.lines.checked = h.get("lines") !== "0";
  }
  function toHash(st) {
    const h = new URLSearchParams();
    if (st.mode !== "all") h.set("filter", st.mode);
    if (st.mode === "low") h.set("min", String(st.min));
    if (st.sort !== "order") h.set("sort", st.sort);
    if (st.label) h.set("label", st.label);
    if (ui.q.value.trim()) h.set("q", ui.q.value.trim());
    if (ui.lines && !ui.lines.checked) h.set("lines", "0");
    const s = h.toString();
    history.replaceState(null, "", s ? "#" + s : location.pathname + location.search);
  }
  function apply(write) {
    const st = readState();
    ui.minOut.value = st.min.toFixed(2);
    ui.min.disabled = st.mode !== "low";
    if (write) toHash(st);
    const f = keep(st);
    matches = [];
    for (let j = 0; j < P.length; j++) if (f(P[j])) matches.push(j);
    sortMatches(st.sort);
    ui.shown.textContent = matches.length.toLocaleString();
    document.body.dataset.matches = String(matches.length);
    ui.cards.textContent = "";
    rendered = 0;
    if (!matches.length) ui.cards.append(el("p", "empty", "No sentence pair matches these filters."));
    more();
  }
  // stable sorts: lowest minimum confidence first (pairs without scores last), or most errors
  // against gold first; ties keep the file order
  function sortMatches(how) {
    if (how === "confidence") {
      const m = (j) => P[j].m === null || P[j].m === undefined ? Infinity : P[j].m;
      matches.sort((a, b) => m(a) - m(b) || a - b);
    } else if (how === "errors") {
      matches.sort((a, b) => (P[b].e || 0) - (P[a].e || 0) || a - b);
    }
  }
  function more() {
    const stop = Math.min(matches.length, rendered + CHUNK);
    const frag = document.createDocumentFragment();
    for (; rendered < stop; rendered++) frag.append(card(matches[rendered]));
    ui.cards.append(frag);
    ui.more.textContent = "";
    if (rendered < matches.length) {
      const b = el("button", "", "show " + Math.min(CHUNK, matches.length - rendered) + " more (" + (matches.length - rendered) + " left)");
      b.type = "button";
      b.addEventListener("click", more);
      ui.more.append(b);
    }
  }

  // ---------- cards ----------
  function makeEnt(sp, side, p) {
    const e = el("span", "ent");
    e.dataset.side = side;
    e.dataset.k = String(sp.k);
    const c = color(sp.label);
    let tip = sp.label;
    if (side === "s") {
      e.style.background = c;
      if (!sp.kept) { e.classList.add("dropped"); tip += " · ignored by the label map"; }
      else if (sp.lost) { e.classList.add("lost"); tip += " · not projected"; }
    } else {
      const a = sp.score === null ? 1 : 0.22 + 0.78 * Math.max(0, Math.min(1, sp.score));
      e.style.background = rgba(c, a.toFixed(3));
      e.dataset.src = String(sp.src);
      if (sp.score !== null) tip += " · confidence " + sp.score.toFixed(3);
      if (sp.src >= 0) tip += " · from «" + words(p, "s", p.se[sp.src][0], p.se[sp.src][1]) + "»";
      if (sp.status) tip += " · " + (NAMES[sp.status] || sp.status);
    }
    if (sp.clipped) tip += " · overlaps another span";
    if (sp.only) { e.classList.add("only"); tip += " · only in " + sp.only; }
    e.title = tip;
    return e;
  }
  function closeEnt(item, side) {
    const sp = item.sp, e = item.node;
    e.append(el("span", "lab", sp.label));
    if (side === "t" && sp.score !== null) {
      const b = el("span", "badge" + (sp.score < parseFloat(ui.min.value) ? " low" : ""), fmt(sp.score));
      e.append(b);
    }
    if (side === "t" && sp.status) {
      const sym = {exact: "\u2713", boundary: "\u2194", label: "\u2260", spurious: "\u2717"}[sp.status] || "";
      e.append(el("span", "mark st-" + sp.status, sym));
    }
  }
  function add(parent, node) {
    if (parent.childNodes.length && !(parent.lastChild.nodeType === 3)) parent.append(" ");
    parent.append(node);
  }
  function buildRow(p, side, spans, goldDeco, toks) {
    const tokens = side === "s" ? p.s : p.t;
    const box = el("div", "toks");
    box.dir = "auto";
    const order = spans.map((x, k) => k).sort((a, b) => spans[a].s - spans[b].s || spans[b].e - spans[a].e);
    const stack = [{node: box, e: Infinity}];
    let oi = 0;
    for (let i = 0; i < tokens.length; i++) {
      while (stack.length > 1 && stack[stack.length - 1].e <= i) closeEnt(stack.pop(), side);
      while (oi < order.length && spans[order[oi]].s <= i) {
        const sp = spans[order[oi++]];
        const top = stack[stack.length - 1];
        if (sp.e > top.e) sp.clipped = true;
        const node = makeEnt(sp, side, p);
        add(top.node, node);
        stack.push({node: node, e: Math.min(sp.e, top.e), sp: sp});
      }
      const t = el("span", "tok", tokens[i]);
      t.dataset.i = String(i);
      const g = goldDeco && goldDeco[i];
      if (g) {
        t.classList.add("gold");
        if (g.missed) t.classList.add("missed");
        t.style.borderBottomColor = dark(color(g.label));
        t.title = "gold " + g.label + (g.missed ? " · missed" : "");
      }
      add(stack[stack.length - 1].node, t);
      toks.push(t);
    }
    while (stack.length > 1) closeEnt(stack.pop(), side);
    return box;
  }
  function row(side, name, box, cls) {
    const r = el("div", "row " + (cls || (side === "s" ? "src" : "tgt")));
    const lab = el("span", "side", name);
    lab.title = name;
    r.append(lab, box);
    return r;
  }
  function card(j) {
    const p = P[j];
    const c = el("div", "card");
    c.dataset.j = String(j);
    if (p.k) c.classList.add(p.k.length ? "bad" : "ok");
    const hd = el("div", "hd");
    hd.append(el("span", "num", "#" + (p.n + 1)));
    if (p.id) hd.append(el("span", "id", p.id));
    for (const k of p.k || []) hd.append(el("span", "st st-" + k, NAMES[k] || k));
    if (p.k && !p.k.length && (p.te.length || p.g.length)) hd.append(el("span", "st st-exact", "all exact"));
    if (p.lost) hd.append(el("span", "st st-lost", p.lost + " unprojected"));
    if (p.d) { c.classList.add("diff"); hd.append(el("span", "st st-diff", D.names[0] + " \u2260 " + D.names[1])); }
    if (p.m !== null) hd.append(el("span", p.m < parseFloat(ui.min.value) ? "st st-low" : "conf", "min conf " + fmt(p.m)));
    c.append(hd);
    const projected = new Set(p.te.map((x) => x[4]).filter((x) => x >= 0));
    const knowSources = p.te.some((x) => x[4] >= 0) || !p.te.length;
    const sSpans = p.se.map((x, k) => ({s: x[0], e: x[1], label: x[2], kept: !!x[3], k: k,
                                       lost: knowSources && !!x[3] && !projected.has(k)}));
    const tSpans = p.te.map((x, k) => ({s: x[0], e: x[1], label: x[2], score: x[3], src: x[4], status: x[5], k: k}));
    const key = (x) => x[0] + ":" + x[1] + ":" + x[2];
    let bSpans = null;
    if (p.b) {
      const inA = new Set(p.te.map(key)), inB = new Set(p.b.map(key));
      bSpans = p.b.map((x, k) => ({s: x[0], e: x[1], label: x[2], score: x[3], src: x[4], status: x[5], k: k,
                                   only: inA.has(key(x)) ? "" : D.names[1]}));
      for (const sp of tSpans) if (!inB.has(key(p.te[sp.k]))) sp.only = D.names[0];
    }
    let goldDeco = null;
    if (p.g) {
      goldDeco = new Array(p.t.length);
      for (const g of p.g) for (let i = g[0]; i < g[1]; i++) goldDeco[i] = {label: g[2], missed: g[3] === "missed"};
    }
    c._s = []; c._t = [];
    c.append(row("s", "src", buildRow(p, "s", sSpans, null, c._s)));
    c.append(row("t", D.has_compare ? D.names[0] : "tgt", buildRow(p, "t", tSpans, goldDeco, c._t)));
    if (bSpans) c.append(row("t", D.names[1], buildRow(p, "t", bSpans, goldDeco, []), "tgt cmp"));
    else if (D.has_compare) c.append(row("t", D.names[1], el("div", "toks empty-b", "(no sentence in " + D.names[1] + ")"), "tgt cmp"));
    if (p.g) {
      const errs = el("ul", "errs");
      for (const x of p.te) {
        if (!x[5] || x[5] === "exact") continue;
        const li = el("li");
        li.append(el("span", "st st-" + x[5], NAMES[x[5]] || x[5]), " «" + words(p, "t", x[0], x[1]) + "» " + x[2]);
        const over = p.g.filter((g) => g[0] < x[1] && x[0] < g[1]);
        if (over.length) li.append("; gold " + over.map((g) => "«" + words(p, "t", g[0], g[1]) + "» " + g[2]).join(", "));
        errs.append(li);
      }
      for (const g of p.g) {
        if (g[3] !== "missed") continue;
        const li = el("li");
        li.append(el("span", "st st-missed", "missed"), " «" + words(p, "t", g[0], g[1]) + "» " + g[2]);
        errs.append(li);
      }
      if (errs.childNodes.length) c.append(errs);
    }
    return c;
  }

  // ---------- hover: entity correspondence and alignment links ----------
  function links(p) {
    if (!p.a) return null;
    if (!p._fw) {
      p._fw = p.s.map(() => []); p._bw = p.t.map(() => []);
      for (let x = 0; x < p.a.length; x += 2) { p._fw[p.a[x]].push(p.a[x + 1]); p._bw[p.a[x + 1]].push(p.a[x]); }
    }
    return p;
  }
  function light(node, cls) { node.classList.add(cls); lit.push([node, cls]); }
  function clear() {
    for (const [n, c] of lit) n.classList.remove(c);
    lit = [];
    if (svgNow) { svgNow.remove(); svgNow = null; }
  }
  function drawLines(c, pairs) {
    if (!pairs.length || (ui.lines && !ui.lines.checked)) return;
    const box = c.getBoundingClientRect();
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "lines");
    for (const [a, b] of pairs) {
      const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
      const ln = document.createElementNS("http://www.w3.org/2000/svg", "line");
      ln.setAttribute("x1", (ra.left + ra.width / 2 - box.left).toFixed(1));
      ln.setAttribute("y1", (ra.bottom - box.top).toFixed(1));
      ln.setAttribute("x2", (rb.left + rb.width / 2 - box.left).toFixed(1));
      ln.setAttribute("y2", (rb.top - box.top).toFixed(1));
      svg.append(ln);
    }
    c.append(svg);
    svgNow = svg;
  }
  function hover(ev) {
    const c = ev.target.closest && ev.target.closest(".card");
    clear();
    if (!c) return;
    const p = P[+c.dataset.j];
    const ent = ev.target.closest(".ent"), tok = ev.target.closest(".tok");
    if (ent) {
      light(ent, "hl");
      if (ent.dataset.side === "s") {
        for (const t of c.querySelectorAll('.ent[data-side="t"][data-src="' + ent.dataset.k + '"]')) light(t, "hl");
      } else if (+ent.dataset.src >= 0) {
        for (const t of c.querySelectorAll('.ent[data-side="s"][data-k="' + ent.dataset.src + '"]')) light(t, "hl");
      }
    }
    if (tok && links(p)) {
      const i = +tok.dataset.i, src = tok.closest(".src") !== null;
      light(tok, "me");
      const pairs = [];
      for (const o of (src ? p._fw[i] : p._bw[i]) || []) {
        const other = src ? c._t[o] : c._s[o];
        if (!other) continue;
        light(other, "al");
        pairs.push(src ? [tok, other] : [other, tok]);
      }
      drawLines(c, pairs);
    }
  }

  // ---------- wiring ----------
  let timer = 0;
  ui.q.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => apply(true), 150); });
  for (const x of [ui.mode, ui.sort, ui.label, ui.lines]) if (x) x.addEventListener("change", () => apply(true));
  ui.min.addEventListener("input", () => apply(true));
  window.addEventListener("hashchange", () => { fromHash(); apply(false); });
  ui.cards.addEventListener("mouseover", hover);
  ui.cards.addEventListener("mouseleave", clear);
  if (!D.has_alignments && ui.lines) ui.lines.parentElement.hidden = true;
  if (D.has_compare) document.body.classList.add("two");
  if ("IntersectionObserver" in window) {
    new IntersectionObserver((es) => { if (es.some((e) => e.isIntersecting) && rendered < matches.length) more(); },
                             {rootMargin: "600px"}).observe(ui.more);
  }
  function hoverFromHash() {
    // "#hover=J.s.I" (or J.t.I) hovers token I of the source (target) side of pair J, for
    // links to a highlighted token and for headless checks of the page.
    const h = new URLSearchParams(location.hash.replace(/^#/, "")).get("hover");
    const m = h && /^(\d+)\.([st])\.(\d+)$/.exec(h);
    if (!m) return;
    const c = ui.cards.querySelector('.card[data-j="' + m[1] + '"]');
    const t = c && (m[2] === "s" ? c._s : c._t)[+m[3]];
    if (t) { t.scrollIntoView({block: "nearest"}); t.dispatchEvent(new MouseEvent("mouseover", {bubbles: true})); }
  }
  fromHash();
  apply(false);
  hoverFromHash();
})();
"""

TEMPLATE = (
    """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="annoproj report">
<title>@@TITLE@@</title>
<style>"""
    + CSS
    + """</style>
</head>
<body>
<header>
<h1>@@TITLE@@</h1>
@@SUMMARY@@
@@ANALYSIS@@
<div class="legend">labels @@LEGEND@@ <span>· confidence = opacity and badge · gold = underline
(dashed red: missed) · hover an entity for its projection, a token for its alignment links</span></div>
</header>
<form id="filters" role="search" onsubmit="return false">
<label>show <select id="f-mode">
<option value="all">all</option>
<option value="disagreements"@@GOLD_DISABLED@@>disagreements with gold</option>
<option value="low">low confidence</option>
<option value="lost">unprojected source entities</option>
@@COMPARE_OPTION@@</select></label>
<label>sort <select id="f-sort">
<option value="order">file order</option>
<option value="confidence">lowest confidence first</option>
<option value="errors"@@GOLD_DISABLED@@>most errors first</option>
</select></label>
<label>confidence &lt; <input type="range" id="f-min" min="0" max="1" step="0.05" value="0.5">
<output id="f-min-out" for="f-min">0.50</output></label>
<label>label <select id="f-label"><option value="">any</option>@@LABEL_OPTIONS@@</select></label>
<label>search <input type="search" id="f-q" placeholder="tokens or id"></label>
<label><input type="checkbox" id="f-lines" checked> alignment lines</label>
<span id="count"><b id="shown">@@TOTAL@@</b> of @@TOTAL@@ sentence pairs</span>
</form>
<main id="cards"></main>
<div id="more"></div>
<noscript><p class="empty">This report renders its sentence pairs with JavaScript.</p></noscript>
<script type="application/json" id="report-data">@@DATA@@</script>
<script>"""
    + JS
    + """</script>
</body>
</html>
"""
)
