import BulwarkCore

/// What one `VulnerabilityDatabase.importSources` call did.
public struct ImportSummary: Sendable, Hashable {
    /// Records not in the database before.
    public var added = 0
    /// Records whose `modified` is later than the stored one: rewritten.
    public var updated = 0
    /// Records whose `modified` is not later than the stored one: not rewritten (an import is
    /// idempotent; an older copy of a record never replaces a newer one).
    public var unchanged = 0
    /// Records read that carry `withdrawn` (stored, so a later import of an older copy cannot bring
    /// them back; never matched).
    public var withdrawn = 0
    /// Files and archive members that could not be read or are not valid OSV records, with the
    /// reason. The import goes on with the others; the CLI exits 2 when this is not empty.
    public var failed: [InputError] = []
    /// Files in directories and archive members that were not read because their names do not end
    /// in `.json`, `.yaml` or `.yml` (`LICENSE`, `README.md`, PyPA's `.id-allocator`): listed, not
    /// silently passed over.
    public var skipped: [String] = []

    public init() {}

    /// Records read and stored or found current.
    public var records: Int { added + updated + unchanged }
}

/// What `bulwark db status` prints: per ecosystem the records and the newest modification, the
/// totals, and when the database was last imported into.
public struct DatabaseStatus: Sendable, Hashable {
    public struct EcosystemCount: Sendable, Hashable {
        /// `PyPI`, `Debian:12`, `Alpine:3.19`, `Ubuntu:22.04` (normalised; see `EcosystemKey`).
        public var name: String
        /// Records (withdrawn included) with an `affected[]` entry in this ecosystem.
        public var records: Int
        /// The latest `modified` among them, in UTC.
        public var newestModified: OSVTimestamp?
    }

    /// The database file.
    public var path: String
    /// The last schema migration applied.
    public var schemaVersion: String
    /// All records, withdrawn included.
    public var records: Int
    public var withdrawn: Int
    /// The latest `modified` of any record: how fresh the data is.
    public var newestModified: OSVTimestamp?
    /// When the last import finished (the clock of the machine that ran it); nil before the first.
    public var importedAt: OSVTimestamp?
    /// Sorted by name.
    public var ecosystems: [EcosystemCount]

    /// Seconds from the last import (or, when none was recorded, the newest record) to `now`: what
    /// `--max-db-age` is compared with. Nil for an empty database.
    public func age(now: OSVTimestamp) -> Double? {
        guard let reference = importedAt ?? newestModified else { return nil }
        return Double(now.microseconds - reference.microseconds) / 1e6
    }
}
