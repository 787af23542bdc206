import BulwarkCore

/// Kubernetes resource quantities (`100m`, `1.5`, `256Mi`, `1G`, `1e3`), enough to compare them.
enum Quantity {
    static let suffixes: [(String, Double)] = [
        ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
        ("Ei", 1_152_921_504_606_846_976), ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9),
        ("T", 1e12), ("P", 1e15), ("E", 1e18),
    ]

    static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingSpaces
        for (suffix, factor) in suffixes where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)) else { return nil }
            return number * factor
        }
        return Double(trimmed)
    }

    /// A non-null, non-zero quantity (what the resource rules count as set).
    static func isSet(_ node: YAMLNode?) -> Bool {
        guard let node, !node.isNull, let text = node.scalar, !text.isEmpty else { return false }
        return parse(text).map { $0 != 0 } ?? true
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars[...]
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
