// textmine workbench: blind double coding (serve/double.py). No inline script (the CSP forbids it).
(function () {
  "use strict";
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    });
  }
  function fmt(v) { return v === null || v === undefined ? "\u2014" : v.toFixed(2); }

  // the second coder's blind page: keys 1-9, O, N, Enter (as the queue)
  function setupCode(box) {
    var items = Array.prototype.slice.call(box.querySelectorAll(".theme"));
    var normal = items.filter(function (li) { return !li.classList.contains("special"); });
    var status = document.getElementById("double-status");
    var chosen = (box.getAttribute("data-chosen") || "").split(" ").filter(function (t) { return t; });
    var busy = false;
    function render() {
      items.forEach(function (li) { li.classList.toggle("on", chosen.indexOf(li.getAttribute("data-theme")) >= 0); });
      box.setAttribute("data-chosen", chosen.join(" "));
    }
    function toggle(theme) {
      var special = theme === "overig" || theme === "non_answer";
      var i = chosen.indexOf(theme);
      if (i >= 0) { chosen.splice(i, 1); }
      else if (special) { chosen = [theme]; }
      else { chosen = chosen.filter(function (t) { return t !== "overig" && t !== "non_answer"; }); chosen.push(theme); }
      render();
    }
    function confirm() {
      if (busy) { return; }
      busy = true;
      status.textContent = "opslaan\u2026";
      post("/api/double/codes", { key: box.getAttribute("data-key"), coder: box.getAttribute("data-coder"),
                                  themes: chosen.filter(function (t) { return t !== "overig"; }) })
        .then(function (res) {
          if (!res.ok) { busy = false; status.textContent = res.data.error || "opslaan mislukt"; status.classList.add("bad"); return; }
          window.location.assign(box.getAttribute("data-next"));
        }).catch(function () { busy = false; status.textContent = "geen verbinding met de workbench"; });
    }
    items.forEach(function (li) { li.addEventListener("click", function () { toggle(li.getAttribute("data-theme")); }); });
    document.getElementById("double-confirm").addEventListener("click", confirm);
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) { return; }
      var k = e.key;
      if (k >= "1" && k <= "9") { var li = normal[+k - 1]; if (li) { toggle(li.getAttribute("data-theme")); } e.preventDefault(); }
      else if (k === "Enter") { e.preventDefault(); confirm(); }
      else if (k === "Backspace") {
        var back = document.getElementById("double-back");
        e.preventDefault();
        if (back) { window.location.assign(back.getAttribute("href")); }
      }
      else if (k === "o" || k === "O") { toggle("overig"); }
      else if (k === "n" || k === "N") { toggle("non_answer"); }
    });
    render();
  }

  // the overview: the agreement follows the codes as they arrive
  function setupLive(state) {
    var url = state.getAttribute("data-url");
    function refresh() {
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
        if (!s.sample) { return; }
        var ag = s.agreement;
        document.getElementById("double-coded").textContent = s.coded;
        var bar = document.getElementById("double-bar");
        if (bar) { bar.style.width = (s.sample.size ? Math.round(100 * s.coded / s.sample.size) : 0) + "%"; }
        document.getElementById("agree-answers").textContent = ag.answers;
        document.getElementById("agree-first").textContent = ag.first_coders.join(", ") || "\u2014";
        document.getElementById("agree-second").textContent = ag.second_coders.join(", ") || "\u2014";
        document.getElementById("agree-kappa").textContent = fmt(ag.pooled.kappa);
        document.getElementById("agree-alpha").textContent = fmt(ag.pooled.alpha);
        document.getElementById("agree-same").textContent =
          ag.pooled.agree === null ? "\u2014" : Math.round(100 * ag.pooled.agree) + "%";
        ag.themes.forEach(function (t) {
          var row = document.querySelector('#agree-themes tr[data-theme="' + CSS.escape(t.theme) + '"]');
          if (!row) { return; }
          ["answers", "first", "second"].forEach(function (f) { row.querySelector('[data-f="' + f + '"]').textContent = t[f]; });
          row.querySelector('[data-f="kappa"]').textContent = fmt(t.kappa);
          row.querySelector('[data-f="alpha"]').textContent = fmt(t.alpha);
        });
        var link = document.getElementById("double-reconcile-link");
        if (link) { link.classList.toggle("off", !s.complete); }
        var diff = document.getElementById("double-diff");
        if (diff && s.complete) { diff.textContent = "(" + s.reconciled + " van " + s.differences + " afgestemd)"; }
        state.setAttribute("data-coded", s.coded);
      }).catch(function () { /* the next refresh tries again */ });
    }
    window.setInterval(refresh, 2000);
  }

  // the reconciliation: follow one coder or store one's own choice
  function setupReconcile(card) {
    var status = card.querySelector(".status");
    var boxes = Array.prototype.slice.call(card.querySelectorAll(".choose input"));
    function themesOf(attr) { return (card.getAttribute(attr) || "").split(" ").filter(function (t) { return t; }); }
    // the order ticked is the order stored (the first is the main theme)
    var ticked = themesOf("data-chosen");
    boxes.forEach(function (b) {
      b.addEventListener("change", function () {
        ticked = ticked.filter(function (t) { return t !== b.value; });
        if (b.checked) { ticked.push(b.value); }
      });
    });
    function save(themes) {
      status.textContent = "opslaan\u2026";
      status.classList.remove("bad");
      post("/api/double/reconcile", { key: card.getAttribute("data-key"), coder: card.getAttribute("data-coder"),
                                      themes: themes.filter(function (t) { return t !== "overig"; }) })
        .then(function (res) {
          if (!res.ok) { status.textContent = res.data.error || "opslaan mislukt"; status.classList.add("bad"); return; }
          var final = res.data.final_themes;
          boxes.forEach(function (b) { b.checked = final.indexOf(b.value) >= 0; });
          ticked = final.slice();
          var labels = {};
          boxes.forEach(function (b) { labels[b.value] = b.parentNode.textContent.trim(); });
          var dd = card.querySelector(".final");
          dd.textContent = "";
          final.forEach(function (t) {
            var s = document.createElement("span"); s.className = "tag"; s.setAttribute("data-theme", t);
            s.textContent = labels[t] || t; dd.appendChild(s);
          });
          var who = document.createElement("small"); who.textContent = " door " + res.data.decided_by; dd.appendChild(who);
          card.classList.add("done");
          card.setAttribute("data-chosen", final.join(" "));
          status.textContent = "opgeslagen";
        }).catch(function () { status.textContent = "geen verbinding met de workbench"; status.classList.add("bad"); });
    }
    card.querySelector(".take-first").addEventListener("click", function () { save(themesOf("data-first")); });
    card.querySelector(".take-second").addEventListener("click", function () { save(themesOf("data-second")); });
    card.querySelector(".save-final").addEventListener("click", function () {
      save(ticked.filter(function (t) { return boxes.some(function (b) { return b.checked && b.value === t; }); }));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("double-code");
    if (box) { setupCode(box); }
    var state = document.getElementById("double-state");
    if (state) { setupLive(state); }
    document.querySelectorAll("article.reconcile").forEach(setupReconcile);
    document.body.setAttribute("data-double-ready", "1");
  });
})();
