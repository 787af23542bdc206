#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// High-entropy values: whether a value is shaped like a generated secret.
extension SecretDetector {
    /// Whether the value is shaped like a generated secret: one token of ≥ 16 characters with
    /// ≥ 3.5 bits/char of Shannon entropy and mixed character classes, not a placeholder,
    /// reference, path, URL, UUID or host name.
    public static func looksLikeSecretValue(_ value: String) -> Bool {
        withTrimmedUTF8(value) { bytes in
            guard bytes.count >= 16, bytes.count <= 4096 else { return false }
            var hasDigit = false, hasUpper = false, hasLower = false, dots = 0, hostLike = true
            for byte in bytes {
                if byte <= 0x20 || byte == ascii("\"") || byte == ascii("'") || byte == ascii("{") || byte == ascii("}") { return false }
                if ASCII.isDigit(byte) { hasDigit = true } else if ASCII.isUpper(byte) { hasUpper = true } else if ASCII.isLower(byte) { hasLower = true }
                if byte == ascii(".") { dots += 1 } else if !(ASCII.isLower(byte) || ASCII.isDigit(byte) || byte == ascii("-")) { hostLike = false }
            }
            guard hasDigit && (hasUpper || hasLower) || hasUpper && hasLower && bytes.count >= 20 else { return false }
            // Host names and dotted identifiers: lower-case labels separated by dots.
            if dots >= 2 && hostLike { return false }
            if contains(bytes, "://") || isPath(bytes) || isReference(bytes) || isPlaceholder(bytes) || isUUID(bytes) { return false }
            return entropy(bytes) >= 3.5
        }
    }

    /// Shannon entropy of the value's bytes, in bits per byte.
    public static func shannonEntropy(_ value: String) -> Double {
        var copy = value
        return copy.withUTF8(entropy)
    }

    private static func entropy(_ b: Bytes) -> Double {
        guard !b.isEmpty else { return 0 }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            counts.initialize(repeating: 0)
            for byte in b { counts[Int(byte)] += 1 }
            let total = Double(b.count)
            var entropy = 0.0
            for count in counts where count > 0 {
                let probability = Double(count) / total
                entropy -= probability * log2(probability)
            }
            return entropy
        }
    }
}
