import BulwarkCore
import Foundation

/// One `-----BEGIN X-----` … `-----END X-----` block of a PEM file (RFC 7468,
/// https://www.rfc-editor.org/rfc/rfc7468), with the lines it spans so that a message can point
/// at it. A block that cannot be decoded is kept with its problem instead of being dropped: the
/// certificate reader says what is wrong with it.
struct PEMBlock: Equatable {
    enum Problem: Equatable {
        /// The file ends before the END line.
        case unterminated
        /// The END line names another label (`-----END PUBLIC KEY-----` after `BEGIN CERTIFICATE`).
        case mismatchedEnd(label: String, line: Int)
        /// A body line holds a character outside the base64 alphabet.
        case notBase64(character: String, line: Int)
        /// `=` padding before the last characters of the body.
        case misplacedPadding(line: Int)
        /// The base64 text's length is not a multiple of 4.
        case truncatedBase64(characters: Int)
        /// No body between the BEGIN and END lines.
        case empty
    }

    let label: String
    /// 1-based line of the BEGIN line.
    let beginLine: Int
    /// 1-based line of the END line (or of the last line read, for an unterminated block).
    let endLine: Int
    /// The decoded body; empty when `problem` is set.
    let der: [UInt8]
    let problem: Problem?

    /// `lines 3–22`, for messages.
    var lines: String { beginLine == endLine ? "line \(beginLine)" : "lines \(beginLine)–\(endLine)" }

    /// `the CERTIFICATE block on lines 3–22`, for messages.
    var name: String { "the \(label) block on \(lines)" }

    /// Every block in `text`, in order, including damaged ones. Like Go's `encoding/pem`, spaces and
    /// tabs inside the base64 body are ignored; RFC 1421 headers (`Proc-Type: …`) before the body are
    /// skipped.
    static func all(in text: String) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var open: (label: String, line: Int)?
        var body: [UInt8] = []
        var bodyLines: [Int] = []  // the line of each body character, for messages
        var problem: Problem?

        func close(at line: Int, _ closing: Problem?) {
            guard let current = open else { return }
            var found = problem ?? closing
            var der: [UInt8] = []
            if found == nil {
                if body.isEmpty {
                    found = .empty
                } else if let padding = body.firstIndex(of: UInt8(ascii: "=")),
                          body[padding...].contains(where: { $0 != UInt8(ascii: "=") }) || body.count - padding > 2 {
                    found = .misplacedPadding(line: bodyLines[padding])
                } else if body.count % 4 != 0 {
                    found = .truncatedBase64(characters: body.count)
                } else if case .success(let bytes) = Base64.decode(String(decoding: body, as: UTF8.self)) {
                    der = bytes
                } else {
                    found = .truncatedBase64(characters: body.count)
                }
            }
            blocks.append(PEMBlock(label: current.label, beginLine: current.line, endLine: line, der: der, problem: found))
            open = nil
        }

        var number = 0
        for (lineNumber, line) in segments(of: text) {
            number = lineNumber
            if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                if open != nil { close(at: number - 1, .unterminated) }
                open = (String(line.dropFirst(11).dropLast(5)), number)
                body = []
                bodyLines = []
                problem = nil
                continue
            }
            guard let current = open else { continue }
            if line.hasPrefix("-----END "), line.hasSuffix("-----"), line.count > 14 {
                let label = String(line.dropFirst(9).dropLast(5))
                close(at: number, label == current.label ? nil : .mismatchedEnd(label: label, line: number))
                continue
            }
            if line.isEmpty || problem != nil { continue }
            if body.isEmpty && line.contains(":") { continue }
            for character in line.unicodeScalars where character != " " && character != "\t" {
                guard character.isASCII, (ASCII.isBase64(UInt8(character.value)) || character == "=") else {
                    problem = .notBase64(character: Self.describe(character), line: number)
                    break
                }
                body.append(UInt8(character.value))
                bodyLines.append(number)
            }
        }
        if open != nil { close(at: number, .unterminated) }
        return blocks
    }

    /// The trimmed lines of `text` with their 1-based numbers. A line that holds an END line and
    /// the next BEGIN line (`-----END CERTIFICATE----------BEGIN CERTIFICATE-----`, what `cat`
    /// makes of PEM files without a final newline) is split in two, as Go's `encoding/pem` reads it.
    private static func segments(of text: String) -> [(Int, String)] {
        var result: [(Int, String)] = []
        var number = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            var rest = Substring(rawLine.trimmingCharacters(in: .whitespaces))
            while let range = rest.dropFirst().range(of: "-----BEGIN ") {
                result.append((number, String(rest[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)))
                rest = rest[range.lowerBound...]
            }
            result.append((number, String(rest)))
        }
        return result
    }

    /// Lines that start like a BEGIN line but are not one (`-----BEGIN CERTIFICATE` without the
    /// closing dashes), as 1-based line numbers.
    static func malformedBeginLines(in text: String) -> [Int] {
        var lines: [Int] = []
        var number = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("-----BEGIN") && !(line.hasPrefix("-----BEGIN ") && line.hasSuffix("-----") && line.count > 16) {
                lines.append(number)
            }
        }
        return lines
    }

    private static func describe(_ character: Unicode.Scalar) -> String {
        character.value >= 0x21 && character.value < 0x7F
            ? "'\(Character(character))'"
            : "U+" + String(character.value, radix: 16, uppercase: true).leftPadded(to: 4)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
