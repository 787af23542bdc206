extension Finding {
    /// A fingerprint that stays the same when lines move: FNV-1a (64 bits, 16 hex digits) over the
    /// rule id, the file, the object (apiVersion, kind, namespace, name, container), the message and,
    /// when set, the field. Line, column, severity, suppression and remediation are left out, so an
    /// edit above the finding, a severity override or a reworded fix keeps it; a renamed file,
    /// object or container, or a changed message, makes it another finding.
    ///
    /// `--baseline` matches findings by it, and SARIF carries it as `partialFingerprints["bulwark/v1"]`.
    /// `ruleId` replaces the finding's own (SARIF passes the catalogue id of an alias).
    public func fingerprint(ruleId: String? = nil) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0x1F
            hash = hash &* 0x0000_0100_0000_01b3
        }
        mix(ruleId ?? self.ruleId)
        mix(location.file)
        if let object {
            mix([object.apiVersion, object.kind, object.namespace ?? "", object.name, object.container ?? ""].joined(separator: "\u{1F}"))
        } else {
            mix("")
        }
        mix(message)
        // Mixed in only when present, so findings without a field keep the fingerprints they had.
        if let field { mix(field) }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
