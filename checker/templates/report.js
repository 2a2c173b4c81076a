(function () {
  "use strict";
  // The findings list is rendered here from the JSON data block; the document text and its claim
  // spans are already in the page. Only textContent/createElement are used: no data becomes HTML.
  var root = document.documentElement;
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var ALL = DATA.findings;
  var RANK = { error: 2, warning: 1, info: 0 };
  var BATCH = 150;
  var byId = new Map();
  var docLabel = {};
  DATA.documents.forEach(function (d) { docLabel[d.id] = d.label; });
  ALL.forEach(function (f, i) { f._i = i; byId.set(f.id, f); });

  function $(id) { return document.getElementById(id); }
  var list = $("findings"), detail = $("detail"), q = $("q"), countEl = $("count"), clearBtn = $("clear");
  var selKind = $("f-kind"), selSev = $("f-sev"), selRule = $("f-rule"), selSort = $("f-sort");
  var docsBox = document.querySelector(".docs");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // claim id -> its span fragments (DOM order); first-fragment order gives document order
  var spans = new Map(), claimPos = new Map();
  var hls = document.querySelectorAll(".hl[data-claim]");
  for (var i = 0; i < hls.length; i++) {
    var cid = hls[i].getAttribute("data-claim"), frags = spans.get(cid);
    if (frags) { frags.push(hls[i]); } else { spans.set(cid, [hls[i]]); claimPos.set(cid, claimPos.size); }
  }
  ALL.forEach(function (f) {
    var best = Infinity;
    f.claims.forEach(function (c) { var p = claimPos.get(c); if (p !== undefined && p < best) best = p; });
    f._pos = best;
  });
  function claimText(cid) {
    var frags = spans.get(cid);
    return frags ? frags.map(function (e) { return e.textContent; }).join(" ") : "";
  }
  function hay(f) {
    if (f._hay === undefined) {
      f._hay = [f.message, f.kind, f.kindLabel, f.rule, f.ruleName, f.check, f.id, f.severity]
        .concat(f.claims.map(claimText)).join("\n").toLowerCase();
    }
    return f._hay;
  }

  // ---------------------------------------------------------------- filter options with counts
  function options(select, values, label) {
    var map = new Map();
    values.forEach(function (v) {
      var o = el("option", null, label(v));
      o.value = v;
      select.appendChild(o);
      map.set(v, { opt: o, label: label(v) });
    });
    map.set("", { opt: select.options[0], label: select.options[0].textContent });
    return map;
  }
  function distinct(key) {
    var seen = new Map();
    ALL.forEach(function (f) { seen.set(f[key], (seen.get(f[key]) || 0) + 1); });
    return Array.from(seen.keys());
  }
  var kinds = distinct("kind").sort(function (a, b) {
    var fa = ALL.find(function (f) { return f.kind === a; }), fb = ALL.find(function (f) { return f.kind === b; });
    return fa.rule < fb.rule ? -1 : fa.rule > fb.rule ? 1 : a < b ? -1 : 1;
  });
  var kindOpts = options(selKind, kinds, function (k) { return byKind(k).kindLabel; });
  function byKind(k) { return ALL.find(function (f) { return f.kind === k; }); }
  var sevOpts = options(selSev, ["error", "warning", "info"].filter(function (s) {
    return ALL.some(function (f) { return f.severity === s; });
  }), function (s) { return s; });
  var ruleOpts = options(selRule, distinct("rule").sort(), function (r) {
    var f = ALL.find(function (x) { return x.rule === r; });
    return f.ruleName ? r + " " + f.ruleName : r;
  });
  function setCounts(opts, counts, total) {
    opts.forEach(function (o, v) {
      var n = v === "" ? total : counts[v] || 0;
      o.opt.textContent = o.label + " (" + n + ")";
    });
  }

  // ---------------------------------------------------------------- state, filtering
  var state = { q: "", kind: "", sev: "", rule: "", sort: "severity" };
  var view = [], rendered = 0, selected = null, active = [], dimmed = false;
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    if (entries.some(function (e) { return e.isIntersecting; })) renderMore(BATCH);
  }, { root: list, rootMargin: "400px" }) : null;

  function filtering() { return !!(state.q.trim() || state.kind || state.sev || state.rule); }

  function apply() {
    var terms = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var kc = {}, sc = {}, rc = {}, nk = 0, ns = 0, nr = 0;
    view = [];
    for (var i = 0; i < ALL.length; i++) {
      var f = ALL[i], h = terms.length ? hay(f) : "";
      var mq = terms.every(function (t) { return h.indexOf(t) >= 0; });
      var mk = !state.kind || f.kind === state.kind;
      var ms = !state.sev || f.severity === state.sev;
      var mr = !state.rule || f.rule === state.rule;
      if (mq && ms && mr) { kc[f.kind] = (kc[f.kind] || 0) + 1; nk++; }
      if (mq && mk && mr) { sc[f.severity] = (sc[f.severity] || 0) + 1; ns++; }
      if (mq && mk && ms) { rc[f.rule] = (rc[f.rule] || 0) + 1; nr++; }
      if (mq && mk && ms && mr) view.push(f);
    }
    if (state.sort === "doc") {
      view.sort(function (a, b) { return a._pos - b._pos || a._i - b._i; });
    } else {
      view.sort(function (a, b) { return RANK[b.severity] - RANK[a.severity] || a._i - b._i; });
    }
    setCounts(kindOpts, kc, nk);
    setCounts(sevOpts, sc, ns);
    setCounts(ruleOpts, rc, nr);
    countEl.textContent = view.length === ALL.length
      ? ALL.length + (ALL.length === 1 ? " finding" : " findings")
      : "Showing " + view.length + " of " + ALL.length + " findings";
    clearBtn.hidden = !filtering();
    document.querySelectorAll(".chip[data-sev]").forEach(function (c) {
      c.setAttribute("aria-pressed", String(c.getAttribute("data-sev") === state.sev));
    });
    list.textContent = "";
    rendered = 0;
    renderMore(BATCH);
    dim();
    if (selected && view.indexOf(selected) >= 0) markItem(); else if (selected) select(null);
  }

  function dim() {
    if (!filtering()) {
      if (dimmed) spans.forEach(function (frags) { frags.forEach(function (e) { e.classList.remove("dim"); }); });
      dimmed = false;
      return;
    }
    var shown = new Set();
    view.forEach(function (f) { f.claims.forEach(function (c) { shown.add(c); }); });
    spans.forEach(function (frags, cid) {
      var off = !shown.has(cid);
      frags.forEach(function (e) { e.classList.toggle("dim", off); });
    });
    dimmed = true;
  }

  // ---------------------------------------------------------------- list rendering
  function item(f, idx) {
    var li = el("li", "fi t-" + f.tone);
    li.setAttribute("role", "option");
    li.setAttribute("data-idx", String(idx));
    li.setAttribute("data-id", f.id);
    li.setAttribute("aria-selected", "false");
    var top = el("div", "fi-top");
    top.appendChild(el("span", "sev t-" + f.severity, f.severity));
    top.appendChild(el("span", "fi-kind", f.kindLabel));
    top.appendChild(el("span", "fi-rule", f.rule));
    top.appendChild(el("span", "fi-docs", f.docs.map(function (d) { return docLabel[d] || d; }).join(" \u00b7 ")));
    li.appendChild(top);
    li.appendChild(el("div", "fi-msg", f.message));
    return li;
  }

  function renderMore(n) {
    var old = list.querySelector(".more");
    if (old) { if (observer) observer.unobserve(old); old.remove(); }
    var frag = document.createDocumentFragment();
    var end = Math.min(view.length, rendered + n);
    for (; rendered < end; rendered++) frag.appendChild(item(view[rendered], rendered));
    var more = null;
    if (rendered < view.length) {
      more = el("li", "more", (view.length - rendered) + " more\u2026");
      frag.appendChild(more);
    } else if (!view.length) {
      frag.appendChild(el("li", "none", "No findings match the filters."));
    }
    list.appendChild(frag);
    if (more && observer) observer.observe(more);
  }

  function itemFor(f) {
    var idx = view.indexOf(f);
    if (idx < 0) return null;
    if (idx >= rendered) renderMore(idx - rendered + BATCH);
    return list.querySelector('li[data-idx="' + idx + '"]');
  }

  function markItem(scroll) {
    var prev = list.querySelectorAll(".fi.sel");
    prev.forEach(function (li) { li.classList.remove("sel"); li.setAttribute("aria-selected", "false"); });
    if (!selected) return;
    var li = itemFor(selected);
    if (!li) return;
    li.classList.add("sel");
    li.setAttribute("aria-selected", "true");
    if (scroll) {
      var r = li.getBoundingClientRect(), b = list.getBoundingClientRect();
      if (r.top < b.top) list.scrollTop -= b.top - r.top;
      else if (r.bottom > b.bottom) list.scrollTop += r.bottom - b.bottom;
    }
  }

  // ---------------------------------------------------------------- selection
  // Paragraphs off screen are skipped by content-visibility and have estimated heights; before
  // measuring, lay out the paragraphs around the targets for real so the scroll lands exactly.
  var forced = [];
  function layOutAround(frags) {
    forced.forEach(function (p) { p.classList.remove("cv-on"); });
    forced = [];
    frags.forEach(function (e) {
      var p = e.closest("p"), n, k;
      if (!p) return;
      forced.push(p);
      for (n = p.previousElementSibling, k = 0; n && k < 25; n = n.previousElementSibling, k++) forced.push(n);
      for (n = p.nextElementSibling, k = 0; n && k < 25; n = n.nextElementSibling, k++) forced.push(n);
    });
    forced.forEach(function (p) { p.classList.add("cv-on"); });
  }

  function reveal(frags) {
    layOutAround(frags);
    // per document column: the range from the first to the last linked fragment in it; if the
    // range does not fit, its start. Each column scrolls on its own.
    var ranges = new Map();
    frags.forEach(function (e) {
      var box = e.closest(".doc-text");
      if (!box) return;
      var r = e.getBoundingClientRect(), g = ranges.get(box);
      if (!g) ranges.set(box, { top: r.top, bottom: r.bottom });
      else { g.top = Math.min(g.top, r.top); g.bottom = Math.max(g.bottom, r.bottom); }
    });
    ranges.forEach(function (g, box) {
      var b = box.getBoundingClientRect(), room = box.clientHeight - 32;
      if (g.top >= b.top + 8 && g.bottom <= b.top + box.clientHeight - 8) return; // already in view
      var first = frags.find(function (e) { return box.contains(e); }).getBoundingClientRect();
      var h = g.bottom - g.top <= room ? g.bottom - g.top : first.bottom - first.top;
      var top = (g.bottom - g.top <= room ? g.top : first.top) - b.top + box.scrollTop;
      box.scrollTop = Math.max(0, top - Math.max(16, (box.clientHeight - h) / 3));
    });
    var first = frags.length ? frags[0].closest(".doc") : null;
    if (first && docsBox.scrollWidth > docsBox.clientWidth) {
      var dr = first.getBoundingClientRect(), cr = docsBox.getBoundingClientRect();
      if (dr.left < cr.left || dr.right > cr.right) docsBox.scrollLeft += dr.left - cr.left;
    }
  }

  function select(f, how) {
    active.forEach(function (e) { e.classList.remove("active"); });
    active = [];
    selected = f || null;
    markItem(how === "key" || how === "hash" || how === "span");
    if (!selected) {
      detail.hidden = true;
      detail.textContent = "";
      setHash("");
      return;
    }
    selected.claims.forEach(function (c) {
      (spans.get(c) || []).forEach(function (e) { e.classList.add("active"); active.push(e); });
    });
    if (how !== "span") reveal(active);
    showDetail(selected);
    setHash(selected.id);
  }

  function setHash(id) {
    try { history.replaceState(null, "", id ? "#" + encodeURIComponent(id) : location.pathname + location.search); } catch (e) { /* ignore */ }
  }

  function step(d) {
    if (!view.length) return;
    var idx = selected ? view.indexOf(selected) : -1;
    var next = idx < 0 ? (d > 0 ? 0 : view.length - 1) : Math.min(view.length - 1, Math.max(0, idx + d));
    select(view[next], "key");
  }

  function value(v) {
    if (v === null || v === undefined) return el("span", null, "\u2014");
    if (typeof v === "object") {
      var flat = JSON.stringify(v);
      return el("code", null, flat.length <= 60 ? flat : JSON.stringify(v, null, 1));
    }
    if (typeof v === "number") return el("span", null, Number.isInteger(v) ? String(v) : v.toFixed(3));
    return el("span", null, String(v));
  }

  function showDetail(f) {
    detail.textContent = "";
    detail.className = "detail t-" + f.tone;
    var h = el("h3");
    h.appendChild(el("span", "d-kind", f.kindLabel));
    h.appendChild(el("span", "sev t-" + f.severity, f.severity));
    var rule = el("span", "d-rule", f.rule + (f.ruleName ? " " + f.ruleName : ""));
    var info = DATA.rules[f.rule];
    if (info) rule.title = info.summary;
    h.appendChild(rule);
    detail.appendChild(h);
    detail.appendChild(el("p", "d-msg", f.message));
    var dl = el("dl");
    function row(k, v) { dl.appendChild(el("dt", null, k)); var dd = el("dd"); dd.appendChild(v); dl.appendChild(dd); }
    row("check", el("b", "d-check", f.check));
    row("finding", el("span", null, f.id));
    Object.keys(f.scores || {}).forEach(function (k) {
      var v = f.scores[k], box = el("span");
      if (typeof v === "number" && v >= 0 && v <= 1) {
        var m = el("meter"); m.min = 0; m.max = 1; m.value = v; box.appendChild(m);
      }
      box.appendChild(value(v));
      row(k, box);
    });
    detail.appendChild(dl);
    var keys = Object.keys(f.details || {});
    if (keys.length) {
      detail.appendChild(el("h4", null, "Details"));
      var dd2 = el("dl");
      keys.forEach(function (k) {
        dd2.appendChild(el("dt", null, k));
        var dd = el("dd"); dd.appendChild(value(f.details[k])); dd2.appendChild(dd);
      });
      detail.appendChild(dd2);
    }
    detail.appendChild(el("h4", null, f.claims.length === 1 ? "Claim" : "Claims"));
    var ol = el("ol", "d-claims");
    f.claims.forEach(function (c) {
      var li = el("li");
      var d = DATA.claimDocs[c];
      li.appendChild(el("span", "doc-id", d ? docLabel[d] || d : "?"));
      var text = claimText(c);
      // article text: its own bidi isolate, like every piece of it in the page
      li.appendChild(text ? el("bdi", null, text) : document.createTextNode("(claim " + c + " is not in any document)"));
      li.title = c;
      li.addEventListener("click", function () { if (spans.get(c)) reveal(spans.get(c)); });
      ol.appendChild(li);
    });
    detail.appendChild(ol);
    detail.hidden = false;
  }

  // ---------------------------------------------------------------- events
  function reset() {
    state.q = state.kind = state.sev = state.rule = "";
    q.value = selKind.value = selSev.value = selRule.value = "";
    apply();
  }

  list.addEventListener("click", function (e) {
    var li = e.target.closest("li");
    if (!li) return;
    if (li.classList.contains("more")) { renderMore(BATCH); return; }
    var f = byId.get(li.getAttribute("data-id"));
    if (f) select(f, "click");
  });
  docsBox.addEventListener("click", function (e) {
    var s = e.target.closest(".hl[data-f]");
    if (!s || (window.getSelection && String(window.getSelection()).length)) return;
    var ids = s.getAttribute("data-f").split(" ").filter(function (x) { return byId.has(x); });
    if (!ids.length) return;
    var at = selected ? ids.indexOf(selected.id) : -1;
    select(byId.get(ids[(at + 1) % ids.length]), "span");
  });
  q.addEventListener("input", function () { state.q = q.value; apply(); });
  selKind.addEventListener("change", function () { state.kind = selKind.value; apply(); });
  selSev.addEventListener("change", function () { state.sev = selSev.value; apply(); });
  selRule.addEventListener("change", function () { state.rule = selRule.value; apply(); });
  selSort.addEventListener("change", function () { state.sort = selSort.value; apply(); });
  clearBtn.addEventListener("click", reset);
  document.querySelectorAll(".chip[data-sev]").forEach(function (c) {
    c.addEventListener("click", function () {
      var s = c.getAttribute("data-sev");
      state.sev = state.sev === s ? "" : s;
      selSev.value = state.sev;
      apply();
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target, tag = t && t.tagName;
    var typing = tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (t && t.isContentEditable);
    if (e.key === "Escape") {
      e.preventDefault();
      if (filtering()) reset(); else select(null);
      if (typing) t.blur();
      return;
    }
    if (typing) {
      if (e.key === "Enter" && t === q && view.length) { e.preventDefault(); q.blur(); select(view[0], "key"); }
      return;
    }
    if (e.key === "j" || e.key === "n") { e.preventDefault(); step(1); }
    else if (e.key === "k" || e.key === "p") { e.preventDefault(); step(-1); }
    else if (e.key === "/") { e.preventDefault(); q.focus(); q.select(); }
    else if (t === list && (e.key === "ArrowDown" || e.key === "ArrowUp")) { e.preventDefault(); step(e.key === "ArrowDown" ? 1 : -1); }
  });
  window.addEventListener("beforeprint", function () { renderMore(view.length); });

  apply();
  var initial = "";
  try { initial = decodeURIComponent(location.hash.slice(1)); } catch (e) { /* ignore */ }
  if (initial && byId.has(initial)) select(byId.get(initial), "hash");
  void list.offsetHeight; // include the first layout in the ready time
  root.setAttribute("data-ready", performance.now().toFixed(1));
})();
