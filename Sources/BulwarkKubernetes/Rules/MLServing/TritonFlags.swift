import BulwarkCore
import Foundation

/// The flags of Triton Inference Server that restrict its APIs.
enum TritonFlags {
    /// Whether one of the `--http-restricted-api` / `--grpc-restricted-protocol` values
    /// (`<api>,<api>:<header>=<value>`) restricts the `model-repository` API.
    static func restricts(_ matches: [FlagMatch]) -> Bool {
        matches.contains { match in
            guard let value = match.value.map(ServerFlags.unquoted), let colon = value.firstIndex(of: ":") else { return false }
            return value[..<colon].split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "model-repository" }
        }
    }
}
