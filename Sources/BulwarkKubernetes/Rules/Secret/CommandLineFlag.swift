import BulwarkCore
import Foundation

/// A credential in a command-line argument: the flag that names it (none for a token format) and
/// whether its value is the next argument.
extension SecretRules {
    struct CommandLineFlag {
        let name: String?
        let valueIsNext: Bool
    }

    /// A credential in one argument: a token format anywhere (also inside `sh -c` scripts), or a
    /// sensitive `--flag=value`, or a sensitive `--flag` whose value is the next argument.
    static func commandLineCredential(_ argument: String, next: String?) -> (CommandLineFlag, CredentialLiteral)? {
        if let match = SecretDetector.scan(value: argument).first {
            return (CommandLineFlag(name: nil, valueIsNext: false),
                    CredentialLiteral(severity: .high, what: match.kind.displayName, redacted: CredentialLiteral.redact(match, in: argument)))
        }
        let words = argument.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        for (position, word) in words.enumerated() where word.hasPrefix("-") {
            let body = word.drop { $0 == "-" }
            let name: Substring
            let value: String?
            var valueIsNext = false
            let dashes = String(word.prefix { $0 == "-" })
            if let equals = body.firstIndex(of: "=") {
                name = body[..<equals]
                value = String(body[body.index(after: equals)...])
            } else {
                name = body
                if position + 1 < words.count {
                    value = words[position + 1]
                } else if words.count == 1, let next, !next.hasPrefix("-") {
                    value = next
                    valueIsNext = true
                } else {
                    value = nil
                }
            }
            guard let value, !name.isEmpty else { continue }
            let literal = value.count >= 2 && (value.first == "'" || value.first == "\"") && value.last == value.first
                ? String(value.dropFirst().dropLast()) : value
            guard !literal.isEmpty, !literal.hasPrefix("-"),
                  let assessment = CredentialLiteral.assess(name: String(name), value: literal, plainSeverity: .medium, tokenPhrase: literalValueWith) else { continue }
            return (CommandLineFlag(name: dashes + name, valueIsNext: valueIsNext), assessment)
        }
        return nil
    }
}
