import BulwarkCore

/// Why signing or verifying a model did not succeed, split by what the caller should do: an input
/// that could not be read or parsed (exit 2) is not the same as a signature that does not hold
/// (exit 1).
public enum ModelSigningFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Unreadable or malformed input (a key, the signature file, the model directory), each with
    /// its file and reason.
    case input([InputError])
    /// The signature is not one this key made over this statement: wrong key, altered payload or
    /// signature, a key hint that names another key.
    case signature(String)
    /// The signature holds, but the files on disk are not the signed ones.
    case mismatch(ModelDifference)

    static func input(_ file: String, _ message: String) -> Self { .input([InputError(file: file, message: message)]) }

    public var description: String {
        switch self {
        case .input(let errors): errors.map(\.description).joined(separator: "\n")
        case .signature(let reason): reason
        case .mismatch(let difference): difference.description
        }
    }
}

extension ModelDifference: CustomStringConvertible {
    /// One line per kind of change, files by name: `added: a, b`.
    public var description: String {
        var lines: [String] = []
        if !added.isEmpty { lines.append("added (not in the signature): " + added.joined(separator: ", ")) }
        if !removed.isEmpty { lines.append("removed (signed, missing on disk): " + removed.joined(separator: ", ")) }
        if !changed.isEmpty { lines.append("changed (content differs from the signed digest): " + changed.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
