import BulwarkCore
import BulwarkKubernetes

/// Writes `RuntimePolicy` values in the shape `RuntimePolicyReader` reads, deterministically (labels
/// sorted, protocols in a fixed order, one flow mapping per rule), with each rule's `comment` as a YAML
/// comment line above it: a derived profile says why every entry is there, and a reviewer reads the
/// reasons next to the rules. Reading the output back gives the same policies (comments aside).
public enum RuntimePolicyWriter {
    public static func yaml(_ policies: [RuntimePolicy]) -> String {
        policies.map(document).joined(separator: "---\n")
    }

    public static func document(_ policy: RuntimePolicy) -> String {
        var out = ""
        comment(policy.comment, indent: "", into: &out)
        out += "apiVersion: \(RuntimePolicyReader.apiVersion)\n"
        out += "kind: \(RuntimePolicyReader.kind)\n"
        out += "metadata:\n  name: \(scalar(policy.name))\n"
        out += "spec:\n"
        let scope = policy.scope
        if !scope.cgroupPaths.isEmpty || !scope.podLabels.isEmpty || !scope.namespaces.isEmpty {
            out += "  selector:\n"
            if !scope.cgroupPaths.isEmpty { out += "    cgroupPaths: \(list(scope.cgroupPaths))\n" }
            if !scope.podLabels.isEmpty {
                out += "    podSelector:\n      matchLabels:\n"
                for key in scope.podLabels.keys.sorted() {
                    out += "        \(scalar(key)): \(scalar(scope.podLabels[key] ?? ""))\n"
                }
            }
            if !scope.namespaces.isEmpty { out += "    namespaces: \(list(scope.namespaces))\n" }
        }
        if let exec = policy.exec {
            out += "  exec:\n"
            comment(exec.comment, indent: "    ", into: &out)
            out += "    default: \(exec.defaultAction.rawValue)\n"
            if !exec.rules.isEmpty {
                out += "    rules:\n"
                for rule in exec.rules {
                    comment(rule.comment, indent: "    ", into: &out)
                    var fields = ["id: \(scalar(rule.id))", "path: \(scalar(rule.path))"]
                    if let sha = rule.sha256 { fields.append("sha256: \(sha)") }
                    fields.append("action: \(rule.action.rawValue)")
                    out += "    - {\(fields.joined(separator: ", "))}\n"
                }
            }
            if !exec.scripts.isEmpty {
                out += "    scripts:\n"
                for rule in exec.scripts {
                    comment(rule.comment, indent: "    ", into: &out)
                    var fields = ["id: \(scalar(rule.id))", "interpreter: \(scalar(rule.interpreter))",
                                  "inlineCode: \(rule.inlineCode.rawValue)"]
                    if !rule.allowedScripts.isEmpty { fields.append("allow: \(list(rule.allowedScripts))") }
                    out += "    - {\(fields.joined(separator: ", "))}\n"
                }
            }
        }
        if let egress = policy.egress {
            out += "  egress:\n"
            comment(egress.comment, indent: "    ", into: &out)
            out += "    default: \(egress.defaultAction.rawValue)\n"
            if !egress.rules.isEmpty {
                out += "    rules:\n"
                for rule in egress.rules {
                    comment(rule.comment, indent: "    ", into: &out)
                    var fields = ["id: \(scalar(rule.id))", "cidrs: \(list(rule.cidrs.map(\.description)))"]
                    if !rule.ports.isEmpty {
                        fields.append("ports: [" + rule.ports.map { $0.count == 1 ? "\($0.lowerBound)" : "\"\($0.lowerBound)-\($0.upperBound)\"" }
                            .joined(separator: ", ") + "]")
                    }
                    if !rule.protocols.isEmpty {
                        let names = TransportProtocol.allCases.filter(rule.protocols.contains).map { $0.rawValue.uppercased() }
                        fields.append("protocols: [\(names.joined(separator: ", "))]")
                    }
                    fields.append("action: \(rule.action.rawValue)")
                    out += "    - {\(fields.joined(separator: ", "))}\n"
                }
            }
        }
        return out
    }

    /// Comment lines (`# …`), one per line of the text, control characters replaced so a comment cannot
    /// end early and inject YAML.
    static func comment(_ text: String?, indent: String, into out: inout String) {
        guard let text, !text.isEmpty else { return }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let clean = String(line.unicodeScalars.map { QuotedString.isEscaped($0) && $0 != "\"" && $0 != "\\" ? " " : Character($0) })
            out += "\(indent)# \(clean)\n"
        }
    }

    static func list(_ values: [String]) -> String {
        "[" + values.map(scalar).joined(separator: ", ") + "]"
    }

    /// Plain when it cannot be read as anything but this string inside a flow collection, double-quoted otherwise.
    static func scalar(_ text: String) -> String {
        let safe = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "/", "-": true
            default: false
            }
        }
        let first = text.unicodeScalars.first
        let reserved = ["y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
                        "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL"]
        // `10.96.0.10/32` cannot be read as a number (the slash), `1.5` or `.5` can.
        let numeric = (text.first.map { $0.isNumber || $0 == "." } ?? false) && !text.contains("/")
        if safe, first != "-", !numeric, !reserved.contains(text) { return text }
        return QuotedString.quoted(text)
    }
}
