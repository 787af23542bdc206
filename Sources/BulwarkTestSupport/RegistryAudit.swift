import Foundation
import BulwarkCore

/// The registry meta-test's logic (kube-linter has the same test): every rule id written in the
/// sources must be a rule the engine registers, so a rule that is defined but left out of its
/// group's list is a test failure, not a rule that silently never runs.
///
/// A rule id is an `id: "domain/name"` argument (of `RuleDescriptor(…)` or a rule-building
/// helper); an id built by interpolation (`"netpol/missing-default-deny-\(direction)"`) is read
/// as a pattern that must match at least one registered id.
public enum RegistryAudit {
    public struct Declaration: Sendable, Hashable, CustomStringConvertible {
        public let id: String
        public let file: String
        public let line: Int

        public var description: String { "\(file):\(line): \(id)" }
    }

    /// Every rule id declared in the sources.
    public static func declarations(in sources: [(file: String, text: String)], domains: Set<String>) -> [Declaration] {
        var found: [Declaration] = []
        for (file, text) in sources {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var rest = line[...]
                while let range = rest.range(of: "id: \"") {
                    let start = range.upperBound
                    guard let end = rest[start...].firstIndex(of: "\"") else { break }
                    let id = String(rest[start..<end])
                    rest = rest[rest.index(after: end)...]
                    guard let slash = id.firstIndex(of: "/"), domains.contains(String(id[..<slash])) else { continue }
                    found.append(Declaration(id: id, file: file, line: number + 1))
                }
            }
        }
        return found
    }

    /// The declarations that name no registered rule.
    public static func unregistered(in sources: [(file: String, text: String)], registered: Set<String>, domains: Set<String>) -> [Declaration] {
        declarations(in: sources, domains: domains).filter { declaration in
            guard declaration.id.contains("\\(") else { return !registered.contains(declaration.id) }
            let pattern = Self.pattern(declaration.id)
            return !registered.contains { pattern.matches($0) }
        }
    }

    /// `a-\(x)-b` → the shell pattern `a-*-b`.
    static func pattern(_ id: String) -> Glob {
        var text = ""
        var depth = 0
        var index = id.startIndex
        while index < id.endIndex {
            if depth == 0, id[index...].hasPrefix("\\(") {
                depth = 1
                text += "*"
                index = id.index(index, offsetBy: 2)
                continue
            }
            if depth > 0 {
                if id[index] == "(" { depth += 1 }
                if id[index] == ")" { depth -= 1 }
            } else {
                text.append(id[index])
            }
            index = id.index(after: index)
        }
        return Glob(text, dialect: .shell)
    }
}
