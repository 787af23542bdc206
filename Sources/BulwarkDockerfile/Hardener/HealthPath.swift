import BulwarkCore

/// The route a generated HEALTHCHECK requests, as the path (and optional query) of an HTTP
/// request target (RFC 3986 `path-absolute [ "?" query ]`).
///
/// The route ends up inside a Python string literal inside a JSON exec-form array; `normalize`
/// makes it a URL path first, so nothing but a path can ever reach the literal: characters that
/// RFC 3986 allows in a path or query stay, `%XX` escapes stay, control characters are refused,
/// everything else (spaces, quotes, backslashes, `#`, non-ASCII …) is percent-encoded as UTF-8.
public enum HealthPath {
    /// Why a health path was refused.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The path as given.
        public let path: String
        /// `must start with /`
        public let reason: String

        /// `the health path "healthz" must start with /`
        public var description: String { "the health path \(QuotedString.quoted(path)) \(reason)" }
    }

    /// The longest path accepted (a HEALTHCHECK line is not a place for kilobytes).
    public static let maximumLength = 2048

    /// The path percent-encoded where RFC 3986 requires it; throws for an empty path, one that
    /// does not start with `/`, one with control characters (a line break included) or one
    /// longer than `maximumLength` once encoded.
    public static func normalize(_ text: String) throws(Problem) -> String {
        guard !text.isEmpty else { throw Problem(path: text, reason: "is empty") }
        guard text.hasPrefix("/") else { throw Problem(path: text, reason: "must start with /") }
        if let control = text.unicodeScalars.first(where: isControl) {
            let code = String(control.value, radix: 16, uppercase: true)
            throw Problem(path: text, reason: "contains a control character (U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code))")
        }
        let bytes = Array(text.utf8)
        var out = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, ASCII.isHexDigit(bytes[index + 1]), ASCII.isHexDigit(bytes[index + 2]) {
                out += String(decoding: bytes[index...(index + 2)], as: UTF8.self)
                index += 3
                continue
            }
            if byte < 0x80, allowed.contains(Character(Unicode.Scalar(byte))) {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out += "%" + hex(byte)
            }
            index += 1
        }
        guard out.utf8.count <= maximumLength else { throw Problem(path: text, reason: "is longer than \(maximumLength) characters") }
        return out
    }

    /// A host a HEALTHCHECK may request: a DNS name or IPv4 address (letters, digits, `.`, `-`),
    /// or an IPv6 address in brackets.
    /// An absolute path of letters, digits, `_`, `.`, `-` and `/` only (a program path bulwark
    /// writes into a HEALTHCHECK).
    static func isSafeExecutablePath(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.contains("..") && path.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 || $0 == 46 || $0 == 47 || $0 == 45
        }
    }

    public static func isHost(_ host: String) -> Bool {
        if host.hasPrefix("[") {
            let inner = host.dropFirst().dropLast()
            return host.hasSuffix("]") && inner.count >= 2 && inner.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        guard !host.isEmpty, host.utf8.count <= 253, !host.hasPrefix("-"), !host.hasPrefix(".") else { return false }
        return host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
    }

    /// RFC 3986 `pchar` (unreserved, sub-delims, `:`, `@`) plus `/` and `?`.
    static let allowed: Set<Character> = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~" + "!$&'()*+,;=" + ":@/?")

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}

/// Python source for a string: a single-quoted literal in which only printable ASCII other than
/// `\` and `'` appears as itself.
enum PythonLiteral {
    static func string(_ text: String) -> String {
        var out = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            default:
                if (0x20..<0x7F).contains(scalar.value) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFF {
                    out += "\\x" + padded(scalar.value, 2)
                } else if scalar.value <= 0xFFFF {
                    out += "\\u" + padded(scalar.value, 4)
                } else {
                    out += "\\U" + padded(scalar.value, 8)
                }
            }
        }
        return out + "'"
    }

    private static func padded(_ value: UInt32, _ width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
