import Foundation

/// Turns a `RuntimeEvent` into one JSON object. Encoders are pure: same event, same bytes.
public protocol RuntimeEventEncoder: Sendable {
    func encode(_ event: RuntimeEvent) -> JSONValue
}

extension RuntimeEventEncoder {
    /// One line of JSON, without the trailing newline.
    public func line(_ event: RuntimeEvent) -> String { encode(event).text }
}

/// The line format a sink writes (`--event-format`).
public enum EventFormat: String, Sendable, Hashable, CaseIterable {
    /// Elastic Common Schema 8.x.
    case ecs
    /// The shape of Tetragon's JSON export (`process_kprobe` / `process_exec`).
    case tetragon

    /// The encoder for this format; `nodeName` is the host the agent runs on.
    public func encoder(nodeName: String) -> any RuntimeEventEncoder {
        switch self {
        case .ecs: ECSEncoder(hostName: nodeName)
        case .tetragon: TetragonEncoder(nodeName: nodeName)
        }
    }
}

extension RuntimeEvent.Decision {
    /// Denied and killed operations did not (fully) happen.
    var isBlocked: Bool { self == .denied || self == .killed }
    /// Everything but a plain allow is something an analyst should look at.
    var isAlert: Bool { self != .allowed }
}

extension RuntimeEvent {
    /// `4` or `6` from the destination's text form (IPv4-mapped addresses are already reported as IPv4).
    var destinationIPVersion: Int? {
        guard let ip = destination?.ip else { return nil }
        return ip.contains(":") ? 6 : 4
    }
}
