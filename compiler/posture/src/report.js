// Sorting and filtering for the report's long tables. The page says everything without it:
// this only adds a sort button to each column heading of a `table[data-sort]` and a filter
// box before each `table[data-filter]`, both made here so a reader without script sees none.
"use strict";
(function () {
  function text(cell) {
    return cell ? cell.textContent.trim() : "";
  }
  // Numbers sort as numbers (a `td.num` column), everything else as text; empty cells last.
  function compare(numeric) {
    return function (a, b) {
      if (a === "" || b === "") return (a === "") - (b === "");
      if (numeric) return parseFloat(a) - parseFloat(b);
      return a.localeCompare(b, "en");
    };
  }
  document.querySelectorAll("table[data-sort]").forEach(function (table) {
    var body = table.tBodies[0];
    var headings = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headings, function (heading, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = heading.textContent;
      button.title = "Sort by " + heading.textContent;
      heading.textContent = "";
      heading.appendChild(button);
      button.addEventListener("click", function () {
        var descending = heading.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(headings, function (h) {
          h.removeAttribute("aria-sort");
        });
        heading.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = rows.some(function (row) {
          return row.cells[column] && row.cells[column].classList.contains("num");
        });
        var order = compare(numeric);
        // Stable: rows that compare equal keep the report's order (worst first, priority).
        var keyed = rows.map(function (row, index) {
          return { row: row, key: text(row.cells[column]), index: index };
        });
        keyed.sort(function (a, b) {
          var by = order(a.key, b.key);
          if (descending && a.key !== "" && b.key !== "") by = -by;
          return by || a.index - b.index;
        });
        keyed.forEach(function (k) {
          body.appendChild(k.row);
        });
      });
    });
  });
  document.querySelectorAll("table[data-filter]").forEach(function (table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var box = document.createElement("div");
    box.className = "filter";
    var label = document.createElement("label");
    label.textContent = table.getAttribute("data-filter") + " ";
    var input = document.createElement("input");
    input.type = "search";
    label.appendChild(input);
    var count = document.createElement("output");
    count.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(count);
    var scroll = table.parentElement.classList.contains("scroll") ? table.parentElement : table;
    scroll.parentElement.insertBefore(box, scroll);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var haystack = row.textContent.toLowerCase();
        var match = words.every(function (w) {
          return haystack.indexOf(w) >= 0;
        });
        row.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = words.length ? " " + shown + " of " + rows.length + " rows" : "";
    });
  });
})();
