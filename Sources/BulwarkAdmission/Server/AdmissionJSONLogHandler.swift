import BulwarkCore
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A swift-log `LogHandler` writing one JSON object per line, the shape log collectors (Fluent Bit, Vector,
/// Loki) parse without configuration: `time` (RFC 3339, UTC, milliseconds), `level`, `message`, `label`,
/// then the metadata flattened to top-level keys (a nested dictionary `{"tls":{"serial":…}}` becomes
/// `"tls.serial"`). Metadata values that are integers, floating-point numbers or booleans
/// (`.stringConvertible(42)`) are written as JSON numbers and booleans, everything else as strings, so
/// `duration_ms` can be summed without parsing. Written by hand because swift-log ships only a plain-text
/// handler and no mirrored package provides a JSON one.
public struct AdmissionJSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    private let label: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: receives each line, newline included; standard error when omitted.
    public init(label: String, logLevel: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
                write: @escaping @Sendable (String) -> Void = AdmissionJSONLogHandler.standardError) {
        self.label = label
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        write(Self.line(time: Date(), level: event.level, message: event.message.description, label: label,
                        metadata: merged))
    }

    /// One log line (newline included). Fixed fields first, then metadata keys in sorted order so lines
    /// diff and grep stably; a metadata key equal to a fixed field is written as `metadata.<key>`.
    static func line(time: Date, level: Logger.Level, message: String, label: String,
                     metadata: Logger.Metadata) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        bytes.append(UInt8(ascii: "{"))
        appendField("time", text: time.formatted(timeFormat), to: &bytes, first: true)
        appendField("level", text: level.rawValue, to: &bytes)
        appendField("message", text: message, to: &bytes)
        appendField("label", text: label, to: &bytes)
        var flat: [(String, Logger.MetadataValue)] = []
        flatten(metadata, prefix: "", into: &flat)
        for (key, value) in flat.sorted(by: { $0.0 < $1.0 }) {
            let name = ["time", "level", "message", "label"].contains(key) ? "metadata." + key : key
            bytes.append(UInt8(ascii: ","))
            QuotedString.append(name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            appendValue(value, to: &bytes)
        }
        bytes.append(contentsOf: Array("}\n".utf8))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    private static func appendField(_ name: String, text: String, to bytes: inout [UInt8], first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        QuotedString.append(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        QuotedString.append(text, to: &bytes)
    }

    private static func flatten(_ metadata: Logger.Metadata, prefix: String,
                                into flat: inout [(String, Logger.MetadataValue)]) {
        for (key, value) in metadata {
            if case .dictionary(let nested) = value {
                flatten(nested, prefix: prefix + key + ".", into: &flat)
            } else {
                flat.append((prefix + key, value))
            }
        }
    }

    private static func appendValue(_ value: Logger.MetadataValue, to bytes: inout [UInt8]) {
        switch value {
        case .string(let text):
            QuotedString.append(text, to: &bytes)
        case .stringConvertible(let convertible):
            switch convertible {
            case let flag as Bool:
                bytes.append(contentsOf: Array((flag ? "true" : "false").utf8))
            case let number as any BinaryInteger:
                bytes.append(contentsOf: Array(String(describing: number).utf8))
            case let number as Double where number.isFinite:
                bytes.append(contentsOf: Array(String(number).utf8))
            default:
                QuotedString.append(convertible.description, to: &bytes)
            }
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendValue(element, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .dictionary(let nested):
            // Only inside arrays (top-level dictionaries are flattened): written as an object.
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in nested.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                QuotedString.append(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                if let element = nested[key] { appendValue(element, to: &bytes) }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes `line` to file descriptor 2 with one `write(2)` per line where the kernel allows it, so lines
    /// from concurrent requests do not interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        var line = line
        line.withUTF8 { buffer in
            guard var base = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let written = Glibc.write(2, base, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                remaining -= written
                base += written
            }
        }
    }
}
