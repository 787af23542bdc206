#!/usr/bin/env python3
"""Driver of scripts/html-check: opens a Bulwark HTML report in headless Chromium through the
DevTools protocol (websocket-client), fails on console errors, uncaught exceptions and CSP
violations, checks the findings table's filters, search, URL-hash state and paging by counting the
rows in the DOM, and saves a screenshot. With --generate it writes the manifests of the large
report instead (standard library only).

    html-check.py --chromium PATH --page REPORT.html --screenshot OUT.png --profile example|large
    html-check.py --generate DIR --deployments N --containers C
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request


def generate(directory, deployments, containers):
    """Deployments whose containers break most hardening rules: many findings per object."""
    os.makedirs(directory, exist_ok=True)
    per_file = 50
    for start in range(0, deployments, per_file):
        documents = []
        for index in range(start, min(start + per_file, deployments)):
            lines = [
                "apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: model-{index:05d}",
                f"  namespace: team-{index % 17}", "spec:", "  replicas: 1", "  selector:", "    matchLabels:",
                f"      app: model-{index:05d}", "  template:", "    metadata:", "      labels:",
                f"        app: model-{index:05d}", "    spec:", "      hostNetwork: true", "      hostPID: true",
                "      containers:",
            ]
            for number in range(containers):
                lines += [
                    f"        - name: worker-{number}", f"          image: registry.example/torch-serve-{number}:latest",
                    "          args: [\"--trust-remote-code\"]", "          securityContext:",
                    "            privileged: true", "            runAsUser: 0", "            allowPrivilegeEscalation: true",
                    "            capabilities:", "              add: [\"SYS_ADMIN\", \"NET_RAW\"]",
                    "          volumeMounts:", "            - name: host", "              mountPath: /host",
                ]
            lines += ["      volumes:", "        - name: host", "          hostPath:", "            path: /"]
            documents.append("\n".join(lines) + "\n")
        with open(os.path.join(directory, f"deployments-{start // per_file:04d}.yaml"), "w") as handle:
            handle.write("---\n".join(documents))


class DevTools:
    """One page target of a Chromium started with --remote-debugging-port=0 on loopback."""

    def __init__(self, chromium, width=1400, height=900):
        import websocket  # from the venv scripts/html-check makes

        self.profile = tempfile.mkdtemp(prefix="bulwark-html-check-")
        arguments = [
            chromium, "--headless=new", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank",
        ]
        if os.geteuid() == 0:
            arguments.insert(1, "--no-sandbox")
        self.process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 60
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if self.process.poll() is not None or time.time() > deadline:
                raise RuntimeError("chromium did not start: " + self.process.stderr.read().decode(errors="replace")[-2000:])
            time.sleep(0.1)
        time.sleep(0.2)
        port = int(open(port_file).read().split()[0])
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30))
        page = next(target for target in targets if target.get("type") == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120, suppress_origin=True)
        self.next_id = 0
        self.events = []
        self.problems = []
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def _receive(self):
        message = json.loads(self.socket.recv())
        method = message.get("method")
        if method == "Runtime.exceptionThrown":
            details = message["params"]["exceptionDetails"]
            self.problems.append("uncaught exception: " + json.dumps(details.get("exception", {}).get("description") or details.get("text")))
        elif method == "Runtime.consoleAPICalled" and message["params"]["type"] in ("error", "assert"):
            self.problems.append("console." + message["params"]["type"] + ": " + json.dumps(message["params"]["args"])[:500])
        elif method == "Log.entryAdded" and message["params"]["entry"]["level"] == "error":
            entry = message["params"]["entry"]
            self.problems.append(f"console error ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}")
        if method:
            self.events.append(method)
        return message

    def call(self, method, **params):
        self.next_id += 1
        identifier = self.next_id
        self.socket.send(json.dumps({"id": identifier, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("id") == identifier:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, event, timeout=120):
        deadline = time.time() + timeout
        while event not in self.events:
            if time.time() > deadline:
                raise RuntimeError(f"timed out waiting for {event}")
            self._receive()

    def open(self, url):
        """Loads `url` afresh (through about:blank, so a new hash is a new load) and waits until the
        page's script has drawn the findings table."""
        self.events.clear()
        self.call("Page.navigate", url="about:blank")
        self.wait_for("Page.loadEventFired")
        self.events.clear()
        started = time.time()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        deadline = time.time() + 120
        while not self.evaluate("!!(document.getElementById('count') && document.getElementById('count').hasAttribute('data-matching'))"):
            if time.time() > deadline:
                raise RuntimeError(f"the findings table of {url} was not drawn")
            time.sleep(0.1)
        return time.time() - started

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluating {expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path, max_height=7000):
        height = self.evaluate("document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": 1400, "height": min(height, max_height), "scale": 1}
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


STATE = """(() => {
  const rows = [...document.querySelectorAll('#findings-table tbody tr')];
  const count = document.getElementById('count');
  return {
    rows: rows.length,
    matching: Number(count.getAttribute('data-matching')),
    count: count.textContent,
    page: document.getElementById('pageinfo').textContent,
    severities: [...new Set(rows.map(r => r.querySelector('.badge').textContent))],
    first: rows.length ? rows[0].textContent : '',
    filtersShown: !document.getElementById('filters').hidden,
    hash: location.hash,
    total: JSON.parse(document.getElementById('bulwark-data').textContent).findings.length,
  };
})()"""


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def expect(self, condition, what, detail=""):
        if condition:
            self.passed += 1
            print(f"ok: {what}")
        else:
            self.failed += 1
            print(f"FAILED: {what} {detail}", file=sys.stderr)


def run(arguments):
    page = os.path.abspath(arguments.page)
    url = "file://" + urllib.request.pathname2url(page)
    size = os.path.getsize(page)
    checks = Checks()
    browser = DevTools(arguments.chromium)
    try:
        seconds = browser.open(url)
        print(f"loaded {page} ({size / 1e6:.1f} MB) in {seconds:.1f} s")
        base = browser.evaluate(STATE)
        total = base["total"]
        page_size = browser.evaluate("JSON.parse(document.getElementById('bulwark-data').textContent).pageSize")
        checks.expect(base["filtersShown"], "the script ran and showed the filters")
        checks.expect(total > 0 and base["matching"] == total and base["rows"] == min(total, page_size),
                      f"all {total} findings match, {base['rows']} rows on the first page", json.dumps(base))
        browser.screenshot(arguments.screenshot)
        checks.expect(os.path.getsize(arguments.screenshot) > 10_000, f"screenshot saved to {arguments.screenshot}")

        # Severity: the least frequent severity present, opened straight from the URL hash.
        counts = browser.evaluate("""(() => { const d = JSON.parse(document.getElementById('bulwark-data').textContent);
            const c = {}; d.findings.forEach(f => { const s = d.severities[f[0]]; c[s] = (c[s] || 0) + 1; }); return c; })()""")
        severity = min(counts, key=lambda name: counts[name])
        browser.open(url + "#severity=" + severity)
        view = browser.evaluate(STATE)
        checks.expect(view["matching"] == counts[severity] and view["rows"] == min(counts[severity], page_size)
                      and view["severities"] == [severity],
                      f"#severity={severity} shows only its {counts[severity]} findings", json.dumps(view))
        checks.expect(view["matching"] < total or len(counts) == 1, "filtering by severity changes the rows")

        # Search: the object of the last finding (text most findings do not contain); then text
        # that matches nothing.
        word, expected = browser.evaluate("""(() => { const d = JSON.parse(document.getElementById('bulwark-data').textContent);
            const text = f => [d.rules[f[1]][0], f[2], d.strings[f[3]], f[5] < 0 ? '' : d.strings[f[5]],
                               f[6] < 0 ? '' : d.strings[f[6]], f[10] < 0 ? '' : d.strings[f[10]]].join('\\n').toLowerCase();
            const last = d.findings[d.findings.length - 1];
            const word = last[5] < 0 ? d.rules[last[1]][0] : d.strings[last[5]];
            return [word, d.findings.filter(f => text(f).includes(word.toLowerCase())).length]; })()""")
        browser.open(url + "#q=" + urllib.parse.quote(word))
        view = browser.evaluate(STATE)
        checks.expect(view["matching"] == expected and view["rows"] == min(expected, page_size),
                      f"#q={word} shows the {expected} findings that mention it", json.dumps(view))
        checks.expect(expected < total, "searching changes the rows", f"({expected} of {total})")
        browser.open(url + "#q=no-such-text-anywhere-" + str(int(time.time())))
        view = browser.evaluate(STATE)
        checks.expect(view["matching"] == 0 and view["rows"] == 0 and "No finding matches" in view["count"],
                      "a search that matches nothing shows no rows and says so", json.dumps(view))

        # The form: choosing a severity in the select filters the rows and writes the hash.
        browser.open(url)
        browser.evaluate(f"""(() => {{ const s = document.querySelector('#filters select[name=severity]');
            s.value = {json.dumps(severity)}; s.dispatchEvent(new Event('input', {{bubbles: true}})); }})()""")
        time.sleep(0.5)
        view = browser.evaluate(STATE)
        checks.expect(view["matching"] == counts[severity] and f"severity={severity}" in view["hash"],
                      "the severity select filters the rows and keeps the state in the URL hash", json.dumps(view))
        browser.evaluate("""(() => { const q = document.querySelector('#filters input[name=q]');
            q.value = 'zz-nothing-zz'; q.dispatchEvent(new Event('input', {bubbles: true})); })()""")
        time.sleep(0.8)
        view = browser.evaluate(STATE)
        checks.expect(view["rows"] == 0 and "q=zz-nothing-zz" in view["hash"], "typing in the search box filters the rows",
                      json.dumps(view))

        # Suppressed and stage filters.
        suppressed = browser.evaluate("JSON.parse(document.getElementById('bulwark-data').textContent).findings.filter(f => f[8]).length")
        browser.open(url + "#suppressed=yes")
        view = browser.evaluate(STATE)
        checks.expect(view["matching"] == suppressed, f"#suppressed=yes shows the {suppressed} suppressed findings", json.dumps(view))
        browser.open(url + "#stage=deploy")
        deploy = browser.evaluate(STATE)["matching"]
        browser.open(url + "#stage=build")
        build = browser.evaluate(STATE)["matching"]
        checks.expect(deploy + build <= total and (deploy > 0 or build > 0), f"#stage= filters ({deploy} deploy, {build} build)")

        # Paging.
        pages = -(-total // page_size)
        if pages > 1:
            browser.open(url + "#page=2")
            second = browser.evaluate(STATE)
            checks.expect(second["page"].startswith("Page 2 of") and second["rows"] == min(page_size, total - page_size)
                          and second["first"] != base["first"], "#page=2 opens the second page", json.dumps(second))
            browser.evaluate("document.getElementById('next').click()")
            time.sleep(0.3)
            third = browser.evaluate(STATE)
            checks.expect(third["page"].startswith("Page 3 of" if pages > 2 else "Page 2 of") and "page=" in third["hash"],
                          "the Next button moves a page and writes it to the hash", json.dumps(third))
        if arguments.profile == "large":
            checks.expect(total >= 90_000, f"the large report holds {total} findings (about 100,000 wanted)")
            checks.expect(size < 60_000_000, f"the large page is {size / 1e6:.1f} MB (under 60 MB)")
            browser.open(url + "#severity=" + severity + "&page=3")
            view = browser.evaluate(STATE)
            checks.expect(view["page"].startswith("Page 3 of") or view["matching"] <= 2 * page_size,
                          "a filtered view of the large report pages", json.dumps(view))
        else:
            objects = browser.evaluate("document.querySelectorAll('details.object').length")
            excerpts = browser.evaluate("document.querySelectorAll('pre.src .hit').length")
            checks.expect(objects > 0 and excerpts > 0, f"{objects} object sections with {excerpts} highlighted source lines")
            remote = browser.evaluate("""[...document.querySelectorAll('[src],link[href]')].length""")
            checks.expect(remote == 0, "no element loads anything (no src, no link)")
    finally:
        problems = list(browser.problems)
        browser.close()
    for problem in problems:
        checks.expect(False, "no console error or exception", problem)
    if not problems:
        checks.expect(True, "no console error, uncaught exception or CSP violation")
    print(f"{arguments.profile}: {checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium")
    parser.add_argument("--page")
    parser.add_argument("--screenshot")
    parser.add_argument("--profile", choices=["example", "large"], default="example")
    parser.add_argument("--generate")
    parser.add_argument("--deployments", type=int, default=1000)
    parser.add_argument("--containers", type=int, default=8)
    arguments = parser.parse_args()
    if arguments.generate:
        generate(arguments.generate, arguments.deployments, arguments.containers)
        return 0
    return run(arguments)


if __name__ == "__main__":
    sys.exit(main())
