import BulwarkCore

/// Renders a report in one output format. Reporters are pure: no I/O, no printing, no clock, so the
/// same report always gives the same bytes (the golden files rely on it).
public protocol Reporter: Sendable {
    func render(_ report: Report) -> [UInt8]
}

extension Reporter {
    /// The rendering as text (every reporter writes UTF-8).
    public func renderString(_ report: Report) -> String {
        String(decoding: render(report), as: UTF8.self)
    }
}
