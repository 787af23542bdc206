import BulwarkCore
import Foundation

extension ExposureRules {
    /// Just enough CIDR parsing to tell a narrow source range from the internet.
    enum SourceRange {
        /// Private (RFC 1918, RFC 4193, loopback) ranges, and IPv4 prefixes of /16 or longer and IPv6
        /// prefixes of /48 or longer; `0.0.0.0/0`, `::/0` and other wide ranges are not narrow.
        static func isNarrow(_ text: String) -> Bool {
            let parts = text.split(separator: "/", maxSplits: 1)
            guard let address = parts.first else { return false }
            if address.contains(":") {
                let prefix = parts.count == 2 ? Int(parts[1]) : 128
                guard let prefix, (0...128).contains(prefix) else { return false }
                let lower = address.lowercased()
                if prefix >= 7, lower.hasPrefix("fc") || lower.hasPrefix("fd") { return true }
                if lower == "::1" { return true }
                return prefix >= 48
            }
            let octets = address.split(separator: ".").compactMap { Int($0) }
            guard octets.count == 4, octets.allSatisfy({ (0...255).contains($0) }) else { return false }
            let prefix = parts.count == 2 ? Int(parts[1]) : 32
            guard let prefix, (0...32).contains(prefix) else { return false }
            let isPrivate = octets[0] == 10 && prefix >= 8 || octets[0] == 172 && (16...31).contains(octets[1]) && prefix >= 12
                || octets[0] == 192 && octets[1] == 168 && prefix >= 16 || octets[0] == 127 && prefix >= 8
            return isPrivate || prefix >= 16
        }
    }
}
