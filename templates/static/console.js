// DR's ADQL console (/tap/console), DR's own code: highlighting under a plain
// textarea, completion of the caller's tables and columns (the page embeds
// them), the examples menu, sync runs shown as an HTML table, async runs as
// UWS jobs remembered in localStorage, errors marked at their line and column.
(function () {
  "use strict";
  const form = document.getElementById("console");
  if (!form) {
    return;
  }
  const editor = document.getElementById("adql");
  const shade = document.getElementById("highlight");
  const list = document.getElementById("completions");
  const errorBox = document.getElementById("query-error");
  const result = document.getElementById("result");
  const jobsBody = document.querySelector("#jobs tbody");
  const schema = JSON.parse(document.getElementById("dr-schema").textContent);
  const tables = Object.keys(schema);
  const lower = (s) => s.toLowerCase();
  const tableByName = new Map(tables.map((t) => [lower(t), t]));
  const columnNames = new Set();
  tables.forEach((t) => schema[t].forEach((c) => columnNames.add(lower(c[0]))));
  const KEYWORDS = ("SELECT FROM WHERE TOP AND OR NOT ORDER BY GROUP HAVING AS JOIN ON " +
    "LEFT RIGHT INNER OUTER FULL NATURAL USING DISTINCT ASC DESC IN BETWEEN LIKE " +
    "ILIKE IS NULL UNION INTERSECT EXCEPT ALL WITH OFFSET CASE WHEN THEN ELSE END " +
    "EXISTS CAST").split(" ");
  const KEYWORD_SET = new Set(KEYWORDS);
  const TOKEN = /(--[^\n]*)|('(?:[^']|'')*'?)|("(?:[^"]|"")*"?)|(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|([A-Za-z_][\w.]*)|(\s+)|(.)/g;
  let errorAt = null; // [start, end) of the token an error names

  function escape(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function classOf(match, text, end) {
    if (match[1]) { return "comment"; }
    if (match[2]) { return "string"; }
    if (match[3]) { return "ident"; }
    if (match[4]) { return "number"; }
    if (match[5]) {
      const word = match[5];
      if (KEYWORD_SET.has(word.toUpperCase())) { return "keyword"; }
      if (/^\s*\(/.test(text.slice(end))) { return "function"; }
      if (tableByName.has(lower(word))) { return "table"; }
      const last = lower(word.split(".").pop());
      if (columnNames.has(last)) { return "column"; }
    }
    return "";
  }

  function paint() {
    const text = editor.value;
    let html = "";
    TOKEN.lastIndex = 0;
    let match;
    while ((match = TOKEN.exec(text)) !== null) {
      const start = match.index;
      const end = start + match[0].length;
      let cls = classOf(match, text, end);
      if (errorAt && start < errorAt[1] && end > errorAt[0]) {
        cls += " error";
      }
      html += cls ? `<span class="${cls.trim()}">${escape(match[0])}</span>` : escape(match[0]);
    }
    shade.innerHTML = html + "\n";
    shade.scrollTop = editor.scrollTop;
    // what SAMP tools fetch: the same query through TAP's sync endpoint
    const query = new URLSearchParams({ REQUEST: "doQuery", LANG: "ADQL",
      QUERY: editor.value, MAXREC: document.getElementById("maxrec").value,
      RESPONSEFORMAT: "votable" });
    document.getElementById("samp-query").dataset.url = form.dataset.sync + "?" + query;
  }

  // -- completion ---------------------------------------------------------------

  function aliases() {
    const found = new Map();
    const re = /\b(?:FROM|JOIN)\s+([A-Za-z_][\w.]*)(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?/gi;
    let m;
    while ((m = re.exec(editor.value)) !== null) {
      const table = tableByName.get(lower(m[1]));
      if (!table) { continue; }
      found.set(lower(m[1]), table);
      if (m[2] && !KEYWORD_SET.has(m[2].toUpperCase())) { found.set(lower(m[2]), table); }
    }
    return found;
  }

  function candidates(prefix) {
    const low = lower(prefix);
    const named = aliases();
    const dot = low.lastIndexOf(".");
    const out = [];
    if (dot >= 0) {
      const owner = named.get(low.slice(0, dot)) || tableByName.get(low.slice(0, dot));
      if (owner) {
        const rest = low.slice(dot + 1);
        schema[owner].forEach((c) => {
          if (lower(c[0]).startsWith(rest)) {
            out.push({ text: prefix.slice(0, dot + 1) + c[0], note: c[1] ? `[${c[1]}]` : "" });
          }
        });
      }
    }
    tables.forEach((t) => {
      if (lower(t).startsWith(low)) { out.push({ text: t, note: "table" }); }
    });
    if (dot < 0) {
      new Set(named.values()).forEach((t) => schema[t].forEach((c) => {
        if (lower(c[0]).startsWith(low)) { out.push({ text: c[0], note: t }); }
      }));
      KEYWORDS.forEach((k) => {
        if (low && lower(k).startsWith(low)) { out.push({ text: k, note: "" }); }
      });
    }
    const seen = new Set();
    return out.filter((c) => !seen.has(c.text) && seen.add(c.text)).slice(0, 50);
  }

  function wordBeforeCaret() {
    const before = editor.value.slice(0, editor.selectionStart);
    return (before.match(/[A-Za-z_][\w.]*$|[A-Za-z_][\w]*\.$/) || [""])[0];
  }

  function closeList() {
    list.hidden = true;
    list.innerHTML = "";
  }

  function accept(item) {
    const word = wordBeforeCaret();
    const start = editor.selectionStart - word.length;
    editor.setRangeText(item.dataset.text, start, editor.selectionStart, "end");
    closeList();
    editor.focus();
    paint();
  }

  function openList() {
    const found = candidates(wordBeforeCaret());
    if (!found.length) {
      closeList();
      return;
    }
    list.innerHTML = "";
    found.forEach((c, n) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.dataset.text = c.text;
      item.textContent = c.text;
      if (c.note) {
        const note = document.createElement("span");
        note.className = "note";
        note.textContent = " " + c.note;
        item.appendChild(note);
      }
      if (n === 0) { item.className = "chosen"; }
      item.addEventListener("mousedown", (event) => { event.preventDefault(); accept(item); });
      list.appendChild(item);
    });
    list.hidden = false;
  }

  function move(step) {
    const items = Array.from(list.children);
    const at = items.findIndex((i) => i.classList.contains("chosen"));
    const next = (at + step + items.length) % items.length;
    items.forEach((i, n) => i.classList.toggle("chosen", n === next));
    items[next].scrollIntoView({ block: "nearest" });
  }

  editor.addEventListener("keydown", (event) => {
    if (!list.hidden) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        move(event.key === "ArrowDown" ? 1 : -1);
        event.preventDefault();
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        const chosen = list.querySelector(".chosen");
        if (chosen.dataset.text === wordBeforeCaret()) {
          closeList(); // typed out already: the key does what it always does
          return;
        }
        accept(chosen);
        event.preventDefault();
        return;
      }
      if (event.key === "Escape") {
        closeList();
        event.preventDefault();
        return;
      }
    }
    if (event.key === " " && event.ctrlKey) {
      openList();
      event.preventDefault();
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      runSync();
    }
  });
  editor.addEventListener("input", () => {
    errorAt = null;
    paint();
    const word = wordBeforeCaret();
    if (!word) {
      closeList();
    } else if (!list.hidden || /\.$/.test(word)) {
      openList();
    }
  });
  editor.addEventListener("scroll", () => { shade.scrollTop = editor.scrollTop; });
  editor.addEventListener("blur", () => setTimeout(closeList, 150));

  document.getElementById("examples").addEventListener("change", (event) => {
    if (event.target.value) {
      editor.value = event.target.value;
      errorAt = null;
      paint();
      editor.focus();
    }
  });

  // -- running ----------------------------------------------------------------

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    const where = /line (\d+), column (\d+)/.exec(message);
    if (where) {
      const lines = editor.value.split("\n");
      let offset = 0;
      for (let n = 0; n < Number(where[1]) - 1 && n < lines.length; n++) {
        offset += lines[n].length + 1;
      }
      offset += Number(where[2]) - 1;
      const rest = editor.value.slice(offset).match(/^[\w."']+|^./);
      errorAt = [offset, offset + (rest ? rest[0].length : 1)];
      editor.focus();
      editor.setSelectionRange(errorAt[0], errorAt[1]);
    }
    paint();
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = "";
    errorAt = null;
    paint();
  }

  function votableError(text) {
    const doc = new DOMParser().parseFromString(text, "application/xml");
    const info = Array.from(doc.getElementsByTagNameNS("*", "INFO"))
      .find((i) => i.getAttribute("name") === "QUERY_STATUS");
    return info ? info.textContent.trim() : text.slice(0, 500);
  }

  function params(extra) {
    const body = new URLSearchParams(new FormData(form));
    Object.entries(extra || {}).forEach(([k, v]) => body.set(k, v));
    return body;
  }

  async function runSync() {
    clearError();
    result.innerHTML = "<p>Running…</p>";
    const response = await fetch(form.dataset.sync, { method: "POST", body: params() });
    const text = await response.text();
    const type = response.headers.get("content-type") || "";
    if (response.ok && type.startsWith("text/html")) {
      result.innerHTML = text;
      const rows = result.querySelectorAll("tbody tr").length;
      const summary = document.createElement("p");
      summary.className = "summary";
      summary.id = "result-summary";
      summary.textContent = rows === 1 ? "1 row" : `${rows} rows`;
      result.prepend(summary);
      const table = result.querySelector("table");
      if (window.drPlot && table) {
        window.drPlot.current = window.drPlot.attach(table, document.getElementById("plot"));
      }
    } else {
      result.innerHTML = "";
      showError(type.includes("xml") ? votableError(text) : text);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    runSync();
  });

  // -- jobs ---------------------------------------------------------------------

  const JOBS = "dr-console-jobs:" + form.dataset.async;
  const FINAL = new Set(["COMPLETED", "ERROR", "ABORTED", "ARCHIVED", "GONE"]);
  const loadJobs = () => { try { return JSON.parse(localStorage.getItem(JOBS) || "[]"); } catch (e) { return []; } };
  const saveJobs = (jobs) => localStorage.setItem(JOBS, JSON.stringify(jobs));

  function text(doc, name) {
    const found = doc.getElementsByTagNameNS("*", name)[0];
    return found ? found.textContent.trim() : "";
  }

  async function refresh(job) {
    const response = await fetch(job.url, { headers: { Accept: "text/xml" } });
    if (response.status === 404 || response.status === 410) {
      job.phase = "GONE";
      return;
    }
    const doc = new DOMParser().parseFromString(await response.text(), "application/xml");
    job.phase = text(doc, "phase");
    const start = Date.parse(text(doc, "startTime"));
    const end = Date.parse(text(doc, "endTime"));
    job.duration = isNaN(start) ? "" : `${(((isNaN(end) ? Date.now() : end) - start) / 1000).toFixed(1)} s`;
    const results = doc.getElementsByTagNameNS("*", "result");
    job.result = results.length ? results[0].getAttributeNS("http://www.w3.org/1999/xlink", "href") : "";
    job.error = text(doc, "message");
  }

  function renderJobs() {
    jobsBody.innerHTML = "";
    loadJobs().forEach((job) => {
      const row = jobsBody.insertRow();
      row.className = "job";
      row.dataset.url = job.url;
      const query = row.insertCell();
      const link = document.createElement("a");
      link.href = job.url;
      link.textContent = job.query.length > 80 ? job.query.slice(0, 77) + "…" : job.query;
      query.appendChild(link);
      const phase = row.insertCell();
      phase.className = "phase";
      phase.textContent = job.phase || "…";
      if (job.error) { phase.title = job.error; }
      row.insertCell().textContent = job.duration || "";
      const res = row.insertCell();
      if (job.result) {
        const a = document.createElement("a");
        a.href = job.result;
        a.className = "job-result";
        a.textContent = "result";
        res.appendChild(a);
      }
      const del = document.createElement("button");
      del.type = "button";
      del.className = "job-delete";
      del.textContent = "Delete";
      del.setAttribute("aria-label", "delete the job " + job.query);
      del.addEventListener("click", async () => {
        await fetch(job.url, { method: "POST", body: new URLSearchParams({ ACTION: "DELETE" }) });
        saveJobs(loadJobs().filter((j) => j.url !== job.url));
        renderJobs();
      });
      row.insertCell().appendChild(del);
    });
  }

  async function poll() {
    const jobs = loadJobs();
    const open = jobs.filter((j) => !FINAL.has(j.phase));
    await Promise.all(open.map(refresh));
    if (open.length) {
      const stored = new Map(loadJobs().map((j) => [j.url, j]));
      saveJobs(jobs.filter((j) => stored.has(j.url)));
      renderJobs();
    }
    setTimeout(poll, open.length ? 1000 : 5000);
  }

  document.getElementById("run-async").addEventListener("click", async () => {
    clearError();
    const response = await fetch(form.dataset.async, {
      method: "POST", body: params({ PHASE: "RUN", RESPONSEFORMAT: "votable" }) });
    if (!response.ok) {
      const body = await response.text();
      showError((response.headers.get("content-type") || "").includes("xml") ? votableError(body) : body);
      return;
    }
    const job = { url: response.url, query: editor.value.trim(), phase: "QUEUED" };
    saveJobs([job, ...loadJobs()]);
    renderJobs();
  });

  paint();
  renderJobs();
  poll();
}());
