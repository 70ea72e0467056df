/* Draw the plotly charts of a page, loading our own copy of plotly.js only when a chart
   scrolls into view. A chart is <figure data-chart="ID"> with its figure in
   <script type="application/json" id="ID">; the table beside it holds the same numbers,
   so the page is complete without JavaScript. */
(function () {
  "use strict";
  var script = document.currentScript;
  var plotlyUrl = script && script.dataset.plotly;
  var loading = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = plotlyUrl;
        tag.onload = function () { resolve(window.Plotly); };
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function draw(figure) {
    var source = document.getElementById(figure.dataset.chart);
    var target = figure.querySelector(".chart-canvas");
    if (!source || !target) return;
    loadPlotly().then(function (Plotly) {
      var spec = JSON.parse(source.textContent);
      // The toolbar shows on hover (a tap on a phone) only, so it does not sit on the title.
      var config = { responsive: true, displaylogo: false, locale: "ja", displayModeBar: "hover",
                     modeBarButtonsToRemove: ["select2d", "lasso2d"] };
      Plotly.newPlot(target, spec.data, spec.layout, config);
      figure.classList.add("chart-drawn");
    });
  }

  function start() {
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure[data-chart]"));
    if (!figures.length) return;
    if (!("IntersectionObserver" in window)) { figures.forEach(draw); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); draw(entry.target); }
      });
    }, { rootMargin: "200px" });
    figures.forEach(function (figure) { observer.observe(figure); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
