/// CVSS base scores computed from vectors (v3.0/v3.1 and v4.0), and the qualitative rating.
///
/// SEAM (lead): filled in by the versions helper; until then no vector is scored.
public enum CVSS {
    /// The base score of a `CVSS:3.x/…` or `CVSS:4.0/…` vector; nil when the vector is not valid.
    public static func baseScore(_ vector: String) -> Double? { nil }
}
