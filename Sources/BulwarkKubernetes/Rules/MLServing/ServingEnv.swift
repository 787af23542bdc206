import BulwarkCore
import Foundation

/// An `env` entry of a container.
struct ServingEnv: Sendable {
    let name: String
    let entry: YAMLNode

    /// The literal value (`value:`; an absent or null value is the empty string); nil when the
    /// value comes from `valueFrom` (a Secret, ConfigMap or field reference).
    var value: String? {
        if entry["valueFrom"] != nil { return nil }
        return entry["value"]?.string ?? ""
    }

    var isReference: Bool { entry["valueFrom"] != nil }

    /// Where a finding about the variable lands: its value, else its name.
    var node: YAMLNode { entry["value"] ?? entry["name"] ?? entry }

    /// The last entry with the name (Kubernetes lets the last duplicate win).
    static func find(_ name: String, in container: ContainerView) -> ServingEnv? {
        container.env.last { $0.name == name }.map { ServingEnv(name: $0.name, entry: $0.node) }
    }

    static func all(in container: ContainerView) -> [ServingEnv] {
        container.env.map { ServingEnv(name: $0.name, entry: $0.node) }
    }
}
