// Theme toggle, the phone menu, one-at-a-time hints, print, live figures, ←/→ chapter navigation
// and client-side full-text search.
// Works from file:// (the index is a script, not a fetched JSON file) and over HTTP.
(function () {
  var root = document.documentElement;
  function applyHighlightTheme() {
    var dark = root.getAttribute("data-theme") === "dark";
    document.getElementById("hljs-dark").disabled = !dark;
    var light = document.getElementById("hljs-light");
    light.disabled = dark;
    light.media = "all";
  }
  applyHighlightTheme();
  document.getElementById("theme-toggle").addEventListener("click", function () {
    var next = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", next);
    try { localStorage.setItem("edge-kata-theme", next); } catch (e) { /* ignore */ }
    applyHighlightTheme();
  });

  // Phones: the table of contents is a menu the ☰ button opens and Escape or a tap outside closes.
  var menu = document.getElementById("menu-toggle");
  var sidebar = document.getElementById("sidebar");
  function setMenu(open) {
    document.body.classList.toggle("nav-open", open);
    menu.setAttribute("aria-expanded", String(open));
  }
  menu.addEventListener("click", function () { setMenu(!document.body.classList.contains("nav-open")); });
  document.addEventListener("click", function (e) {
    if (document.body.classList.contains("nav-open") && !sidebar.contains(e.target) && !menu.contains(e.target)) setMenu(false);
  });

  // Hints: each level's hints are collapsed, and the next one appears only once the previous
  // one has been opened, as `npm run kata -- hint` reveals them one at a time.
  Array.prototype.forEach.call(document.querySelectorAll(".callout-hint"), function (box) {
    var steps = box.querySelectorAll("details.hint-step");
    Array.prototype.forEach.call(steps, function (step, i) {
      if (i > 0) step.hidden = true;
      step.addEventListener("toggle", function () {
        if (step.open && steps[i + 1]) steps[i + 1].hidden = false;
      });
    });
  });

  // Printing shows every spoiler and hint; the reader's open/closed state comes back after.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    openedForPrint = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    openedForPrint.forEach(function (d) { d.dataset.printHidden = d.hidden ? "1" : ""; d.hidden = false; d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (d) { d.open = false; d.hidden = d.dataset.printHidden === "1"; });
    openedForPrint = [];
  });

  // Live figures: their simulation is a separate script, loaded only where a page has one.
  if (document.querySelector("figure[data-live]")) {
    var live = document.createElement("script");
    live.src = "assets/live-figures.js";
    document.body.appendChild(live);
  }

  var input = document.getElementById("search");
  var results = document.getElementById("search-results");
  var index = window.BOOK_SEARCH || [];
  function escapeHtml(s) {
    return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function search(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 1; });
    if (terms.length === 0) return [];
    var hits = [];
    index.forEach(function (entry) {
      var hay = (entry.title + " " + entry.text).toLowerCase();
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var at = hay.indexOf(terms[i]);
        if (at < 0) return;
        score += (entry.title.toLowerCase().indexOf(terms[i]) >= 0 ? 10 : 1);
      }
      var pos = entry.text.toLowerCase().indexOf(terms[0]);
      var snippet = entry.text.slice(Math.max(0, pos - 60), pos + 100);
      hits.push({ entry: entry, score: score, snippet: snippet });
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    return hits.slice(0, 12);
  }
  // The query's terms, marked in a result's title and snippet (escaped first, so a term is never HTML).
  function highlight(text, query) {
    var terms = query.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 1; })
      .map(function (t) { return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    if (terms.length === 0) return escapeHtml(text);
    // split() with a capturing group puts the matches at the odd indices.
    return text.split(new RegExp("(" + terms.join("|") + ")", "gi")).map(function (part, i) {
      return i % 2 === 1 ? "<mark>" + escapeHtml(part) + "</mark>" : escapeHtml(part);
    }).join("");
  }
  var selected = -1;
  function select(i) {
    var items = results.querySelectorAll("li");
    if (items.length === 0) return;
    selected = (i + items.length) % items.length;
    Array.prototype.forEach.call(items, function (li, j) { li.classList.toggle("selected", j === selected); li.setAttribute("aria-selected", String(j === selected)); });
    items[selected].scrollIntoView({ block: "nearest" });
  }
  input.addEventListener("input", function () {
    var hits = search(input.value);
    selected = -1;
    if (!input.value.trim()) { results.hidden = true; return; }
    results.hidden = false;
    results.innerHTML = hits.length === 0
      ? '<p class="no-results">No results.</p>'
      : '<ol role="listbox">' + hits.map(function (h) {
          return '<li role="option" aria-selected="false"><a href="' + h.entry.url + '">' + highlight(h.entry.chapter + " › " + h.entry.title, input.value) +
            "</a><p>…" + highlight(h.snippet, input.value) + "…</p></li>";
        }).join("") + "</ol>";
  });
  // ↓/↑ move through the results, Enter opens the selected one (the first if none is).
  input.addEventListener("keydown", function (e) {
    if (results.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); select(selected + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); select(selected - 1); }
    else if (e.key === "Enter") {
      var link = results.querySelectorAll("li a")[Math.max(selected, 0)];
      if (link) { e.preventDefault(); window.location.href = link.getAttribute("href"); }
    }
  });
  // ←/→ open the previous/next chapter, as mdBook does; never while typing in a field or moving
  // a control (a slider takes the arrows), nor with a modifier (Alt+← is the browser's Back).
  function typing(el) {
    return !!el && (el.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName));
  }
  document.addEventListener("keydown", function (e) {
    if ((e.key === "ArrowLeft" || e.key === "ArrowRight") && !e.defaultPrevented && !e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && !typing(e.target)) {
      var link = document.querySelector(e.key === "ArrowLeft" ? ".pager a[rel=prev]" : ".pager a[rel=next]");
      if (link) { e.preventDefault(); window.location.href = link.getAttribute("href"); }
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== input) { e.preventDefault(); input.focus(); }
    if (e.key === "Escape") { results.hidden = true; input.blur(); setMenu(false); }
  });
})();
