// Glossary index filters (theme, status), with a count of the entries shown and a note when none is. The page
// works without them: the filter bar is hidden until this runs.
(function () {
  function setup() {
    var bar = document.querySelector(".glossary-filter");
    var table = document.querySelector(".glossary-table");
    if (!bar || !table) return;
    bar.hidden = false;
    var selects = bar.querySelectorAll("select[data-filter]");
    var count = bar.querySelector(".glossary-count");
    var empty = document.querySelector(".glossary-empty");
    var rows = table.querySelectorAll("tbody tr");
    function apply() {
      var wanted = {};
      var shown = 0;
      selects.forEach(function (s) { wanted[s.dataset.filter] = s.value; });
      rows.forEach(function (row) {
        var themes = (row.dataset.theme || "").split(" ");
        var show = (!wanted.theme || themes.indexOf(wanted.theme) >= 0) && (!wanted.status || row.dataset.status === wanted.status);
        row.hidden = !show;
        if (show) shown += 1;
      });
      if (count) count.textContent = count.dataset.template.replace("{shown}", shown).replace("{total}", rows.length);
      if (empty) empty.hidden = shown > 0;
      table.hidden = shown === 0;
    }
    selects.forEach(function (s) { s.addEventListener("change", apply); });
    apply();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();

// Term notes (a glossary term's English and pinyin). CSS shows a note on hover and keyboard focus; here a first tap
// on a touch screen shows it (a second follows the link), a tap elsewhere or Escape hides it, and every note is
// kept inside the screen. Screen readers read the note through the link's aria-describedby.
(function () {
  var touch = false;
  var open = null;
  function place(term) {
    var box = term.getClientRects()[0];
    if (!box) return;
    var width = document.documentElement.clientWidth;
    var right = width - box.left - 8;
    var left = box.right - 8;
    var atEnd = right < 240 && left > right;
    term.classList.toggle("tip-end", atEnd);
    term.style.setProperty("--tip-room", Math.max(120, atEnd ? left : right) + "px");
  }
  function close() {
    if (open) open.classList.remove("term-open");
    open = null;
  }
  function termOf(target) {
    return target && target.closest ? target.closest("a.term") : null;
  }
  document.addEventListener("pointerdown", function (event) { touch = event.pointerType !== "mouse"; }, true);
  document.addEventListener("pointerover", function (event) { var term = termOf(event.target); if (term) place(term); });
  document.addEventListener("focusin", function (event) { var term = termOf(event.target); if (term) place(term); });
  document.addEventListener("click", function (event) {
    var term = termOf(event.target);
    if (term && touch && term !== open) {
      event.preventDefault();
      close();
      place(term);
      term.classList.add("term-open");
      open = term;
      return;
    }
    if (!term) close();
  });
  document.addEventListener("keydown", function (event) {
    touch = false;
    if (event.key === "Escape") close();
  });
})();

// Material's search dialog has no accessible name: give it the search box's.
(function () {
  function setup() {
    var dialog = document.querySelector('.md-search[role="dialog"]');
    var input = document.querySelector(".md-search__input");
    if (dialog && input && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || input.getAttribute("placeholder") || "Search");
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();
