/// An SPDX license expression (SPDX 2.3 Annex D) whose identifiers are all on the license list
/// Bulwark knows (`SPDXLicenseList`): `MIT`, `GPL-2.0-or-later`, `Apache-2.0 OR MIT`,
/// `GPL-2.0-only WITH Classpath-exception-2.0`, `(MIT AND BSD-3-Clause) OR GPL-3.0+`.
///
/// Package databases record licenses as free text (dpkg copyright files, apk `L:`, Python
/// `License:` and classifiers, conda `license`); only text that parses here is written as an SPDX
/// identifier or expression, so that a validator never sees an unknown identifier: the rest is a
/// CycloneDX license `name` or an SPDX `LicenseRef-`. Identifiers match case-insensitively (the
/// spec's rule) and are written in the list's case; the operators must be `AND`, `OR`, `WITH`
/// (uppercase, as the spec recommends; `and`/`or` in free text are more often prose). `LicenseRef-`
/// and `DocumentRef-` are not accepted: a reference from the package's own metadata has no text
/// Bulwark could declare.
public struct SPDXLicenseExpression: Sendable, Hashable {
    /// The expression with identifiers in canonical case and single spaces.
    public let text: String
    /// True for one license identifier alone (no `+`, no operator): what CycloneDX's `license.id`
    /// holds.
    public let isSingleIdentifier: Bool

    /// Parses `source`; nil when it is not an expression of known identifiers.
    public init?(_ source: String) {
        guard let tokens = Self.tokens(source), !tokens.isEmpty else { return nil }
        var parser = Parser(tokens: tokens)
        guard let text = parser.parseOr(depth: 0), parser.position == tokens.count else { return nil }
        self.text = text
        isSingleIdentifier = tokens.count == 1 && !text.hasSuffix("+")
    }

    /// The expression as an operand of `AND`: parenthesised unless it is a single term.
    var operand: String { text.contains(" ") ? "(\(text))" : text }

    static let licenses: [String: String] = Dictionary(
        SPDXLicenseList.licenses.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    static let exceptions: [String: String] = Dictionary(
        SPDXLicenseList.exceptions.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })

    private static func tokens(_ source: String) -> [String]? {
        var tokens: [String] = []
        var current = ""
        for character in source {
            if character == "(" || character == ")" || character.isWhitespace {
                if !current.isEmpty { tokens.append(current) }
                current = ""
                if !character.isWhitespace { tokens.append(String(character)) }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens.count > 200 ? nil : tokens
    }

    /// Recursive descent over `or := and (OR and)*`, `and := with (AND with)*`,
    /// `with := term (WITH exception)?`, `term := id[+] | ( or )`. Depth is bounded so a crafted
    /// license field cannot exhaust the stack.
    private struct Parser {
        let tokens: [String]
        var position = 0

        mutating func parseOr(depth: Int) -> String? {
            guard var text = parseAnd(depth: depth) else { return nil }
            while peek == "OR" {
                position += 1
                guard let next = parseAnd(depth: depth) else { return nil }
                text += " OR " + next
            }
            return text
        }

        mutating func parseAnd(depth: Int) -> String? {
            guard var text = parseWith(depth: depth) else { return nil }
            while peek == "AND" {
                position += 1
                guard let next = parseWith(depth: depth) else { return nil }
                text += " AND " + next
            }
            return text
        }

        mutating func parseWith(depth: Int) -> String? {
            guard let term = parseTerm(depth: depth) else { return nil }
            guard peek == "WITH" else { return term }
            position += 1
            guard let name = next(), let exception = SPDXLicenseExpression.exceptions[name.lowercased()] else { return nil }
            return term + " WITH " + exception
        }

        mutating func parseTerm(depth: Int) -> String? {
            guard let token = next() else { return nil }
            if token == "(" {
                guard depth < 32, let inner = parseOr(depth: depth + 1), next() == ")" else { return nil }
                return "(" + inner + ")"
            }
            var name = Substring(token)
            let plus = name.hasSuffix("+")
            if plus { name = name.dropLast() }
            guard let license = SPDXLicenseExpression.licenses[name.lowercased()] else { return nil }
            return plus ? license + "+" : license
        }

        var peek: String? { position < tokens.count ? tokens[position] : nil }

        mutating func next() -> String? {
            defer { position += 1 }
            return peek
        }
    }
}
