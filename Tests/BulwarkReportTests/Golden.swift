import Foundation
import Testing

/// Golden files under `Fixtures/golden/`, compared byte for byte.
///
/// `BULWARK_UPDATE_GOLDEN=1 swift test --filter BulwarkReportTests` rewrites them in the source tree
/// (next to this file) and fails each regenerating test with a note, so a run with the variable set
/// never passes by accident; run again without it to confirm, and review the diff before committing.
enum Golden {
    static var updating: Bool { ProcessInfo.processInfo.environment["BULWARK_UPDATE_GOLDEN"] == "1" }

    static func sourceURL(_ name: String, filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/golden").appendingPathComponent(name)
    }

    static func check(_ actual: [UInt8], against name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        if updating {
            do {
                let url = sourceURL(name)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual).write(to: url)
                Issue.record("regenerated \(url.path); run the tests again without BULWARK_UPDATE_GOLDEN", sourceLocation: sourceLocation)
            } catch {
                Issue.record("cannot write golden file \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let url = Fixture.bundled("golden/\(name)"), let expected = try? Data(contentsOf: url)
        else {
            Issue.record("golden file \(name) is missing; create it with BULWARK_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        if Array(expected) != actual {
            let expectedText = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let actualText = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            var line = 0
            while line < expectedText.count, line < actualText.count, expectedText[line] == actualText[line] { line += 1 }
            let want = line < expectedText.count ? String(expectedText[line]) : "<end of file>"
            let got = line < actualText.count ? String(actualText[line]) : "<end of file>"
            let message = "output differs from golden file \(name) at line \(line + 1):\n  expected: \(want)\n  actual:   \(got)\n"
                + "(regenerate with BULWARK_UPDATE_GOLDEN=1 if the change is intended)"
            Issue.record(
                Comment(rawValue: message),
                sourceLocation: sourceLocation
            )
        }
    }
}

/// Fixture files shipped in the test bundle.
enum Fixture {
    static func bundled(_ name: String) -> URL? {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Fixtures").appendingPathComponent(name),
              FileManager.default.fileExists(atPath: url.path)
        else { return nil }
        return url
    }

    static func url(_ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> URL {
        try #require(bundled(name), "fixture \(name) is not in the test bundle", sourceLocation: sourceLocation)
    }
}

/// A unique temporary file for one test (tests run in parallel).
struct TemporaryFile: ~Copyable {
    let url: URL

    init(suffix: String) {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-report-\(UUID().uuidString)\(suffix)")
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
