// Elapsed times: every <time data-since="RFC 3339"> shows how long ago it was, updated each second.
(function () {
  function ago(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + " s";
    var m = Math.floor(s / 60);
    if (m < 60) return m + " min " + String(s % 60).padStart(2, "0") + " s";
    var h = Math.floor(m / 60);
    if (h < 48) return h + " h " + String(m % 60).padStart(2, "0") + " min";
    return Math.floor(h / 24) + " days";
  }
  // writes only the texts that changed, so a second's tick does not re-lay out a wall of 500 tiles
  function tick() {
    scheduled = false;
    var now = Date.now();
    document.querySelectorAll("time[data-since]").forEach(function (el) {
      var t = Date.parse(el.getAttribute("data-since"));
      if (!isNaN(t)) {
        if (!el.title) el.title = el.textContent;
        var text = ago(now - t);
        if (el.textContent !== text) el.textContent = text;
      }
    });
  }
  // swaps (the line page's live updates arrive several a second) ask for one tick in the next frame, not one each
  var scheduled = false;
  function tickSoon() {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(tick);
    }
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tickSoon);
  document.addEventListener("htmx:oobAfterSwap", tickSoon);
  setInterval(tick, 1000);
})();

// CSRF: every request that changes something carries the session's token, which the server sets in the tl_csrf
// cookie: htmx requests as a header, plain forms as a hidden field (added here when the template has none).
(function () {
  function token() {
    var m = document.cookie.match(/(?:^|;\s*)tl_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  document.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.verb && e.detail.verb.toLowerCase() !== "get") {
      e.detail.headers["X-CSRF-Token"] = token();
    }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.method && form.method.toLowerCase() === "post" && !form.querySelector("input[name=_csrf]")) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "_csrf";
      input.value = token();
      form.appendChild(input);
    }
  }, true);
})();
