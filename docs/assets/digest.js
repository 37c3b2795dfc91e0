// Glossary index filters (theme, status). The page works without them: the filter bar is hidden until this runs.
(function () {
  function setup() {
    var bar = document.querySelector(".glossary-filter");
    var table = document.querySelector(".glossary-table");
    if (!bar || !table) return;
    bar.hidden = false;
    var selects = bar.querySelectorAll("select[data-filter]");
    function apply() {
      var wanted = {};
      selects.forEach(function (s) { wanted[s.dataset.filter] = s.value; });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var themes = (row.dataset.theme || "").split(" ");
        var show = (!wanted.theme || themes.indexOf(wanted.theme) >= 0) && (!wanted.status || row.dataset.status === wanted.status);
        row.hidden = !show;
      });
    }
    selects.forEach(function (s) { s.addEventListener("change", apply); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();

// Search results in the reader's language only: all languages share one search index, so results from
// the other two languages' copies of a page are hidden (a known complaint about multilingual MkDocs sites).
(function () {
  function languageOf(path) {
    if (/\/zh-Hant\//.test(path)) return "zh-Hant";
    if (/\/zh\//.test(path)) return "zh";
    return "en";
  }
  function setup() {
    var list = document.querySelector(".md-search-result__list");
    if (!list) return;
    var here = languageOf(location.pathname);
    function filter() {
      list.querySelectorAll(".md-search-result__item").forEach(function (item) {
        var link = item.querySelector("a");
        if (link) item.hidden = languageOf(new URL(link.href, location.href).pathname) !== here;
      });
    }
    new MutationObserver(filter).observe(list, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();
