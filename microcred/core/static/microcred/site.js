// Behaviour the pages need beyond htmx, as a static file: the Content-Security-Policy allows no inline script.

// <form data-confirm="Are you sure?">: ask before sending (replaces inline onsubmit="return confirm(...)").
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute ? form.getAttribute("data-confirm") : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// Marks that scripts run: CSS folds the menu and reflows tables only then (without JavaScript both stay usable).
document.documentElement.classList.add("js");

// The "Menu" disclosure button of the main navigation (small screens): aria-expanded tells its state; Escape
// closes the menu and gives focus back to the button.
(function () {
  var nav = document.querySelector("header.site nav");
  var button = nav && nav.querySelector(".nav-toggle");
  if (!button) return;
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("open", open);
  }
  button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true" && getComputedStyle(button).display !== "none") {
      set(false);
      button.focus();
    }
  });
})();

// Tables reflow on narrow screens (site.css): each body cell is labelled with its column header, so a stacked row
// still reads "Status: Active". Tables may set their own data-label; those are kept. Runs again after htmx swaps.
function microcredLabelTables(root) {
  var tables = (root || document).querySelectorAll("table");
  Array.prototype.forEach.call(tables, function (table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) labels.push(cell.textContent.trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && labels[column]) cell.setAttribute("data-label", labels[column]);
          column += cell.colSpan || 1;
        });
      });
    });
    // Stacking the cells (display:block) makes browsers drop the table's semantics; the explicit roles keep a
    // screen reader's table navigation and column headers.
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (cell.hasAttribute("role")) return;
        if (cell.tagName === "TD") cell.setAttribute("role", "cell");
        else cell.setAttribute("role", row.parentNode.tagName === "THEAD" ? "columnheader" : "rowheader");
      });
    });
    table.classList.add("reflow");
  });
}
document.addEventListener("DOMContentLoaded", function () { microcredLabelTables(document); });
document.addEventListener("htmx:afterSwap", function (event) { microcredLabelTables(event.target); });
