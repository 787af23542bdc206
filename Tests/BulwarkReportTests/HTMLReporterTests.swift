import BulwarkCore
import Crypto
import Foundation
@testable import BulwarkReport
import Testing

@Suite struct HTMLReporterTests {
    /// Text of the fixture's files as the command would read them: numbered lines, with a
    /// credential, markup, a tab and a control character near findings; the Dockerfile unreadable.
    static func fixtureFile(_ path: String) -> [UInt8]? {
        guard path != "docker/Dockerfile" else { return nil }
        let lines = (1...40).map { number -> String in
            switch (path, number) {
            case ("k8s/deploy.yaml", 26): "        - name: DB_PASSWORD"
            case ("k8s/deploy.yaml", 27): "          value: Zq8#vR2!mK9$pL4@xW7&"
            case ("k8s/deploy.yaml", 30): "          # <script> alert(1) </script> & \"quotes\""
            case ("k8s/deploy.yaml", 32): "\tprivileged:\u{1} true"
            default: "line \(number) of \(path)"
            }
        }
        return Array(lines.joined(separator: "\n").utf8)
    }

    static let sources = SourceExcerpts.collect(around: HTMLReporter.excerptLocations(for: ReportFixture.report), read: fixtureFile)

    static let reporter = HTMLReporter(rules: ReportFixture.rules, sources: sources)

    @Test func matchesTheGoldenFile() {
        Golden.check(Self.reporter.render(ReportFixture.report), against: "report.html")
    }

    @Test func isSelfContainedWithAContentSecurityPolicy() {
        let html = Self.reporter.html(ReportFixture.report)
        #expect(html.hasPrefix("<!DOCTYPE html>\n"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; script-src &#39;sha256-"))
        #expect(html.components(separatedBy: "<script").count == 3, "the data and the one script")
        #expect(!html.contains("src="))
        #expect(!html.contains("<link"))
        #expect(!html.contains("http://"))
        #expect(!html.contains("https://"))
        #expect(!html.contains("@import"))
        #expect(html.contains("sidecar&lt;&amp;&gt;"))
        #expect(!html.contains("sidecar<&>"))
        #expect(!html.contains("\u{1}"))
    }

    @Test func scriptHashMatchesThePolicy() {
        let digest = Data(SHA256.hash(data: Array(HTMLReporter.script.utf8))).base64EncodedString()
        #expect(HTMLReporter.scriptHash == "sha256-\(digest)", "update scriptHash after changing the script")
    }

    @Test func hostileTextStaysInert() throws {
        let message = "</script><img src=x onerror=alert(1)>\u{2028}<!-- & \u{2029}</SCRIPT >"
        let finding = Finding(
            ruleId: "k8s/privileged", severity: .critical, title: "<b>title</b>", message: message,
            remediation: "</script><script>alert(2)</script>", location: SourceLocation(file: "a<b>/c&d.yaml", line: 3, column: 1),
            object: ObjectReference(apiVersion: "v1", kind: "Pod", namespace: "x\"><svg onload=alert(3)>", name: "p",
                                    container: "c'><iframe>"),
            suppressed: true, suppressionReason: "</script>reason", suppressionKind: .external)
        let report = Report(findings: [finding], errors: [], files: 1, objects: 1, tool: ReportFixture.tool)
        let html = HTMLReporter(rules: ReportFixture.rules).html(report)
        #expect(!html.contains("<img"))
        #expect(!html.contains("<svg onload"))
        #expect(!html.contains("<iframe"))
        #expect(!html.contains("<b>title"))
        #expect(html.components(separatedBy: "</script>").count == 3, "only the data and the script end")
        #expect(!html.lowercased().contains("</script >"))

        let start = try #require(html.range(of: "<script type=\"application/json\" id=\"bulwark-data\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let data = String(html[start.upperBound..<end.lowerBound])
        for raw in ["<", ">", "&", "\u{2028}", "\u{2029}"] { #expect(!data.contains(raw), "raw \(raw) in the data") }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
        let rows = try #require(json["findings"] as? [[Any]])
        let strings = try #require(json["strings"] as? [String])
        #expect(rows.first?[2] as? String == message)
        #expect(strings.contains("</script><script>alert(2)</script>"))
        #expect(strings.contains("</script>reason"))
    }

    @Test func summarisesStagesAndEveryFramework() {
        let html = Self.reporter.html(ReportFixture.report)
        // The Dockerfile finding is the one build finding, low.
        #expect(html.contains("<tr><th scope=\"row\"><a href=\"#stage=build\">Build</a></th><td class=\"num zero\">0</td><td class=\"num zero\">0</td>"
            + "<td class=\"num zero\">0</td><td class=\"num\"><a href=\"#stage=build&amp;severity=low\">1</a></td>"))
        #expect(html.contains("<svg class=\"bars\""))
        for framework in ControlCatalog.frameworks.keys {
            #expect(html.contains("<span class=\"sub\">\(framework)</span></th>"), "\(framework)")
        }
        // The carried summary (nist-800-190) is the one shown, open.
        let carried = ReportFixture.report.compliance?.score ?? -1
        #expect(html.contains("<td class=\"num score\">\(ComplianceScore.text(carried))%</td>"))
        #expect(html.contains("<details class=\"controls\" open><summary>NIST SP 800-190"))
    }

    @Test func complianceUsesTheSummarizerForFrameworksTheReportDoesNotCarry() {
        let reports = Self.reporter.complianceReports(ReportFixture.report)
        #expect(reports.map(\.framework) == ControlCatalog.frameworks.keys.sorted())
        let expected = ComplianceSummarizer(rules: ReportFixture.rules).summarize(ReportFixture.report.findings, framework: "cis-k8s")
        #expect(reports.first { $0.framework == "cis-k8s" } == expected)
        #expect(reports.first { $0.framework == "nist-800-190" } == ReportFixture.report.compliance)
    }

    @Test func objectSectionsShowSourceLinesAndRemediation() {
        let html = Self.reporter.html(ReportFixture.report)
        // The worst object first: the Deployment with the critical finding.
        #expect(html.contains("<details class=\"object\" id=\"object-1\" open>\n<summary><span class=\"kind\">Deployment</span> <span class=\"name\">ml/model-server</span>"))
        #expect(html.contains("<span class=\"l hit\"><span class=\"n\">33</span>"))
        #expect(html.contains("&lt;script&gt; alert(1) &lt;/script&gt; &amp; &quot;quotes&quot;"))
        #expect(html.contains("<span class=\"n\">32</span>    privileged: true</span>"))
        #expect(!html.contains("Zq8#vR2!mK9$pL4@xW7&amp;"), "the credential next to a finding is redacted")
        #expect(html.contains("<p class=\"fix\"><strong>Fix:</strong> Remove securityContext.privileged or set it to false.</p>"))
        #expect(html.contains("<span class=\"kind\">Dockerfile</span> <span class=\"name\">docker/Dockerfile</span>"))
        #expect(html.contains("Source lines not included."))
    }

    @Test func listsSuppressedFindingsWithKindAndReason() {
        let html = Self.reporter.html(ReportFixture.report)
        #expect(html.contains("<td class=\"loc\">k8s/deploy.yaml:21:7</td><td>external</td><td>needed by the CNI daemon; approved in SEC-123</td>"))
        #expect(html.contains("<td>in source</td><td>token required by the model registry client</td>"))
    }

    @Test func saysWhatTheLimitsLeaveOut() {
        let limits = HTMLReporter.Limits(pageSize: 2, objectSections: 1, findingsPerObject: 1, suppressedRows: 1)
        let html = HTMLReporter(rules: ReportFixture.rules, limits: limits).html(ReportFixture.report)
        #expect(html.components(separatedBy: "<details class=\"object\"").count == 2)
        #expect(html.contains("2 more findings of this object are in the findings table (limit 1 here)."))
        #expect(html.contains("4 more objects with 4 findings have no section here (limit 1); every finding is in the findings table."))
        #expect(html.contains("1 more suppressed finding is in the findings table"))
        #expect(html.contains("Showing 1–2 of 9 findings."))
    }

    @Test func emptyReport() {
        let html = HTMLReporter().html(ReportFixture.empty)
        #expect(html.contains("<p id=\"count\" class=\"meta\" aria-live=\"polite\">No findings.</p>"))
        #expect(html.contains("No object has an unsuppressed finding."))
        #expect(html.contains("No finding is suppressed."))
    }

    /// 100,000 findings: every one in the data, the markup bounded by the limits.
    @Test func aHundredThousandFindingsStayReasonablySized() throws {
        let report = ReportStreamingTests.large(100_000)
        let bytes = HTMLReporter(rules: ReportFixture.rules).render(report)
        let html = String(decoding: bytes, as: UTF8.self)
        // The messages alone are about 13 MB; each finding adds about 60 bytes of indices.
        let messages = report.findings.reduce(0) { $0 + $1.message.utf8.count }
        #expect(bytes.count < messages + 100_000 * 80 + 2_000_000, "\(bytes.count) bytes for \(messages) bytes of messages")
        #expect(html.components(separatedBy: "<details class=\"object\"").count - 1 <= HTMLReporter.Limits.standard.objectSections)
        #expect(html.components(separatedBy: "<tr><td><span class=\"badge").count - 1 <= 100 + HTMLReporter.Limits.standard.suppressedRows)
        #expect(html.contains("more suppressed findings are in the findings table"))
    }
}

@Suite struct SourceExcerptsTests {
    static func text(_ count: Int) -> [UInt8] {
        Array((1...count).map { "l\($0)" }.joined(separator: "\r\n").utf8)
    }

    @Test func keepsThreeLinesEitherSideMergedAndClamped() throws {
        let locations = [SourceLocation(file: "a", line: 2, column: 1), SourceLocation(file: "a", line: 6, column: 1),
                         SourceLocation(file: "a", line: 19, column: 1), SourceLocation(file: "a", line: 30, column: 1)]
        let excerpts = SourceExcerpts.collect(around: locations) { _ in Self.text(20) }
        let ranges = try #require(excerpts.files["a"]).map { $0.firstLine...$0.lastLine }
        #expect(ranges == [1...9, 16...20])
        #expect(excerpts.excerpt(file: "a", line: 6)?.lines == ["l3", "l4", "l5", "l6", "l7", "l8", "l9"])
        #expect(excerpts.excerpt(file: "a", line: 19)?.firstLine == 16)
        #expect(excerpts.excerpt(file: "a", line: 19)?.lines.last == "l20")
        #expect(excerpts.excerpt(file: "a", line: 12) == nil)
    }

    @Test func skipsBinaryPlacesUnreadableAndBinaryFiles() {
        let locations = [SourceLocation(file: "model.pt", member: "archive/data.pkl", offset: 10),
                         SourceLocation(file: "gone.yaml", line: 3, column: 1), SourceLocation(file: "blob", line: 1, column: 1)]
        var asked: [String] = []
        let excerpts = SourceExcerpts.collect(around: locations) { path in
            asked.append(path)
            return path == "blob" ? [0x61, 0x00, 0x62] : nil
        }
        #expect(asked == ["gone.yaml", "blob"])
        #expect(excerpts.files.isEmpty)
    }

    @Test func capsLinesPerFileAndInAllAndCountsWhatIsLeftOut() {
        let locations = (1...10).map { SourceLocation(file: "f\($0 % 2)", line: $0 * 20, column: 1) }
        let limits = SourceExcerpts.Limits(context: 3, linesPerFile: 14, totalLines: 21)
        let excerpts = SourceExcerpts.collect(around: locations, limits: limits) { _ in Self.text(300) }
        let kept = excerpts.files.values.flatMap { $0 }.reduce(0) { $0 + $1.lines.count }
        #expect(kept <= 21)
        #expect(excerpts.files.values.allSatisfy { $0.reduce(0) { $0 + $1.lines.count } <= 14 })
        #expect(excerpts.linesLeftOut == 10 - kept / 7)
    }

    @Test(arguments: [
        ("a\u{1}b\u{1B}[2Jc\u{7F}", "ab[2Jc"),
        ("\tname: value", "    name: value"),
        ("x\u{2028}y\u{202E}z", "xyz"),
        ("token: ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5", "token: ghp_…(40 chars)"),
        ("  password: \"s3cr3t-Value-42\"", "  password: s3cr…(15 chars)"),
        ("API_KEY=Zq8vR2mK9pL4xW7tY1", "API_KEY=Zq8v…(18 chars)"),
        ("  image: registry.example/app:1.2", "  image: registry.example/app:1.2"),
        ("  password: ${DB_PASSWORD}", "  password: ${DB_PASSWORD}"),
    ])
    func sanitisesLines(_ line: String, _ expected: String) {
        #expect(SourceExcerpts.sanitise(line) == expected)
    }

    @Test func redactsTheValueAfterACredentialName() {
        #expect(SourceExcerpts.sanitise("  value: Zq8vR2mK9pL4xW7t", after: "- name: HF_TOKEN") == "  value: Zq8v…(16 chars)")
        #expect(SourceExcerpts.sanitise("  value: \"8080\"", after: "- name: PORT") == "  value: \"8080\"")
    }

    @Test func cutsLongLines() {
        let line = SourceExcerpts.sanitise(String(repeating: "ab ", count: 200), limit: 10)
        #expect(line == "ab ab ab a…")
    }
}
