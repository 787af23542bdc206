import BulwarkCore
import Foundation

/// An image reference split just enough for name heuristics (lower-cased).
struct ServingImage: Sendable {
    /// `nvcr.io/nvidia/tritonserver` (registry kept, tag and digest removed).
    let repository: String
    /// `24.05-py3`, or empty.
    let tag: String
    /// The whole reference, lower-cased.
    let reference: String

    init(_ image: String) {
        reference = image.lowercased()
        var name = Substring(reference)
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
            tag = String(name[name.index(after: colon)...])
            name = name[..<colon]
        } else {
            tag = ""
        }
        repository = String(name)
    }

    /// `tritonserver` for `nvcr.io/nvidia/tritonserver`.
    var lastComponent: String {
        guard let slash = repository.lastIndex(of: "/") else { return repository }
        return String(repository[repository.index(after: slash)...])
    }

    /// The reference split on `/ : . _ - @` (for `cuda12`, `gpu`, `cpu` …).
    var words: [Substring] {
        reference.split { "/:._-@".contains($0) }
    }
}
