import BulwarkCore
import Foundation

/// A TorchServe `config.properties` held in a ConfigMap, with the position of every entry.
struct TorchServeConfig: Sendable {
    struct Entry: Sendable {
        let key: String
        let value: String
        /// The entry's own line when the file is a literal block scalar, else the data value.
        let node: YAMLNode
    }

    let object: KubeObject
    /// The ConfigMap data key (`config.properties`).
    let dataKey: String
    let entries: [Entry]

    /// The effective entry (Java properties let the last duplicate win).
    func entry(_ key: String) -> Entry? { entries.last { $0.key == key } }

    /// Keys only TorchServe's configuration uses; one of them makes a `.properties` file a
    /// TorchServe configuration.
    static let knownKeys: Set<String> = [
        "inference_address", "management_address", "metrics_address", "model_store", "load_models", "allowed_urls",
        "enable_model_api", "disable_token_authorization", "enable_envvars_config", "install_py_dep_per_model",
        "grpc_inference_port", "grpc_management_port", "default_workers_per_model", "number_of_netty_threads",
        "job_queue_size", "model_snapshot", "enable_metrics_api", "blacklist_env_vars", "workflow_store",
    ]

    /// One violation per `config.properties` entry `key` of the inventory's ConfigMaps whose value
    /// `problem` finds fault with: `<ConfigMap> sets key=value in <data key>; <problem>`.
    static func violations(in index: InventoryIndex, key: String, _ problem: (String) -> String?) -> [Violation] {
        var violations: [Violation] = []
        for object in index.objects(ofKind: "ConfigMap") {
            for config in configs(in: object) {
                guard let entry = config.entry(key), let problem = problem(entry.value) else { continue }
                violations.append(Violation("\(object.displayName) sets \(key)=\(entry.value) in \(config.dataKey); \(problem)",
                                            at: entry.node, field: "data[\"\(config.dataKey)\"]", object: object))
            }
        }
        return violations
    }

    /// The TorchServe configurations of a ConfigMap: `data` keys ending in `.properties` whose
    /// text sets at least one TorchServe key.
    static func configs(in object: KubeObject) -> [TorchServeConfig] {
        guard object.kind == "ConfigMap", object.group.isEmpty else { return [] }
        var configs: [TorchServeConfig] = []
        for pair in object.root["data"]?.pairs ?? [] {
            guard let dataKey = pair.key.scalar, dataKey.hasSuffix(".properties"), let text = pair.value.scalar else { continue }
            let parsed = parse(text)
            guard parsed.contains(where: { knownKeys.contains($0.key) }) else { continue }
            let entries = parsed.map { line in
                Entry(key: line.key, value: line.value,
                      node: node(forLine: line.index, indent: line.indent, text: "\(line.key)=\(line.value)", value: pair.value, key: pair.key))
            }
            configs.append(TorchServeConfig(object: object, dataKey: dataKey, entries: entries))
        }
        return configs
    }

    /// Java-properties lines: `key=value`, `key: value` or `key value`; `#` and `!` comments;
    /// a trailing backslash continues the entry on the next line.
    static func parse(_ text: String) -> [(index: Int, indent: Int, key: String, value: String)] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var result: [(index: Int, indent: Int, key: String, value: String)] = []
        var index = 0
        while index < lines.count {
            let start = index
            let indent = lines[index].prefix { $0 == " " || $0 == "\t" }.count
            var logical = String(lines[index].dropFirst(indent))
            while logical.hasSuffix("\\"), index + 1 < lines.count {
                logical.removeLast()
                index += 1
                logical += lines[index].drop { $0 == " " || $0 == "\t" }
            }
            index += 1
            guard let first = logical.first, first != "#", first != "!" else { continue }
            var key = ""
            var rest = Substring(logical)
            var escaped = false
            while let character = rest.first {
                if escaped {
                    key.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "=" || character == ":" || character == " " || character == "\t" {
                    break
                } else {
                    key.append(character)
                }
                rest = rest.dropFirst()
            }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            if let separator = rest.first, separator == "=" || separator == ":" { rest = rest.dropFirst() }
            let value = String(rest.drop { $0 == " " || $0 == "\t" }).trimmingTrailingBlanks
            result.append((start, indent, key, value))
        }
        return result
    }

    /// The position of a line of the data value: exact line for a literal block scalar (`|`),
    /// whose content starts on the line after the indicator, with the column of the conventional
    /// two-space block indentation under the data key (`YAMLNode` does not keep the block's own
    /// indentation); the value itself for other styles.
    static func node(forLine line: Int, indent: Int, text: String, value: YAMLNode, key: YAMLNode) -> YAMLNode {
        guard value.scalarStyle == .literal else { return value }
        let position = TextPosition(line: value.position.line + 1 + line, column: key.position.column + 2 + indent)
        return ServingAnchor.synthetic(text, at: position)
    }

    /// `http://0.0.0.0:8081`, `https://[::]:8443`, `0.0.0.0:8081`: an address bound to every interface.
    static func bindsAllInterfaces(_ address: String) -> Bool {
        var host = Substring(address.lowercased())
        if let scheme = host.range(of: "://") { host = host[scheme.upperBound...] }
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let inner = host[host.index(after: host.startIndex)..<close]
            return inner == "::" || inner == "0:0:0:0:0:0:0:0"
        }
        let name = host.prefix { $0 != ":" && $0 != "/" }
        return name == "0.0.0.0" || name == "*"
    }

    /// `allowed_urls` patterns that let model registration fetch over HTTP(S) from any host: `.*`,
    /// `http(s)?://.*`, `https?://.*`, `https://.*` …, one alternative of a `|`-list being enough
    /// (`file://.*` alone is not: it reaches local files only). Returns the open alternative.
    static func openAllowedURLs(_ value: String) -> String? {
        for alternative in value.split(separator: ",").flatMap(topLevelAlternatives) {
            let pattern = alternative.trimmingTrailingBlanks.drop { $0 == " " }
            if pattern == ".*" || pattern == ".+" || pattern == "*" { return String(pattern) }
            guard let scheme = pattern.range(of: "://"), pattern[..<scheme.lowerBound].lowercased().contains("http") else { continue }
            let host = pattern[scheme.upperBound...]
            if host.hasPrefix(".*") || host.hasPrefix(".+") || host.hasPrefix("*") || host.hasPrefix("[^/]") { return String(pattern) }
        }
        return nil
    }

    /// A regex split on `|` outside parentheses and brackets (`file://.*|http(s)?://.*`).
    static func topLevelAlternatives(_ pattern: Substring) -> [Substring] {
        var parts: [Substring] = []
        var depth = 0
        var start = pattern.startIndex
        var index = pattern.startIndex
        while index < pattern.endIndex {
            switch pattern[index] {
            case "(", "[": depth += 1
            case ")", "]": depth = max(0, depth - 1)
            case "\\": if pattern.index(after: index) < pattern.endIndex { index = pattern.index(after: index) }
            case "|" where depth == 0:
                parts.append(pattern[start..<index])
                start = pattern.index(after: index)
            default: break
            }
            index = pattern.index(after: index)
        }
        parts.append(pattern[start...])
        return parts
    }
}

extension StringProtocol {
    fileprivate var trimmingTrailingBlanks: String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
