import BulwarkCore

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
    public var jsonValue: JSONValue {
        var seen: Set<String> = []
        let endpoints = (sources + destinations).filter { seen.insert($0.id).inserted }
        return .object([
            ("endpoints", .array(endpoints.map(\.jsonValue))),
            ("entries", .array(entries.filter(\.allowed).map { entry in
                .object([
                    ("from", .string(entry.from.id)), ("to", .string(entry.to.id)), ("allowed", .bool(entry.allowed)),
                    ("ports", .array(entry.ports.entries.map { .string($0) })), ("summary", .string(entry.ports.description)),
                ])
            })),
            ("denied", .number(Double(entries.count { !$0.allowed }))),
        ])
    }

    /// The table form: per source, the destinations it reaches and on which ports.
    public var table: String {
        var text = "Reachability (\(sources.count) sources × \(destinations.count) destinations; allowed connections)\n"
        var bySource: [String: [Entry]] = [:]
        for entry in entries { bySource[entry.from.id, default: []].append(entry) }
        let width = destinations.map(\.id.count).max() ?? 0
        for source in sources {
            text += "  \(source.id)" + (source.id == source.displayName ? "" : "  [\(source.displayName)]") + "\n"
            let row = bySource[source.id] ?? []
            let denied = row.count { !$0.allowed }
            for entry in row where entry.allowed {
                text += "    → " + entry.to.id.padding(to: width) + "  \(entry.ports)\n"
            }
            if denied == row.count {
                text += "    ✗ reaches none of the \(denied) destinations\n"
            } else if denied > 0 {
                text += "    ✗ \(denied) other destination\(denied == 1 ? "" : "s") denied\n"
            }
        }
        return text
    }
}

private extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
