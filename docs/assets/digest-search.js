// Search over digest's per-language, fragment-loaded index (written by src/digest/publish/search.py; the format is
// described there). Loaded by the search box the first time it is opened; draws results in Material's
// search dialog with Material's markup, ten at a time as the list scrolls. On a page reached from a result
// (?h=query) it marks the query's occurrences.
(function () {
  "use strict";
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
  function start() {
  var box = document.querySelector("[data-digest-search]");
  if (!box) return;
  var config = JSON.parse(document.getElementById("__config").textContent);
  var t = config.translations;
  var lang = document.documentElement.lang || "en";
  var root = new URL(box.getAttribute("data-digest-index") + encodeURIComponent(lang) + "/", location.href);
  var base = new URL(config.base + "/", location.href);
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var TOKEN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;
  var PAGE = 10;
  var morePlacesLabel = box.getAttribute("data-digest-more-places") || "+#";
  var cache = {};

  function fetchJSON(path) {
    if (!cache[path]) {
      cache[path] = fetch(new URL(path, root)).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + r.url);
        return r.json();
      });
    }
    return cache[path];
  }
  var meta = null;
  function loadMeta() {
    return fetchJSON("meta.json").then(function (m) {
      if (!meta) {
        meta = m;
        meta.table = {};
        for (var i = 0; i + 1 < m.fold.length; i += 2) meta.table[m.fold[i]] = m.fold[i + 1];
      }
      return meta;
    });
  }
  // Lower case and Traditional → Simplified, one character for one, so positions in the folded text are
  // positions in the original.
  function fold(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = text[i], lower = c.toLowerCase();
      if (lower.length !== 1) lower = c;
      out += meta.table[lower] || lower;
    }
    return out;
  }
  function hash(token) {
    var h = 0x811c9dc5;
    for (var i = 0; i < token.length; i++) {
      h ^= token.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }
  // A query is read as one phrase: its tokens (Han bigrams covering each run, Latin words) with their
  // offsets, counted across spaces too. A document matches if it holds every token; it matches exactly if
  // they stand at those offsets. A Han character standing alone is looked up as a single character. The
  // parts between spaces are kept for marking the text.
  function parse(query) {
    var terms = [], parts = [], position = 0;
    fold(query).split(/\s+/).forEach(function (raw) {
      var m, before = terms.length, end = 0;
      TOKEN.lastIndex = 0;
      while ((m = TOKEN.exec(raw))) {
        var run = m[0];
        if (m.index > end) position += 1; // punctuation between, as the index counts it
        end = m.index + run.length;
        if (HAN.test(run[0])) {
          if (run.length === 1) terms.push({ token: run, offset: position, single: true });
          for (var i = 0; i + 1 < run.length; i += 2) terms.push({ token: run.substr(i, 2), offset: position + i });
          if (run.length > 1 && run.length % 2 === 1) terms.push({ token: run.substr(run.length - 2, 2), offset: position + run.length - 2 });
          position += run.length;
        } else {
          terms.push({ token: run, offset: position });
          position += 1;
        }
      }
      if (terms.length > before) parts.push({ text: raw });
    });
    return { terms: terms, parts: parts };
  }
  function postings(token) {
    return fetchJSON("t/" + (hash(token) % meta.shards) + ".json").then(function (shard) {
      var found = {}, value = shard[token];
      if (!value) return found;
      var doc = 0;
      value.split(";").forEach(function (entry) {
        var numbers = entry.split(",").map(function (n) { return parseInt(n, 36); });
        doc += numbers[0];
        var positions = [], p = 0;
        for (var i = 1; i < numbers.length; i++) { p += numbers[i]; positions.push(p); }
        found[doc] = { positions: positions };
      });
      return found;
    });
  }
  // Occurrences of the phrase in one document: starts where every term sits at its offset.
  function occurrences(terms, lists, doc) {
    var positional = terms.filter(function (term) { return !term.single; });
    if (!positional.length) return 1;
    var first = positional[0], count = 0;
    var sets = positional.map(function (term) { return new Set(lists[term.token][doc].positions); });
    lists[first.token][doc].positions.forEach(function (p) {
      var start = p - first.offset;
      if (positional.every(function (term, i) { return sets[i].has(start + term.offset); })) count++;
    });
    return count;
  }
  function run(query) {
    return loadMeta().then(function () {
      var terms = parse(query).terms;
      if (!terms.length) return [];
      var wanted = [];
      terms.forEach(function (term) { if (wanted.indexOf(term.token) < 0) wanted.push(term.token); });
      return Promise.all(wanted.map(postings)).then(function (loaded) {
        var lists = {};
        wanted.forEach(function (token, i) { lists[token] = loaded[i]; });
        var smallest = wanted.slice().sort(function (a, b) { return Object.keys(lists[a]).length - Object.keys(lists[b]).length; })[0];
        var results = [];
        Object.keys(lists[smallest]).forEach(function (key) {
          if (!wanted.every(function (token) { return key in lists[token]; })) return;
          var doc = +key, exact = occurrences(terms, lists, doc);
          // BM25's saturation (k = 1.2) without its length norm, which put every short glossary line above
          // the report paragraphs it quotes.
          var tf = exact || 0.5;
          results.push({ doc: doc, exact: exact > 0, score: (tf * 2.2) / (tf + 1.2) });
        });
        results.sort(function (a, b) { return (b.exact - a.exact) || (b.score - a.score) || (a.doc - b.doc); });
        return results;
      });
    });
  }
  // A text's entry in its chunk: [text, places] or, for a text that stands in many places, [text, the
  // first places, how many in all]; the full list (p/<id>.json) loads only when the reader opens it.
  // A chunk starts with the mask of its taken slots in hex (bit s % 4 of digit s / 4 for slot s), then
  // lists the texts of the taken slots in order (search.py, chunk_entry).
  function documentOf(id) {
    return fetchJSON("d/" + Math.floor(id / meta.chunk) + ".json").then(function (chunk) {
      var slot = id % meta.chunk, mask = chunk[0], rank = 1;
      for (var s = 0; s < slot; s++) rank += (parseInt(mask.charAt(s >> 2), 16) >> (s & 3)) & 1;
      return chunk[rank];
    });
  }
  function escape(text) {
    return text.replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }
  // The ranges of `text` where a part of the query occurs (compared folded, so in either script).
  function ranges(text, parts) {
    var folded = fold(text), found = [];
    parts.forEach(function (part) {
      var needle = part.text, at = folded.indexOf(needle);
      while (at >= 0) { found.push([at, at + needle.length]); at = folded.indexOf(needle, at + needle.length); }
    });
    found.sort(function (a, b) { return a[0] - b[0]; });
    return found;
  }
  function marked(text, parts, window) {
    var spans = ranges(text, parts), start = 0, end = text.length;
    if (window && spans.length && text.length > window) {
      start = Math.max(0, spans[0][0] - Math.floor(window / 3));
      end = Math.min(text.length, start + window);
    } else if (window && text.length > window) end = window;
    var out = start > 0 ? "… " : "", at = start;
    spans.forEach(function (s) {
      if (s[0] < at || s[1] > end) return;
      out += escape(text.slice(at, s[0])) + "<mark>" + escape(text.slice(s[0], s[1])) + "</mark>";
      at = s[1];
    });
    return out + escape(text.slice(at, end)) + (end < text.length ? " …" : "");
  }

  // The dialog.
  var input = box.querySelector(".md-search__input");
  var form = box.querySelector("form");
  var metaLine = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var scroller = box.querySelector(".md-search__scrollwrap");
  var current = { query: "", results: [], shown: 0, parts: [], busy: false };
  function count(n) {
    if (n === 0) return t["search.result.none"];
    if (n === 1) return t["search.result.one"];
    return t["search.result.other"].replace("#", String(n));
  }
  function placeLink(place, state, first, text) {
    var url = new URL(place[0], base);
    url.search = "?h=" + encodeURIComponent(state.query);
    var title = escape(place[1]) + (place[2] ? " · " + escape(place[2]) : "");
    return '<a class="md-search-result__link" tabindex="-1" href="' + escape(url.href) + '">' +
      '<article class="md-search-result__article' + (first ? " md-search-result__article--document" : "") + ' md-typeset">' +
      (first ? "<h1>" + title + "</h1><p>" + marked(text, state.parts, 180) + "</p>" : "<h2>" + title + "</h2>") +
      "</article></a>";
  }
  // The places beyond those in the chunk, as Material draws "n more on this page": a <details> whose
  // summary says how many; opening it (click, Enter or Space) fetches the list and adds the links.
  function morePlaces(item, id, shown, total, state) {
    var details = document.createElement("details");
    details.className = "md-search-result__more";
    var summary = document.createElement("summary");
    summary.setAttribute("tabindex", "-1");
    var label = document.createElement("div");
    label.textContent = morePlacesLabel.replace("#", String(total - shown));
    summary.appendChild(label);
    details.appendChild(summary);
    details.addEventListener("toggle", function () {
      if (!details.open || details.getAttribute("data-loaded")) return;
      details.setAttribute("data-loaded", "");
      fetchJSON("p/" + id + ".json").then(function (places) {
        details.insertAdjacentHTML("beforeend", places.slice(shown).map(function (place) {
          return placeLink(place, state, false, "");
        }).join(""));
      }).catch(function (error) { label.textContent = String(error); });
    });
    item.appendChild(details);
  }
  function more() {
    var state = current;
    if (state.busy || state.shown >= state.results.length) return Promise.resolve();
    state.busy = true;
    var page = state.results.slice(state.shown, state.shown + PAGE);
    return Promise.all(page.map(function (r) { return documentOf(r.doc); })).then(function (docs) {
      if (state !== current) return;
      // A result is one text; its first place is the result's link, the other places where the same
      // text stands (a theme page, a glossary entry) follow as links of their own.
      docs.forEach(function (d, i) {
        var text = d[0], places = d[1];
        var item = document.createElement("li");
        item.className = "md-search-result__item";
        item.innerHTML = places.map(function (place, j) { return placeLink(place, state, j === 0, text); }).join("");
        if (d.length > 2) morePlaces(item, page[i].doc, places.length, d[2], state);
        list.appendChild(item);
      });
      state.shown += page.length;
      state.busy = false;
      if (nearBottom()) return more();
    });
  }
  var timer = null;
  function search() {
    var query = input.value.trim();
    if (query === current.query) return;
    var state = (current = { query: query, results: [], shown: 0, parts: [], busy: false });
    list.innerHTML = "";
    if (!query) { metaLine.textContent = t["search.result.placeholder"]; return; }
    run(query).then(function (results) {
      if (state !== current) return;
      state.results = results;
      state.parts = parse(query).parts;
      metaLine.textContent = count(results.length);
      scroller.scrollTop = 0;
      return more();
    }).catch(function (error) {
      metaLine.textContent = String(error);
    });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 120); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  form.addEventListener("reset", function () { setTimeout(function () { input.value = ""; search(); input.focus(); }, 0); });
  function nearBottom() { return scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 80; }
  scroller.addEventListener("scroll", function () { if (nearBottom()) more(); });
  box.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    // Every result link and "more places" summary that is showing (links in a closed list are not).
    var links = Array.prototype.slice.call(list.querySelectorAll("a, summary")).filter(function (e) {
      return e.getClientRects().length > 0;
    });
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    var next = event.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) { input.focus(); event.preventDefault(); return; }
    if (next < links.length) { links[next].focus(); links[next].scrollIntoView({ block: "nearest" }); event.preventDefault(); }
  });
  metaLine.textContent = t["search.result.placeholder"];
  if (input.value) search();

  // On a page reached from a result: mark the query where it occurs in the article (the link's anchor
  // brings the reader to the paragraph).
  var h = new URLSearchParams(location.search).get("h");
  if (h) {
    loadMeta().then(function () {
      var parts = parse(h).parts;
      var target = document.querySelector("article.md-content__inner");
      if (!target || !parts.length) return;
      var walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT), nodes = [], node;
      while ((node = walker.nextNode())) nodes.push(node);
      nodes.forEach(function (text) {
        var spans = ranges(text.nodeValue, parts);
        for (var i = spans.length - 1; i >= 0; i--) {
          var tail = text.splitText(spans[i][0]);
          tail.splitText(spans[i][1] - spans[i][0]);
          var mark = document.createElement("mark");
          mark.setAttribute("data-md-highlight", "");
          tail.parentNode.replaceChild(mark, tail);
          mark.appendChild(tail);
        }
      });
    });
  }
}
})();
