extension HTMLReporter {
    /// The SHA-256 of `script`, base64, as the Content-Security-Policy names it (a test recomputes it).
    static let scriptHash = "sha256-m5eRYHg7FVHQtLAH06amWTNVr+qklS2d3dOIHE8Kcnk="

    /// The page's one script: reads the embedded findings, draws the findings table a page at a time,
    /// filters and searches it, and keeps the filters and the page in the URL hash
    /// (`#severity=high&q=torch&page=2`). It builds rows with `textContent`, never as markup.
    static let script = #"""
    (function () {
      "use strict";
      var source = document.getElementById("bulwark-data");
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var all = data.findings, rules = data.rules, strings = data.strings, severities = data.severities;
      var form = document.getElementById("filters");
      var body = document.querySelector("#findings-table tbody");
      var count = document.getElementById("count");
      var pager = document.getElementById("pager");
      var info = document.getElementById("pageinfo");
      var prev = document.getElementById("prev");
      var next = document.getElementById("next");
      var keys = ["severity", "stage", "rule", "suppressed", "q"];
      var haystack = null;
      var current = null;

      function text(index) { return index < 0 ? "" : strings[index]; }
      function number(n) { return n.toLocaleString("en-US"); }

      function searchText(i) {
        if (!haystack) {
          haystack = all.map(function (f) {
            return [rules[f[1]][0], f[2], text(f[3]), text(f[5]), text(f[6]), text(f[10])].join("\n").toLowerCase();
          });
        }
        return haystack[i];
      }

      function readState() {
        var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
        var state = {};
        keys.forEach(function (key) { state[key] = params.get(key) || ""; });
        state.page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
        return state;
      }

      function writeState(state) {
        var params = new URLSearchParams();
        keys.forEach(function (key) { if (state[key]) { params.set(key, state[key]); } });
        if (state.page > 1) { params.set("page", String(state.page)); }
        var hash = params.toString();
        try {
          window.history.replaceState(null, "", hash ? "#" + hash : window.location.pathname + window.location.search);
        } catch (error) {
          window.location.hash = hash;
        }
        render();
      }

      function matching(state) {
        var severity = state.severity ? state.severity.split(",").map(function (s) { return severities.indexOf(s); }) : null;
        var stage = state.stage ? data.stages.indexOf(state.stage) : -1;
        var rule = -1;
        if (state.rule) {
          rule = -2;
          for (var r = 0; r < rules.length; r++) { if (rules[r][0] === state.rule) { rule = r; } }
        }
        var query = state.q.trim().toLowerCase();
        var result = [];
        for (var i = 0; i < all.length; i++) {
          var f = all[i];
          if (severity && severity.indexOf(f[0]) < 0) { continue; }
          if (state.stage && rules[f[1]][2] !== stage) { continue; }
          if (rule !== -1 && f[1] !== rule) { continue; }
          if (state.suppressed === "yes" && !f[8]) { continue; }
          if (state.suppressed === "no" && f[8]) { continue; }
          if (query && searchText(i).indexOf(query) < 0) { continue; }
          result.push(i);
        }
        return result;
      }

      function add(parent, tag, className, content) {
        var element = document.createElement(tag);
        if (className) { element.className = className; }
        if (content !== undefined) { element.textContent = content; }
        parent.appendChild(element);
        return element;
      }

      function row(f) {
        var tr = document.createElement("tr");
        if (f[8]) { tr.className = "suppressed"; }
        var severity = severities[f[0]];
        add(add(tr, "td"), "span", "badge sev-" + severity, severity);
        var rule = add(tr, "td");
        add(rule, "code", "", rules[f[1]][0]);
        add(rule, "br");
        add(rule, "span", "sub", rules[f[1]][1]);
        var object = add(tr, "td", "", text(f[5]));
        if (f[6] >= 0) { add(object, "br"); add(object, "span", "sub", "container " + text(f[6])); }
        if (f[10] >= 0) { add(object, "br"); add(object, "span", "sub", "helm: " + text(f[10])); }
        add(tr, "td", "loc", text(f[3]) + f[4]);
        var message = add(tr, "td", "", f[2]);
        if (f[8]) {
          add(message, "br");
          add(message, "span", "sub", "suppressed (" + (f[8] === 2 ? "external" : "in source") + "): " + text(f[9]));
        }
        add(message, "div", "fix", text(f[7]));
        return tr;
      }

      function render() {
        var state = readState();
        keys.forEach(function (key) {
          var field = form.elements.namedItem(key);
          if (field && field.value !== state[key] && document.activeElement !== field) { field.value = state[key]; }
        });
        var rows = matching(state);
        var size = data.pageSize;
        var pages = Math.max(1, Math.ceil(rows.length / size));
        var page = Math.min(state.page, pages);
        var start = (page - 1) * size;
        var shown = rows.slice(start, start + size);
        var fragment = document.createDocumentFragment();
        shown.forEach(function (i) { fragment.appendChild(row(all[i])); });
        body.replaceChildren(fragment);
        var filtered = keys.some(function (key) { return state[key]; });
        if (rows.length === 0) {
          count.textContent = all.length === 0 ? "No findings." : "No finding matches (" + number(all.length) + " in all).";
        } else {
          count.textContent = "Showing " + number(start + 1) + "–" + number(start + shown.length) + " of " + number(rows.length) +
            (filtered ? " matching findings (" + number(all.length) + " in all)." : (rows.length === 1 ? " finding." : " findings."));
        }
        count.setAttribute("data-matching", String(rows.length));
        info.textContent = "Page " + number(page) + " of " + number(pages);
        prev.disabled = page <= 1;
        next.disabled = page >= pages;
        pager.hidden = pages <= 1;
        current = { state: state, page: page, pages: pages };
      }

      function fromForm(page) {
        var state = {};
        keys.forEach(function (key) { state[key] = form.elements.namedItem(key).value; });
        state.page = page;
        return state;
      }

      var typing = null;
      form.addEventListener("input", function (event) {
        window.clearTimeout(typing);
        var delay = event.target.name === "q" && all.length > 20000 ? 200 : 0;
        typing = window.setTimeout(function () { writeState(fromForm(1)); }, delay);
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      form.addEventListener("reset", function () { window.setTimeout(function () { writeState(fromForm(1)); }, 0); });
      prev.addEventListener("click", function () { writeState(fromForm(current.page - 1)); });
      next.addEventListener("click", function () { writeState(fromForm(current.page + 1)); });
      window.addEventListener("hashchange", function () {
        if (window.location.hash.indexOf("=") < 0) { return; }
        render();
        document.getElementById("findings").scrollIntoView();
      });
      form.hidden = false;
      render();
    })();
    """#

    static let css = #"""
    :root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--panel:#fff;--head:#f6f8fa;--accent:#0969da;
    --critical:#82071e;--high:#cf222e;--medium:#bc4c00;--low:#0969da;--info:#6e7781;
    --pass:#1a7f37;--fail:#cf222e;--na:#afb8c1;--manual:#e1e4e8}
    *{box-sizing:border-box}
    html{scroll-behavior:smooth}
    body{margin:0;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
    a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
    header{background:#0d1117;color:#f0f6fc;padding:20px 0 0}
    header>*{max-width:1400px;margin-left:auto;margin-right:auto;padding:0 24px}
    header h1{font-size:24px;margin:0 auto 2px}
    header .meta{color:#9198a1;margin-top:0}
    header nav{display:flex;gap:4px;flex-wrap:wrap;padding-bottom:0}
    header nav a{color:#f0f6fc;padding:8px 12px;border-radius:6px 6px 0 0}
    header nav a:hover{background:#21262d;text-decoration:none}
    main{max-width:1400px;margin:0 auto;padding:8px 24px 48px}
    section{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:4px 20px 20px;margin-top:20px}
    h2{font-size:18px;margin:14px 0 10px}
    h3{font-size:15px;margin:20px 0 8px}
    .meta,.empty,.sub{color:var(--muted)}
    .sub{font-size:12px}
    .note{color:var(--muted);font-style:italic}
    .cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}
    .card{min-width:120px;padding:10px 16px;border:1px solid var(--line);border-left-width:6px;border-radius:6px;color:var(--fg);background:var(--panel)}
    a.card:hover{text-decoration:none;background:var(--head)}
    .card .n{display:block;font-size:26px;font-weight:600;line-height:1.2}
    .card .l{color:var(--muted);text-transform:uppercase;font-size:12px;letter-spacing:.05em}
    .card.muted{border-left-color:var(--line)}
    .card.sev-critical{border-left-color:var(--critical)}.card.sev-high{border-left-color:var(--high)}
    .card.sev-medium{border-left-color:var(--medium)}.card.sev-low{border-left-color:var(--low)}.card.sev-info{border-left-color:var(--info)}
    .chart{overflow-x:auto}
    svg.bars{display:block;max-width:100%;height:auto}
    svg .label{font-size:13px;fill:var(--fg)}svg .value{font-size:13px;font-weight:600;fill:var(--fg)}
    svg .track{fill:var(--head)}
    svg .sev-critical{fill:var(--critical)}svg .sev-high{fill:var(--high)}svg .sev-medium{fill:var(--medium)}
    svg .sev-low{fill:var(--low)}svg .sev-info{fill:var(--info)}
    svg .st-pass{fill:var(--pass)}svg .st-fail{fill:var(--fail)}svg .st-not-applicable{fill:var(--na)}svg .st-manual{fill:var(--manual)}
    svg a:hover rect{opacity:.8}
    table{border-collapse:collapse;width:100%}
    th,td{border-bottom:1px solid var(--line);padding:7px 10px;text-align:left;vertical-align:top}
    thead th{background:var(--head);font-weight:600;border-top:1px solid var(--line)}
    td{overflow-wrap:anywhere}
    .num{text-align:right;font-variant-numeric:tabular-nums;width:1%;white-space:nowrap}
    .zero{color:var(--line)}
    table.grid{margin-top:12px;max-width:900px}
    table.compliance td,table.compliance th{vertical-align:middle}
    table.plan td{vertical-align:top}table.plan code{white-space:pre-wrap;word-break:break-all}
    .score{font-weight:600;font-size:15px}
    .key{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px}
    .key.st-pass{background:var(--pass);color:#fff}.key.st-fail{background:var(--fail);color:#fff}
    .key.st-not-applicable{background:var(--na)}.key.st-manual{background:var(--manual)}
    details.controls{margin-top:10px}
    details>summary{cursor:pointer;padding:6px 0;font-weight:600}
    .loc,code,pre{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:12px}
    .badge,.status{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.03em;white-space:nowrap}
    .badge.sev-critical{background:var(--critical)}.badge.sev-high{background:var(--high)}.badge.sev-medium{background:var(--medium)}
    .badge.sev-low{background:var(--low)}.badge.sev-info{background:var(--info)}
    .status{color:var(--fg);background:var(--head);border:1px solid var(--line)}
    .status.st-fail{background:var(--fail);color:#fff;border-color:var(--fail)}.status.st-pass{background:var(--pass);color:#fff;border-color:var(--pass)}
    .filters{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:end;margin:4px 0 8px;padding:12px;background:var(--head);border:1px solid var(--line);border-radius:6px}
    .filters label{display:flex;flex-direction:column;font-size:12px;font-weight:600;color:var(--muted);gap:2px}
    .filters label.grow{flex:1;min-width:220px}
    .filters select,.filters input,.filters button,.pager button{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:var(--panel);color:var(--fg)}
    .filters button,.pager button{cursor:pointer}
    .pager{display:flex;gap:12px;align-items:center;justify-content:center;margin-top:12px}
    .pager button:disabled{opacity:.45;cursor:default}
    table.findings td:first-child{width:1%}
    table.findings tbody tr:hover{background:#f6f8fa}
    .fix{color:var(--muted);font-size:12px;margin-top:4px}
    tr.suppressed td{opacity:.6}
    details.object{border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:0 14px}
    details.object>summary{padding:10px 0}
    details.object .kind{color:var(--muted);font-weight:400}
    details.object .badge{margin-left:4px}
    .finding{border-top:1px solid var(--line);padding:8px 0 4px}
    .finding p{margin:4px 0}
    .fhead .title{font-weight:600}.fhead .loc{color:var(--muted);margin-left:6px}
    pre.src{background:#0d1117;color:#e6edf3;border-radius:6px;padding:8px 0;margin:8px 0;overflow-x:auto;line-height:1.5}
    pre.src .l{display:block;padding:0 12px 0 0;white-space:pre}
    pre.src .n{display:inline-block;width:4.5em;padding-right:1em;text-align:right;color:#6e7681;user-select:none}
    pre.src .hit{background:#5a1e02;box-shadow:inset 3px 0 0 #f78166}
    pre.src .hit .n{color:#ffa198}
    p.fix{font-size:13px;color:var(--fg)}
    @media (max-width:800px){main{padding:8px}section{padding:4px 10px 14px}}
    """#
}
