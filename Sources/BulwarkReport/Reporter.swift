import BulwarkCore

/// Renders a report in one output format. Reporters are pure: no I/O, no printing, no clock, so the
/// same report always gives the same bytes (the golden files rely on it).
public protocol Reporter: Sendable {
    func render(_ report: Report) -> [UInt8]
    /// Renders in chunks handed to `sink` (large reports need not be held in memory at once).
    func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void)
}

extension Reporter {
    public func write(_ report: Report, to sink: @escaping @Sendable ([UInt8]) -> Void) {
        sink(render(report))
    }

    /// The rendering as text (every reporter writes UTF-8).
    public func renderString(_ report: Report) -> String {
        String(decoding: render(report), as: UTF8.self)
    }
}
