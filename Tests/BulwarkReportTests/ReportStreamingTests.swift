import BulwarkCore
import BulwarkReport
import Foundation
import Synchronization
import Testing

/// Every format streams (`write(_:to:)`) the bytes `render` gives, and SARIF's streamed writer gives
/// the bytes `JSONEncoder` gives for the `SARIFLog` model (what the reporter wrote before it
/// streamed) with the one escape set of every report (`QuotedString`), on reports large enough to
/// take several chunks and parallel batches and with text that needs escaping.
@Suite struct ReportStreamingTests {
    /// `count` findings over a few files and objects, every severity, suppressed ones, with and
    /// without objects, and messages with quotes, control characters, U+2028, `/`, non-ASCII.
    static func large(_ count: Int) -> Report {
        let texts = ["plain", "quote \" back\\slash / slash", "ctl \u{1}\u{1F}\u{7F}\t\n\r\u{8}\u{C}", "ls \u{2028} ps \u{2029}",
                     "模型 🚀 é", "<&> 'x'", ""]
        let severities = Severity.descending
        var findings: [Finding] = []
        for index in 0..<count {
            let text = texts[index % texts.count]
            let object: ObjectReference? = index % 11 == 0 ? nil : ObjectReference(
                apiVersion: "apps/v1", kind: "Deployment", namespace: index % 5 == 0 ? nil : "ml", name: "app-\(index % 13)",
                container: index % 3 == 0 ? nil : "c\(index % 7) \(text)")
            findings.append(Finding(
                ruleId: ["k8s/run-as-non-root", "k8s/privileged", "k8s/latest-tag", "custom/\(index % 4)"][index % 4],
                severity: severities[index % severities.count], title: "title \(text)", message: "message \(index) \(text) " + String(repeating: "m", count: index % 150),
                remediation: "fix \(text)", location: SourceLocation(file: "dir \(index % 3)/file-\(index % 5).yaml", line: index % 97, column: index % 5),
                object: object, controls: index % 2 == 0 ? ["cis-k8s:5.2.7", "nist-800-190:4.4.3"] : [],
                suppressed: index % 9 == 0, suppressionReason: index % 18 == 0 ? "reason \(text)" : nil,
                templateSource: index % 6 == 0 ? "chart/templates/\(index % 4).yaml" : nil,
                field: index % 4 == 1 ? "spec.containers[\(index % 7)]" : nil,
                suppressionKind: index % 9 == 0 ? (index % 2 == 0 ? .inSource : .external) : nil))
        }
        let errors = (0..<(count / 50)).map { index in
            InputError(file: "bad/\(index).yaml", line: index % 3 == 0 ? nil : index, column: index % 2 == 0 ? nil : 1,
                       message: "error \(texts[index % texts.count])")
        }
        return Report(findings: findings, errors: errors, files: 5, objects: 13, skippedDocuments: 2, tool: ReportFixture.tool)
    }

    static func streamed(_ reporter: any Reporter, _ report: Report) -> (bytes: [UInt8], chunks: Int) {
        let chunks = Mutex<[[UInt8]]>([])
        reporter.write(report) { chunk in chunks.withLock { $0.append(chunk) } }
        return chunks.withLock { ($0.flatMap { $0 }, $0.count) }
    }

    static func encoded(_ log: SARIFLog) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return QuotedString.escapingRawCharacters(inJSON: Array(try encoder.encode(log))) + [UInt8(ascii: "\n")]
    }

    static let reports: [(String, Report)] = [
        ("fixture", ReportFixture.report), ("empty", ReportFixture.empty), ("5,000 findings", large(5_000)), ("257 findings", large(257)),
    ]

    @Test(arguments: reports)
    func sarifIsWhatJSONEncoderWrites(_ name: String, _ report: Report) throws {
        for reporter in [
            SARIFReporter(rules: ReportFixture.rules), SARIFReporter(rules: ReportFixture.rules, includeAllRules: true, sourceRoot: "/work/a b"),
        ] {
            let expected = try Self.encoded(reporter.log(for: report))
            #expect(reporter.render(report) == expected, "\(name)")
            #expect(Self.streamed(reporter, report).bytes == expected, "\(name)")
        }
    }

    @Test(arguments: ReportFormat.allCases)
    func everyFormatStreamsTheBytesItRenders(_ format: ReportFormat) {
        // The BOM lists the findings about model files: here every file of `large` is one.
        let models = (0..<3).flatMap { directory in
            (0..<5).map { ScannedModel(file: "dir \(directory)/file-\($0).yaml", format: "pickle", signature: "unsigned") }
        }
        // SPDX lists no findings: its size comes from an image's packages.
        let packages = (0..<5_000).map {
            InstalledPackage(kind: .python, name: "package-\($0)", version: "1.0", licenses: ["MIT"], layer: "sha256:0", path: "METADATA")
        }
        let images = format == .spdx
            ? [ScannedImage(source: "image.tar", manifestDigest: "sha256:0", configDigest: "sha256:1", platform: "linux/amd64", packages: packages)]
            : []
        let options = ReportFormat.Options(colour: true, showSuppressed: true, failOn: .severity(.medium), rules: ReportFixture.rules,
                                           models: models, images: images)
        for (name, report) in Self.reports {
            let reporter = format.reporter(options)
            let (bytes, chunks) = Self.streamed(reporter, report)
            #expect(bytes == reporter.render(report), "\(format) \(name)")
            // The plan's size follows the number of changes, not of findings: it is written by the same
            // streaming code but may fit one chunk.
            if name == "5,000 findings" && format != .plan {
                #expect(chunks > 1, "\(format) did not stream: one chunk of \(bytes.count) bytes")
            }
        }
    }
}
