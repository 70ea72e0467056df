/* The entry page: ask the server which mark a typed value earns (the rule lives in the
   service layer), and show it as staff type. Works without this script: saving recomputes. */
(function () {
  "use strict";
  var form = document.querySelector("form.entry-form");
  if (!form) return;
  var url = form.dataset.markUrl;
  var year = form.dataset.year;
  var timers = {};

  function update(row) {
    var kpi = row.dataset.kpi;
    var value = row.querySelector("input.value").value;
    var status = row.querySelector("select.status").value;
    var params = new URLSearchParams({ kpi: kpi, year: year, value: value, status: status });
    fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        row.querySelector("output.mark").textContent = data.error ? "?" : data.mark;
        row.querySelector(".mark-word").textContent = data.error ? "" : data.word;
        row.querySelector(".mark-error").textContent = data.error || "";
        row.classList.toggle("has-error", Boolean(data.error));
      });
  }

  form.addEventListener("input", function (event) {
    var row = event.target.closest("tr.entry-row");
    if (!row || !event.target.matches("input.value, select.status")) return;
    clearTimeout(timers[row.dataset.kpi]);
    timers[row.dataset.kpi] = setTimeout(function () { update(row); }, 250);
  });
  form.addEventListener("change", function (event) {
    var row = event.target.closest("tr.entry-row");
    if (row && event.target.matches("select.status")) update(row);
  });
})();
