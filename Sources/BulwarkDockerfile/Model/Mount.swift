/// A `RUN --mount=type=…,key=value,…` flag (comma-separated, CSV quoting), as BuildKit reads it.
public struct Mount: Sendable, Hashable {
    public enum MountType: String, Sendable, Hashable, CaseIterable {
        case bind, cache, tmpfs, secret, ssh
    }

    /// `bind` unless `type=` says otherwise; nil for an unsupported type (an error is recorded).
    public var type: MountType?
    /// The type as written (lower-cased), `bind` when absent.
    public var typeName: String
    /// Every field in order, keys lower-cased; `value` is nil for bare keys (`readonly`, `required`).
    public var options: [Option]

    public struct Option: Sendable, Hashable {
        public var key: String
        public var value: String?
        /// The value with ARG/ENV variables substituted, when resolved.
        public var expandedValue: String?

        public init(key: String, value: String?, expandedValue: String? = nil) {
            self.key = key
            self.value = value
            self.expandedValue = expandedValue
        }

        public var resolvedValue: String? { expandedValue ?? value }
    }

    public init(typeName: String, options: [Option]) {
        self.typeName = typeName
        self.type = MountType(rawValue: typeName)
        self.options = options
    }

    /// The value of the last field with one of these keys.
    public func value(_ keys: String...) -> String? {
        options.last { keys.contains($0.key) && $0.value != nil }?.resolvedValue
    }

    /// True when a bare key or a true value is present (`readonly`, `ro=true`, `required`).
    public func isSet(_ keys: String...) -> Bool {
        guard let option = options.last(where: { keys.contains($0.key) }) else { return false }
        guard let value = option.resolvedValue else { return true }
        return ["1", "t", "true"].contains(value.lowercased())
    }

    /// `target`, `dst` or `destination`; for a secret without one, `/run/secrets/<id>`.
    public var target: String? {
        if let target = value("target", "dst", "destination") { return target }
        if type == .secret, value("env") == nil, let id = value("id") { return "/run/secrets/" + id }
        return nil
    }

    /// `source` or `src`.
    public var source: String? { value("source", "src") }

    /// `id`; for a secret without one, the base name of the target; `default` for ssh.
    public var id: String? {
        if let id = value("id") { return id }
        switch type {
        case .secret:
            guard let target = value("target", "dst", "destination") else { return nil }
            return target.split(separator: "/").last.map(String.init)
        case .ssh: return "default"
        default: return nil
        }
    }

    /// `from=` (a stage, image or named context).
    public var from: String? { value("from") }

    /// `env=` of a secret mount (the secret is exposed as an environment variable).
    public var environmentVariable: String? { value("env") }

    public var isReadOnly: Bool { isSet("readonly", "ro") }
    public var isRequired: Bool { isSet("required") }
}
