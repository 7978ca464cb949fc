// Progressive enhancement only: typing in a table's filter box hides the rows of the current
// page that do not match, before the form is submitted. Everything works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("form.filters input[name=q]");
  var table = document.querySelector("table.sortable");
  if (!box || !table) { return; }
  box.addEventListener("input", function () {
    var needle = box.value.toLowerCase();
    table.querySelectorAll("tbody tr").forEach(function (row) {
      row.classList.toggle("hidden", needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0);
    });
  });
});
