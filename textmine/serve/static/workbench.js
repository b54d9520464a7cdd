// textmine workbench: keyboard coding. No framework, no inline script (the CSP forbids it).
(function () {
  "use strict";
  var csrf = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  function bars() {
    // widths from data-pct: style attributes in the markup would break the CSP
    document.querySelectorAll("[data-pct]").forEach(function (el) {
      el.style.width = Math.max(0, Math.min(100, +el.getAttribute("data-pct") || 0)) + "%";
    });
  }

  function setupQueue(box) {
    var items = Array.prototype.slice.call(box.querySelectorAll("#themes .theme"));
    var normal = items.filter(function (li) { return !li.classList.contains("special"); });
    var status = document.getElementById("status");
    var busy = false;
    // the order ticked is the order stored (rank 1 = main theme)
    var chosen = (box.getAttribute("data-chosen") || "").split(" ").filter(function (t) { return t; });

    function render() {
      items.forEach(function (li) {
        li.classList.toggle("on", chosen.indexOf(li.getAttribute("data-theme")) >= 0);
      });
      box.setAttribute("data-chosen", chosen.join(" "));  // the order stored, main theme first
    }
    function toggle(theme) {
      var special = theme === "overig" || theme === "non_answer";
      var i = chosen.indexOf(theme);
      if (i >= 0) { chosen.splice(i, 1); }
      else if (special) { chosen = [theme]; }
      else {
        chosen = chosen.filter(function (t) { return t !== "overig" && t !== "non_answer"; });
        chosen.push(theme);
      }
      render();
    }
    function say(text, bad) {
      status.textContent = text;
      status.classList.toggle("bad", !!bad);
    }
    function confirm() {
      if (busy) { return; }
      busy = true;
      say("opslaan…");
      var themes = chosen.filter(function (t) { return t !== "overig"; });
      fetch("/api/codes", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
        body: JSON.stringify({ key: box.getAttribute("data-key"), themes: themes,
                               coder: box.getAttribute("data-coder"),
                               audit: box.getAttribute("data-audit") === "true",
                               shown: JSON.parse(box.getAttribute("data-shown") || "null") })
      }).then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; });
      }).then(function (res) {
        if (!res.ok) { busy = false; say(res.data.error || "opslaan mislukt", true); return; }
        say("opgeslagen");
        window.location.assign(box.getAttribute("data-next"));
      }).catch(function () { busy = false; say("geen verbinding met de workbench", true); });
    }

    render();
    items.forEach(function (li) {
      li.addEventListener("click", function () { toggle(li.getAttribute("data-theme")); });
    });
    document.getElementById("confirm").addEventListener("click", confirm);

    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) { return; }
      var tag = (e.target && e.target.tagName) || "";
      if (tag === "INPUT" || tag === "TEXTAREA") { return; }
      var k = e.key;
      if (k >= "1" && k <= "9") {
        var li = normal[+k - 1];
        if (li) { toggle(li.getAttribute("data-theme")); }
        e.preventDefault();
      } else if (k === "Enter") {
        e.preventDefault();
        confirm();
      } else if (k === "Backspace") {
        e.preventDefault();
        var back = document.getElementById("back");
        if (back) { window.location.assign(back.getAttribute("href")); }
      } else if (k === "o" || k === "O") {
        toggle("overig");
      } else if (k === "n" || k === "N") {
        toggle("non_answer");
      }
    });
  }

  function setupHelp() {
    var help = document.getElementById("help");
    if (!help) { return; }
    document.addEventListener("keydown", function (e) {
      var tag = (e.target && e.target.tagName) || "";
      if (tag === "INPUT" || tag === "TEXTAREA") { return; }
      if (e.key === "?") { help.hidden = !help.hidden; e.preventDefault(); }
      else if (e.key === "Escape") { help.hidden = true; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    bars();
    setupHelp();
    var all = document.getElementById("select-all");
    if (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll('#grid input[name="key"]:not([disabled])').forEach(function (box) {
          box.checked = all.checked;
        });
      });
    }
    var box = document.getElementById("queue");
    if (box) { setupQueue(box); }
    else {
      // the queue is done: Backspace still goes back to the last decision
      document.addEventListener("keydown", function (e) {
        var back = document.getElementById("back");
        if (e.key === "Backspace" && back) { e.preventDefault(); window.location.assign(back.getAttribute("href")); }
      });
    }
    document.body.setAttribute("data-ready", "1");  // keys pressed from now on are handled (tests wait for it)
  });
})();
