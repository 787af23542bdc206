import BulwarkCore

/// The generated policies as values: a thin layer over `JSONValue`, written by `BlockYAML` like
/// the deployment manifests.
indirect enum PolicyYAML {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([PolicyYAML])
    case map([(String, PolicyYAML)])

    var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .int(let value): .number(Double(value))
        case .bool(let value): .bool(value)
        case .list(let items): .array(items.map(\.json))
        case .map(let pairs): .object(pairs.map { ($0.0, $0.1.json) })
        }
    }

    /// One document, ending with a newline.
    var document: String { BlockYAML.render(json, indent: 0) }
}
