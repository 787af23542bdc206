import BulwarkCore
import Foundation

/// Reads what `--format json` writes (`JSONReporter`) back into a `Report`, strictly: the input must
/// be a JSON object with `schemaVersion` 1 and `tool.name` "bulwark", and every member the report
/// contract requires must be there with its documented type (a finding without a `location`, a
/// severity that is not one of the five, a count that is not an integer: each is an error naming
/// the JSON path). Members a subcommand adds (`matrix`, `images`) are ignored.
///
/// `bulwark report merge` and `--baseline` read reports through it.
public enum JSONReportReader {
    /// Why a file is not a Bulwark JSON report.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String

        public init(_ reason: String) {
            self.reason = reason
        }

        public var description: String { reason }
    }

    /// The largest report read (reports are held in memory).
    public static let limit = ByteLimit(bytes: 1 << 30)

    public static func decode(_ bytes: [UInt8]) -> Result<Report, Failure> {
        // The header first, for a clear message when the file is JSON but not a Bulwark report.
        struct Header: Decodable {
            var schemaVersion: Int?
            var tool: ToolInfo?
        }
        let data = Data(bytes)
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            return .failure(Failure("not JSON: \(context.debugDescription)"))
        } catch {
            return .failure(Failure("not a Bulwark JSON report: \(describe(error))"))
        }
        guard let version = header.schemaVersion, let tool = header.tool else {
            return .failure(Failure("not a Bulwark JSON report (no schemaVersion or tool; write it with --format json)"))
        }
        guard tool.name == "bulwark" else {
            return .failure(Failure("a report of \(tool.name.debugDescription), not of bulwark"))
        }
        guard version == 1 else {
            return .failure(Failure("report schemaVersion \(version) is not supported (this bulwark reads 1)"))
        }
        do {
            return .success(try JSONDecoder().decode(Report.self, from: data))
        } catch {
            return .failure(Failure(describe(error)))
        }
    }

    /// Reads and decodes one report file; errors name the file.
    public static func read(_ path: String) -> Result<Report, InputError> {
        switch InputFile.read(path, limit: limit) {
        case .failure(let error):
            return .failure(error)
        case .success(let bytes):
            return decode(bytes).mapError { InputError(file: path, message: $0.reason) }
        }
    }

    /// `summary.findings.high: expected a number` rather than Foundation's dump of the context.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return keys.hasPrefix(".") ? String(keys.dropFirst()) : keys
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(parent.isEmpty ? "" : parent + ".")\(key.stringValue): missing"
        case .typeMismatch(let type, let context):
            let place = path(context)
            return (place.isEmpty ? "" : place + ": ") + "expected \(type == [String: Any].self ? "a JSON object" : "\(type)")"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(type), found null"
        case .dataCorrupted(let context):
            let place = path(context)
            return (place.isEmpty ? "" : place + ": ") + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}
