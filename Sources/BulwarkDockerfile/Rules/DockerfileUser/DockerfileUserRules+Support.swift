import BulwarkCore

/// Helpers of the user rules: file modes.
extension DockerfileUserRules {
    /// True for modes that let others write: octal with the `o+w` bit and no sticky bit, or a
    /// symbolic clause adding or setting `w` for `o` or `a`.
    static func isWorldWritable(_ mode: String) -> Bool {
        if !mode.isEmpty, mode.allSatisfy({ ("0"..."7").contains($0) }) {
            guard let value = Int(mode, radix: 8) else { return false }
            return value & 0o002 != 0 && value & 0o1000 == 0
        }
        for clause in mode.split(separator: ",") {
            let who = clause.prefix { "ugoa".contains($0) }
            var rest = clause.dropFirst(who.count)
            while let op = rest.first, "+-=".contains(op) {
                rest = rest.dropFirst()
                let permissions = rest.prefix { !"+-=".contains($0) }
                rest = rest.dropFirst(permissions.count)
                if op != "-", permissions.contains("w"), who.contains("o") || who.contains("a") { return true }
            }
        }
        return false
    }
}
