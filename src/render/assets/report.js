// cdocheck HTML report: filters and search, no library, no network.
// On success it sets data-ready on <body>; any script error is recorded
// in data-script-error, which the tests read.
(function () {
  "use strict";
  var body = document.body;
  window.onerror = function (msg) {
    body.setAttribute("data-script-error", String(msg));
  };
  try {
    var $ = function (id) { return document.getElementById(id); };
    var all = function (root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); };
    // What is known only at the end of a run (summary, portfolio, index,
    // filters) is written after the plans' sections, in one pass: moved
    // before them, so the page reads (and tabs, and prints) in the order
    // it shows. Without script, CSS orders it (body.nojs).
    var sections = $("plans");
    all(document, "body > .front").forEach(function (e) { body.insertBefore(e, sections); });
    body.classList.remove("nojs");
    var status = $("f-status"), rule = $("f-rule"), sev = $("f-severity"), pilot = $("f-pilot"), text = $("f-text");
    var plans = all(document, "section.plan");
    var apply = function () {
      var s = status.value, r = rule.value, v = sev.value, t = text.value.trim().toLowerCase();
      var only = null;
      if (pilot.value !== "") {
        only = JSON.parse(pilot.options[pilot.selectedIndex].getAttribute("data-plans") || "[]");
      }
      var shown = 0;
      plans.forEach(function (p) {
        var path = p.getAttribute("data-path");
        var ok = (!s || p.getAttribute("data-status") === s) && (!only || only.indexOf(path) >= 0);
        var head = (p.querySelector(".plan-head") || p).textContent.toLowerCase();
        var headHit = !t || head.indexOf(t) >= 0;
        var any = false;
        all(p, "li.finding").forEach(function (f) {
          var fo = (!r || f.getAttribute("data-code") === r) &&
            (!v || f.getAttribute("data-severity") === v) &&
            (headHit || f.textContent.toLowerCase().indexOf(t) >= 0);
          f.hidden = !fo;
          if (fo) { any = true; }
        });
        if ((r || v) && !any) { ok = false; }
        if (t && !headHit && !any) { ok = false; }
        p.hidden = !ok;
        if (ok) { shown += 1; }
      });
      say(shown);
    };
    // "1 plan shown", "2 plans shown": the phrase for the number, from
    // the page's own words (data-one, data-many).
    var shownAt = $("f-shown"), count = $("f-count");
    var say = function (n) {
      var parts = (shownAt.getAttribute(n === 1 ? "data-one" : "data-many") || "{count}").split("{count}");
      count.textContent = String(n);
      shownAt.textContent = "";
      shownAt.appendChild(document.createTextNode(parts[0]));
      shownAt.appendChild(count);
      shownAt.appendChild(document.createTextNode(parts.slice(1).join("{count}")));
    };
    [status, rule, sev, pilot].forEach(function (e) { e.addEventListener("change", apply); });
    text.addEventListener("input", apply);
    $("f-reset").addEventListener("click", function () {
      status.value = ""; rule.value = ""; sev.value = ""; pilot.value = ""; text.value = "";
      apply();
    });
    // Filters may be preset from the address: report.html?rule=GD005&status=fail
    // (a link an auditor can send; the tests use it too).
    var query = window.location.search.replace(/^\?/, "").split("&");
    var fields = { status: status, rule: rule, severity: sev, pilot: pilot, q: text };
    query.forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i < 0) { return; }
      var k = decodeURIComponent(kv.slice(0, i)), v = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, " "));
      if (Object.prototype.hasOwnProperty.call(fields, k)) { fields[k].value = v; }
    });
    apply();
    body.setAttribute("data-ready", "1");
  } catch (e) {
    body.setAttribute("data-script-error", String(e));
  }
})();
