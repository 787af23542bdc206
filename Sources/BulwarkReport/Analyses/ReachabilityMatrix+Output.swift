import BulwarkCore
import BulwarkKubernetes

extension NetworkEndpoint {
    /// `{"id", "kind", "name", "namespace"?, "labels"?, "address"?}` for JSON reports.
    public var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(id)), ("kind", .string(kind.rawValue)), ("name", .string(displayName))]
        if let namespace { members.append(("namespace", .string(namespace))) }
        if !labels.isEmpty {
            members.append(("labels", .object(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        if let address { members.append(("address", .string(address.description))) }
        return .object(members)
    }
}

extension ReachabilityMatrix {
    /// The `matrix` member of `bulwark netpol --format json`:
    /// `{"endpoints": [endpoint…], "entries": [{"from", "to", "allowed": true, "ports": ["TCP/8080"], "summary"}],
    /// "denied": N}`: one entry per allowed source → destination pair; the N pairs not listed are denied.
    /// Built row by row: its size is that of the allowed pairs, whatever the number of pairs.
    public var jsonValue: JSONValue {
        var seen: Set<String> = []
        let endpoints = (sources + destinations).filter { seen.insert($0.id).inserted }
        // Many pairs share their ports: render each distinct set once.
        var rendered: [PortSet: (entries: JSONValue, summary: JSONValue)] = [:]
        var entries: [JSONValue] = []
        var denied = 0
        for row in rows {
            denied += row.denied
            for entry in row.reached {
                let ports = rendered[entry.ports] ?? {
                    let value = (entries: JSONValue.array(entry.ports.entries.map { .string($0) }), summary: JSONValue.string(entry.ports.description))
                    rendered[entry.ports] = value
                    return value
                }()
                entries.append(.object([
                    ("from", .string(entry.from.id)), ("to", .string(entry.to.id)), ("allowed", .bool(true)),
                    ("ports", ports.entries), ("summary", ports.summary),
                ]))
            }
        }
        return .object([
            ("endpoints", .array(endpoints.map(\.jsonValue))),
            ("entries", .array(entries)),
            ("denied", .number(Double(denied))),
        ])
    }

    /// The table form: per source, the destinations it reaches and on which ports.
    public var table: String {
        var text = ""
        writeTable { text += $0 }
        return text
    }

    /// The table form, a line at a time (each ends with a newline), without holding it whole.
    public func writeTable(_ write: (String) -> Void) {
        write("Reachability (\(sources.count) sources × \(destinations.count) destinations; allowed connections)\n")
        let width = destinations.map(\.id.count).max() ?? 0
        var described: [PortSet: String] = [:]
        for row in rows {
            let source = row.source
            write("  \(source.id)" + (source.id == source.displayName ? "" : "  [\(source.displayName)]") + "\n")
            for entry in row.reached {
                let ports = described[entry.ports] ?? {
                    let text = entry.ports.description
                    described[entry.ports] = text
                    return text
                }()
                write("    → " + entry.to.id.padding(to: width) + "  \(ports)\n")
            }
            if row.denied == row.count {
                write("    ✗ reaches none of the \(row.denied) destinations\n")
            } else if row.denied > 0 {
                write("    ✗ \(row.denied) other destination\(row.denied == 1 ? "" : "s") denied\n")
            }
        }
    }
}

private extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
