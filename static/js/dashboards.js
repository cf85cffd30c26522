/* Draws the dashboards' Plotly figures. Figures are built on the server and sit as JSON in
   data-figure attributes (no inline script: the CSP allows scripts from this site only). */
(function () {
  "use strict";

  // The chart's title as a file name, Vietnamese letters kept; only what file systems refuse is dropped.
  function fileName(element) {
    var title = element.getAttribute("data-filename") || element.getAttribute("aria-label") || "chart";
    var name = title.normalize("NFC").replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").replace(/\s+/g, " ").trim();
    return name || "chart";
  }

  function draw(element) {
    var figure;
    try {
      figure = JSON.parse(element.getAttribute("data-figure"));
    } catch (err) {
      element.textContent = "";
      return;
    }
    var config = {
      responsive: true,
      locale: document.documentElement.lang === "vi" ? "vi" : "en",  // plotly-locale-vi.js registers "vi"
      displaylogo: false,
      // no "Share chart…" (an upload to Plotly Cloud): the platform runs on closed networks
      showSendToCloud: false,
      plotlyServerURL: "",
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
      toImageButtonOptions: { format: "png", filename: fileName(element), scale: 2 }
    };
    return window.Plotly.newPlot(element, figure.data || [], figure.layout || {}, config).then(function () {
      element.classList.add("drawn");
      // A bar that carries a link (a unit's own dashboard) opens it: the drill-down of a unit chart.
      element.on("plotly_click", function (event) {
        var point = event && event.points && event.points[0];
        var link = point && point.customdata && point.customdata[2];
        if (typeof link === "string" && link.charAt(0) === "/") {
          window.location.assign(link);
        }
      });
    });
  }

  function init() {
    var printers = document.querySelectorAll("[data-action='print']");
    for (var p = 0; p < printers.length; p += 1) {
      printers[p].addEventListener("click", function () { window.print(); });
    }
    if (!window.Plotly) {
      return;
    }
    performance.mark("charts-start");
    var plots = document.querySelectorAll("[data-figure]");
    var drawing = [];
    for (var i = 0; i < plots.length; i += 1) {
      drawing.push(draw(plots[i]));
    }
    Promise.all(drawing).then(function () { performance.mark("charts-drawn"); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
