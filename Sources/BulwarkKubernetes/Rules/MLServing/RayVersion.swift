import BulwarkCore
import Foundation

/// A `major.minor[.patch]` Ray version.
struct RayVersion: Comparable {
    let parts: [Int]
    static let tokenAuth = RayVersion(parts: [2, 52])

    init(parts: [Int]) { self.parts = parts }

    init?(_ text: String) {
        let parts = text.split(separator: ".").prefix(3).map { Int($0) }
        guard parts.count >= 2, !parts.contains(where: { $0 == nil }) else { return nil }
        self.parts = parts.compactMap { $0 }
    }

    static func < (lhs: RayVersion, rhs: RayVersion) -> Bool {
        for index in 0..<max(lhs.parts.count, rhs.parts.count) {
            let left = index < lhs.parts.count ? lhs.parts[index] : 0
            let right = index < rhs.parts.count ? rhs.parts[index] : 0
            if left != right { return left < right }
        }
        return false
    }
}
