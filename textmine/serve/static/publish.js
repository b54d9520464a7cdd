// textmine workbench: curate the catalogue, write the published files, read a new wave.
// No framework, no inline script (the CSP forbids it).
(function () {
  "use strict";
  var csrf = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  function call(method, url, body, type) {
    var headers = { "X-CSRF-Token": csrf() };
    if (body !== undefined) { headers["Content-Type"] = type || "application/json"; }
    return fetch(url, {
      method: method, credentials: "same-origin", headers: headers,
      body: body === undefined ? undefined : (type ? body : JSON.stringify(body))
    }).then(function (r) {
      return r.json().catch(function () { return { error: "antwoord zonder JSON (" + r.status + ")" }; })
        .then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    }, function () { return { ok: false, status: 0, data: { error: "de workbench is niet bereikbaar" } }; });
  }

  // how: "bad" (an error), "ok" (done), nothing (busy or cleared)
  function say(el, text, how) {
    if (!el) { return; }
    el.textContent = text;
    el.classList.toggle("bad", how === "bad");
    el.classList.toggle("ok", how === "ok");
  }

  // --- preview ---------------------------------------------------------------------------
  function showPreview(name) {
    var box = document.getElementById("preview"), frame = document.getElementById("preview-frame");
    if (!box || !frame) { return; }
    frame.src = "/publish/output/" + encodeURIComponent(name) + "?t=" + Date.now();
    document.getElementById("preview-name").textContent = name;
    box.classList.add("on");
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest("a.show");
    if (a) { e.preventDefault(); showPreview(a.getAttribute("data-name")); }
  });

  // --- jobs: start, poll, show -------------------------------------------------------------
  var seen = {}, polling = false;

  function fileLink(name) {
    var a = document.createElement("a");
    a.href = "/publish/output/" + encodeURIComponent(name);
    a.textContent = name;
    if (!/\.html?$/i.test(name)) { a.setAttribute("download", ""); } else {
      a.className = "show"; a.setAttribute("data-name", name);
    }
    return a;
  }

  function renderJobs(jobs) {
    document.querySelectorAll("#jobs tr[data-kind]").forEach(function (row) {
      var job = jobs[row.getAttribute("data-kind")], state = row.querySelector(".state"),
          result = row.querySelector(".result");
      if (!job) { return; }
      state.className = "state " + job.state;
      result.className = "result";
      result.textContent = "";
      if (job.state === "running") {
        var secs = Math.round(Date.now() / 1000 - job.started);
        state.textContent = "bezig" + (job.step ? ": " + job.step : "") +
          (job.total ? " (" + job.done + "/" + job.total + ")" : "") + " · " + secs + " s";
        if (job.total) {
          var bar = document.createElement("span"), fill = document.createElement("span");
          bar.className = "jobbar"; fill.style.width = Math.round(100 * job.done / job.total) + "%";
          bar.appendChild(fill); state.appendChild(bar);
        }
        result.textContent = job.what;
      } else if (job.state === "done") {
        state.textContent = "klaar in " + job.seconds + " s";
        result.appendChild(fileLink(job.file));
      } else {
        state.textContent = "mislukt";
        result.className = "result bad";
        result.textContent = job.error;
      }
    });
  }

  function renderFiles(files) {
    var body = document.querySelector("#files tbody");
    if (!body) { return; }
    body.textContent = "";
    files.forEach(function (f) {
      var tr = document.createElement("tr"), cells = [f.name, (f.bytes / 1024).toFixed(1) + " kB", f.modified];
      cells.forEach(function (text, i) {
        var td = document.createElement("td"); td.textContent = text; if (i === 1) { td.className = "n"; }
        tr.appendChild(td);
      });
      var links = document.createElement("td");
      if (f.preview) {
        var p = document.createElement("a"); p.href = "#preview"; p.className = "show";
        p.setAttribute("data-name", f.name); p.textContent = "voorbeeld";
        links.appendChild(p); links.appendChild(document.createTextNode(" "));
      }
      var d = document.createElement("a"); d.href = "/publish/output/" + encodeURIComponent(f.name);
      d.setAttribute("download", ""); d.textContent = "downloaden"; links.appendChild(d);
      tr.appendChild(links);
      body.appendChild(tr);
    });
  }

  function poll() {
    call("GET", "/api/publish/status").then(function (res) {
      if (!res.ok) { setTimeout(poll, 2000); return; }
      var jobs = res.data.jobs, running = false;
      renderJobs(jobs);
      renderFiles(res.data.files);
      Object.keys(jobs).forEach(function (kind) {
        var job = jobs[kind], before = seen[kind];
        if (job.state === "running") { running = true; }
        // a file just written: show it when it is a page (catalogue page: its own catalogue only)
        if (before === "running" && job.state === "done" && /\.html?$/i.test(job.file)) {
          var want = document.querySelector("form.job[data-preview]");
          if (!want || want.getAttribute("data-preview") === job.file) { showPreview(job.file); }
        }
        seen[kind] = job.state;
      });
      document.body.setAttribute("data-jobs", running ? "running" : "idle");
      polling = running;
      if (running) { setTimeout(poll, 700); }
    });
  }

  function startPolling() { if (!polling) { polling = true; poll(); } }

  document.querySelectorAll("form.job").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var kind = form.getAttribute("data-kind"), f = form.elements, body = { survey: f.survey.value };
      if (f.question) { body.question = f.question.value; }
      if (f.format) { body.format = f.format.value; }
      if (f.prepare) { body.prepare = f.prepare.checked; }
      if (f.redacted) { body.redacted = f.redacted.checked; }
      if (f.wave_a) { body.waves = [f.wave_a.value, f.wave_b.value]; }
      var row = document.querySelector('#jobs tr[data-kind="' + kind + '"]');
      call("POST", "/api/publish/" + kind, body).then(function (res) {
        if (!res.ok) {
          if (row) {
            row.querySelector(".state").textContent = "niet gestart";
            row.querySelector(".state").className = "state failed";
            var r = row.querySelector(".result"); r.className = "result bad"; r.textContent = res.data.error;
          }
          return;
        }
        seen[kind] = "running";
        renderJobs(Object.fromEntries([[kind, res.data]]));
        startPolling();
      });
    });
  });
  if (document.getElementById("jobs")) { document.body.setAttribute("data-jobs", "idle"); startPolling(); }

  // --- a new wave --------------------------------------------------------------------------
  var upload = document.getElementById("upload");
  if (upload) {
    upload.addEventListener("submit", function (e) {
      e.preventDefault();
      var f = upload.elements, file = f.file.files[0], status = document.getElementById("upload-status");
      if (!file) { say(status, "kies eerst een bestand", "bad"); return; }
      var q = new URLSearchParams({ survey: f.survey.value, wave: f.wave.value.trim(), name: file.name,
                                    population: f.population.value.trim(), replace: f.replace.checked ? "1" : "0" });
      say(status, "bezig met inlezen van " + file.name + "…");
      document.getElementById("upload-button").disabled = true;
      call("POST", "/api/waves?" + q.toString(), file, "application/octet-stream").then(function (res) {
        document.getElementById("upload-button").disabled = false;
        if (!res.ok) { say(status, res.data.error, "bad"); return; }
        var d = res.data, extra = [];
        if (d.excluded) { extra.push(d.excluded + " van " + d.responses + " antwoorden weggelaten door de schemaregels"); }
        var units = Object.keys(d.unmatched_units || {}).length;
        if (units) { extra.push(units + (units === 1 ? " eenheid" : " eenheden") + " niet in de gemeentelijst"); }
        if ((d.warnings || []).length) { extra.push(d.warnings.length + " waarschuwing(en): " + d.warnings.join("; ")); }
        say(status, (d.replaced ? "Vervangen" : "Ingelezen") + ": " + d.survey + " ronde " + d.wave + ", " +
            d.respondents + " respondenten, " + d.open_answers + " open antwoorden" +
            (extra.length ? " — " + extra.join(" · ") : "") + ". Vernieuw de pagina om de ronde te zien.", "ok");
      });
    });
  }

  // --- catalogue curation --------------------------------------------------------------------
  var cur = document.getElementById("curation");
  if (cur) {
    var url = "/api/catalogue/" + encodeURIComponent(cur.getAttribute("data-survey")) + "/" +
              encodeURIComponent(cur.getAttribute("data-question")) + "/curation";
    var rows = Array.prototype.slice.call(cur.querySelectorAll("tr.practice"));
    var status = document.getElementById("curation-status");

    var counts = function () {
      document.getElementById("n-included").textContent = rows.filter(function (r) {
        return r.querySelector(".include").checked; }).length;
      document.getElementById("n-highlight").textContent = rows.filter(function (r) {
        return r.querySelector(".highlight").checked; }).length;
    };
    var save = function (row) {
      var saved = row.querySelector(".saved"), title = row.querySelector(".title").value.trim();
      var choice = { wave: row.getAttribute("data-wave"), respondent_id: row.getAttribute("data-respondent"),
                     text_hash: row.getAttribute("data-hash"), include: row.querySelector(".include").checked,
                     highlight: row.querySelector(".highlight").checked, title: title || null };
      row.classList.toggle("out", !choice.include);
      row.classList.toggle("hl", choice.highlight);
      counts();
      say(saved, "opslaan…");
      call("POST", url, { choices: [choice] }).then(function (res) {
        if (!res.ok) { say(saved, "niet opgeslagen", "bad"); say(status, res.data.error, "bad"); return; }
        say(saved, "opgeslagen", "ok");
        say(status, "");
      });
    };
    rows.forEach(function (row) {
      row.querySelector(".include").addEventListener("change", function () { save(row); });
      row.querySelector(".highlight").addEventListener("change", function () { save(row); });
      row.querySelector(".title").addEventListener("change", function () { save(row); });
    });

    var filter = document.getElementById("curation-filter");
    var apply = function () {
      var theme = filter.elements.theme.value, needle = filter.elements.text.value.trim().toLowerCase(), n = 0;
      rows.forEach(function (row) {
        var hay = (row.textContent + " " + row.querySelector(".title").value).toLowerCase();
        var show = (!theme || row.getAttribute("data-theme") === theme) && (!needle || hay.indexOf(needle) >= 0);
        row.hidden = !show; n += show ? 1 : 0;
      });
      document.getElementById("shown").textContent = n;
    };
    filter.addEventListener("input", apply);
    filter.addEventListener("submit", function (e) { e.preventDefault(); });
  }
}());
