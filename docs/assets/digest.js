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
