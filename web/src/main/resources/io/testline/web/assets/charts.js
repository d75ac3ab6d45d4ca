// Charts of the yield and measurement pages, drawn with uPlot from data the page already holds: the yield table's
// rows (data-* attributes), the Pareto table's rows, and the measurement series fetched as JSON arrays. Each chart is
// kept in window.testlineCharts[id] (its uPlot instance: .data holds what is drawn).
(function () {
  "use strict";
  var PASS = "#1f8a4c", RUN = "#1f5fbf", FAIL = "#c62828", WARN = "#b26a00", DIM = "#6b7385";
  var STATION_COLORS = ["#1f5fbf", "#e07b00", "#2e9d5b", "#8e44ad", "#c0392b", "#16a0a8", "#7f8c2d", "#d35490"];
  var MAX_STATION_SERIES = STATION_COLORS.length;
  window.testlineCharts = window.testlineCharts || {};

  function num(el, name) {
    var v = el.getAttribute("data-" + name);
    return v === null || v === "" || v === "null" ? null : Number(v);
  }
  function width(el) { return Math.max(320, el.clientWidth || 800); }
  function show(el, opts, data) {
    var chart = new uPlot(opts, data, el);
    window.testlineCharts[el.id] = chart;
    el.setAttribute("data-drawn", String(data[0].length));
    new ResizeObserver(function () { chart.setSize({ width: width(el), height: opts.height }); }).observe(el);
    return chart;
  }
  // an x axis of categories 0..n-1 shown by their labels
  function categories(labels) {
    return {
      scale: { time: false, range: function () { return [-0.5, labels.length - 0.5]; } },
      axis: {
        splits: function () { return labels.map(function (_, i) { return i; }); },
        values: function (u, splits) {
          return splits.map(function (i) {
            var l = labels[i] || "";
            return l.length > 22 ? l.slice(0, 21) + "…" : l;
          });
        },
        rotate: labels.length > 8 ? -30 : 0,
        size: labels.length > 8 ? 90 : 40,
        gap: 4
      }
    };
  }
  function bars() { return uPlot.paths.bars({ size: [0.6, 80], align: 0 }); }

  function yieldChart(el) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("table.yield tr.yrow"));
    var trend = el.getAttribute("data-time") === "1";
    var labels = rows.map(function (r) { return r.getAttribute("data-label"); });
    var share = function (name) {
      return rows.map(function (r) {
        var units = num(r, "units");
        return units ? 100 * num(r, name) / units : null;
      });
    };
    var cat = categories(labels);
    // days and shifts: a trend of two lines; stations and operations: bars of first-pass yield, final yield marked
    var opts = {
      width: width(el), height: 300, legend: { live: false },
      scales: { x: cat.scale, y: { range: [0, 100] } },
      axes: [cat.axis, { values: function (u, s) { return s.map(function (v) { return v + " %"; }); } }],
      series: [
        {},
        { label: "first-pass yield", stroke: RUN, fill: trend ? null : "rgba(31,95,191,0.35)", width: 2,
          paths: trend ? undefined : bars(), points: { show: true, size: 7 } },
        { label: "final yield", stroke: PASS, width: 2, points: { show: true, size: 7, fill: PASS },
          paths: trend ? undefined : function () { return null; } }
      ]
    };
    show(el, opts, [labels.map(function (_, i) { return i; }), share("first-pass"), share("final-pass")]);
  }

  function paretoChart(el) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("table.pareto tr.prow"));
    var labels = rows.map(function (r) { return r.getAttribute("data-label"); });
    var cat = categories(labels);
    var opts = {
      width: width(el), height: 280, legend: { live: false },
      scales: { x: cat.scale, y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.1]; } },
        pct: { range: [0, 100] } },
      axes: [cat.axis, { label: "failed runs" },
        { scale: "pct", side: 1, grid: { show: false }, values: function (u, s) { return s.map(function (v) { return v + " %"; }); } }],
      series: [
        {},
        { label: "failed runs", stroke: FAIL, fill: "rgba(198,40,40,0.55)", paths: bars(), points: { show: false } },
        { label: "cumulative %", scale: "pct", stroke: DIM, width: 2, points: { show: true, size: 5 } }
      ]
    };
    show(el, opts, [labels.map(function (_, i) { return i; }), rows.map(function (r) { return num(r, "failures"); }),
      rows.map(function (r) { return num(r, "cumulative"); })]);
  }

  // the limits [t, lsl, usl] at each change, as one value per point
  function stepped(t, limits, k) {
    var out = new Array(t.length), j = 0;
    for (var i = 0; i < t.length; i++) {
      while (j + 1 < limits.length && limits[j + 1][0] <= t[i]) j++;
      out[i] = limits.length ? limits[j][k] : null;
    }
    return out;
  }
  function constant(n, v) {
    var out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = v;
    return out;
  }

  function controlChart(el, d) {
    var n = d.t.length, counts = d.stations.map(function () { return 0; });
    d.s.forEach(function (s) { counts[s]++; });
    // the busiest stations get a series (a colour) each; the rest share one
    var order = d.stations.map(function (_, i) { return i; }).sort(function (a, b) {
      return counts[b] - counts[a] || (d.stations[a] < d.stations[b] ? -1 : 1);
    });
    var seriesOf = {}, names = [];
    order.forEach(function (s, k) {
      if (k < MAX_STATION_SERIES || d.stations.length === MAX_STATION_SERIES + 1) { seriesOf[s] = names.length; names.push(d.stations[s]); }
      else { if (!("other" in seriesOf)) { seriesOf.other = names.length; names.push("other stations"); } seriesOf[s] = seriesOf.other; }
    });
    var values = names.map(function () { return new Array(n).fill(null); });
    for (var i = 0; i < n; i++) values[seriesOf[d.s[i]]][i] = d.v[i];
    var unit = el.getAttribute("data-unit") || "";
    var fmt = function (u, v) { return v == null ? "–" : (+v.toPrecision(6)) + (unit ? " " + unit : ""); };
    var series = [{}];
    names.forEach(function (name, k) {
      series.push({ label: name, stroke: STATION_COLORS[k % STATION_COLORS.length], paths: function () { return null; },
        points: { show: true, size: n > 20000 ? 2 : n > 2000 ? 3 : 5, fill: STATION_COLORS[k % STATION_COLORS.length] }, value: fmt });
    });
    var line = function (label, color, dash) { return { label: label, stroke: color, width: 1.5, dash: dash, points: { show: false }, value: fmt }; };
    series.push(line("LSL", FAIL, []), line("USL", FAIL, []), line("mean", DIM, []), line("−3σ", WARN, [6, 4]), line("+3σ", WARN, [6, 4]));
    var data = [d.t].concat(values, [stepped(d.t, d.limits, 1), stepped(d.t, d.limits, 2), constant(n, num(el, "mean")),
      constant(n, num(el, "lcl")), constant(n, num(el, "ucl"))]);
    show(el, { width: width(el), height: 380, ms: 1, legend: { live: false }, cursor: { points: { show: false } }, series: series,
      scales: { x: { time: true } }, axes: [{}, { label: unit, size: 70 }] }, data);
    var note = el.parentNode.querySelector(".chartnote");
    if (note) note.textContent = d.total > n ? "The latest " + n + " of " + d.total + " values are drawn; the statistics cover all."
      : n + " values drawn.";
  }

  function histogramChart(el, h) {
    var k = h.counts.length, x = [], lsl = num(el, "lsl"), usl = num(el, "usl"), mean = num(el, "mean");
    for (var i = 0; i < k; i++) x.push(h.lo + h.width * (i + 0.5));
    var lo = Math.min.apply(null, [h.lo].concat(lsl == null ? [] : [lsl])), hi = h.lo + h.width * k;
    hi = Math.max.apply(null, [hi].concat(usl == null ? [] : [usl]));
    var pad = (hi - lo) * 0.05 || Math.abs(lo) * 0.05 || 1;
    var marks = [[lsl, FAIL, "LSL"], [usl, FAIL, "USL"], [mean, DIM, "μ"]];
    show(el, {
      width: width(el), height: 260, legend: { show: false },
      scales: { x: { time: false, range: [lo - pad, hi + pad] } },
      axes: [{ label: el.getAttribute("data-unit") || "" }, { label: "values" }],
      series: [{}, { label: "values", stroke: RUN, fill: "rgba(31,95,191,0.45)", paths: uPlot.paths.bars({ size: [1, 200], gap: 1 }), points: { show: false } }],
      hooks: { draw: [function (u) {
        var ctx = u.ctx;
        marks.forEach(function (m) {
          if (m[0] == null) return;
          var px = Math.round(u.valToPos(m[0], "x", true));
          ctx.save(); ctx.strokeStyle = m[1]; ctx.lineWidth = 2; ctx.beginPath();
          ctx.moveTo(px, u.bbox.top); ctx.lineTo(px, u.bbox.top + u.bbox.height); ctx.stroke();
          ctx.fillStyle = m[1]; ctx.font = "bold " + Math.round(12 * devicePixelRatio) + "px sans-serif";
          ctx.fillText(m[2], px + 4, u.bbox.top + 14 * devicePixelRatio); ctx.restore();
        });
      }] }
    }, [x, h.counts]);
  }

  function measurementCharts(control) {
    fetch(control.getAttribute("data-series"), { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status + " " + r.statusText); return r.json(); })
      .then(function (d) {
        controlChart(control, d);
        var hist = document.getElementById("histogram-chart");
        if (hist) histogramChart(hist, d.hist);
      })
      .catch(function (e) { control.textContent = "The chart's data could not be loaded: " + e.message; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart=yield]").forEach(yieldChart);
    document.querySelectorAll("[data-chart=pareto]").forEach(paretoChart);
    document.querySelectorAll("[data-chart=control]").forEach(measurementCharts);
  });
})();
