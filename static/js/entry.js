/* The entry page: ask the server what a typed value would be (the rule lives in the service
   layer: plans.services.entry_checks.check_entry) and show it beside the input as staff type:
   the mark, the conversion into the KPI's unit, the warnings to confirm and the errors.
   Works without this script: saving checks the same way and shows the same messages. */
(function () {
  "use strict";
  var form = document.querySelector("form.entry-form");
  if (!form) return;
  var url = form.dataset.markUrl;
  var year = form.dataset.year;
  var timers = {};

  function fill(list, messages) {
    list.replaceChildren();
    (messages || []).forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
  }

  function update(row) {
    var kpi = row.dataset.kpi;
    var value = row.querySelector("input.value").value;
    var status = row.querySelector("select.status").value;
    var params = new URLSearchParams({ kpi: kpi, year: year, value: value, status: status });
    fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var errors = data.errors || (data.error ? [data.error] : []);
        var warnings = data.warnings || [];
        row.querySelector("output.mark").textContent = errors.length ? "?" : data.mark;
        row.querySelector(".mark-word").textContent = errors.length ? "" : data.word;
        row.querySelector(".mark-error").textContent = errors.join(" ");
        row.classList.toggle("has-error", errors.length > 0);
        var check = row.querySelector(".entry-check");
        if (!check) return;
        check.querySelector(".conversion").textContent = data.conversion || "";
        fill(check.querySelector("ul.warnings"), warnings);
        var confirm = check.querySelector("label.confirm");
        confirm.hidden = warnings.length === 0;
        if (warnings.length === 0) confirm.querySelector("input").checked = false;
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
