import BulwarkCore
import Foundation
import GRDB

/// Reads rpm's SQLite database (`var/lib/rpm/rpmdb.sqlite`, RPM 4.16+; `usr/lib/sysimage/rpm/` on
/// Fedora 36+ and openSUSE): table `Packages(hnum INTEGER PRIMARY KEY, blob BLOB)` where each blob is
/// an rpm header without its leading magic — `il` and `dl` (big-endian 32-bit counts), `il` index
/// entries of 16 bytes (`tag`, `type`, `offset`, `count`), then `dl` bytes of data
/// (https://rpm-software-management.github.io/rpm/manual/format_header.html).
///
/// SQLite cannot open bytes in place through GRDB, so the database is copied to a private temporary
/// file (and switched from WAL to rollback journaling in the copy's header, so that a read-only open
/// needs no `-wal`/`-shm` files). Berkeley DB (`Packages`) and ndb (`Packages.db`) databases are
/// reported as not read.
enum RpmDatabaseReader {
    static let sqlitePaths: Set<String> = ["var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"]
    static let berkeleyPaths: Set<String> = ["var/lib/rpm/Packages", "var/lib/rpm/Packages.db",
                                             "usr/lib/sysimage/rpm/Packages", "usr/lib/sysimage/rpm/Packages.db"]

    enum Tag: UInt32 {
        case name = 1000, version = 1001, release = 1002, epoch = 1003, license = 1014, arch = 1022, sourceRPM = 1044
    }

    static func read(_ bytes: [UInt8], names: DistributionNames) -> (packages: [InstalledPackage], problems: [String]) {
        let header = Array("SQLite format 3\u{0}".utf8)
        guard bytes.count >= 100, Array(bytes.prefix(16)) == header else { return ([], ["rpmdb.sqlite is not an SQLite database"]) }
        var copy = bytes
        // File format version numbers (offsets 18, 19): 2 is WAL, 1 rollback journal.
        if copy[18] == 2 { copy[18] = 1 }
        if copy[19] == 2 { copy[19] = 1 }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-rpmdb-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: url) }
        let blobs: [(Int64, Data)]
        do {
            try Data(copy).write(to: url, options: [.withoutOverwriting])
            var configuration = GRDB.Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: url.path, configuration: configuration)
            blobs = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT hnum, blob FROM Packages ORDER BY hnum").map { row in
                    (row[0] as Int64? ?? 0, row[1] as Data? ?? Data())
                }
            }
            try queue.close()
        } catch {
            return ([], ["rpm database not read: \(error)"])
        }
        var packages: [InstalledPackage] = []
        var problems: [String] = []
        for (hnum, blob) in blobs {
            switch parseHeader([UInt8](blob)) {
            case .failure(let reason):
                problems.append("rpm header \(hnum): \(reason.text)")
            case .success(let values):
                guard let name = values[.name], !name.isEmpty, let version = values[.version], !version.isEmpty else {
                    problems.append("rpm header \(hnum): no NAME or VERSION")
                    continue
                }
                // The public keys rpm imported are pseudo-packages (`rpm -q gpg-pubkey`), not software.
                if name == "gpg-pubkey" { continue }
                var versionRelease = version
                if let release = values[.release], !release.isEmpty { versionRelease += "-" + release }
                let full = values[.epoch].map { $0 + ":" + versionRelease } ?? versionRelease
                let source = values[.sourceRPM].flatMap(sourcePackage)
                packages.append(InstalledPackage(
                    kind: .rpm, name: name, version: full, sourceName: source?.name == name ? nil : source?.name,
                    sourceVersion: source.flatMap { $0.version == versionRelease ? nil : $0.version },
                    architecture: values[.arch], distro: names.distro,
                    licenses: values[.license].map { [$0] } ?? [], layer: "", path: ""))
            }
        }
        return (packages, problems)
    }

    struct Reason: Error { var text: String }

    /// The string (or, for the epoch, decimal) values of the wanted tags.
    static func parseHeader(_ blob: [UInt8]) -> Result<[Tag: String], Reason> {
        func be32(_ at: Int) -> UInt32? {
            guard at >= 0, at + 4 <= blob.count else { return nil }
            return UInt32(blob[at]) << 24 | UInt32(blob[at + 1]) << 16 | UInt32(blob[at + 2]) << 8 | UInt32(blob[at + 3])
        }
        guard let il = be32(0), let dl = be32(4) else { return .failure(Reason(text: "shorter than a header's counts")) }
        guard il < 1 << 16, dl < 1 << 28 else { return .failure(Reason(text: "implausible counts (\(il) entries, \(dl) bytes)")) }
        let dataStart = 8 + Int(il) * 16
        guard dataStart + Int(dl) <= blob.count else { return .failure(Reason(text: "\(il) entries and \(dl) data bytes exceed the blob's \(blob.count) bytes")) }
        let dataEnd = dataStart + Int(dl)
        var values: [Tag: String] = [:]
        for entry in 0..<Int(il) {
            let base = 8 + entry * 16
            guard let rawTag = be32(base), let tag = Tag(rawValue: rawTag), let type = be32(base + 4), let offset = be32(base + 8)
            else { continue }
            let start = dataStart + Int(offset)
            guard offset < dl, start < dataEnd else { return .failure(Reason(text: "tag \(rawTag) points outside the data")) }
            switch type {
            case 6, 8, 9: // STRING, STRING_ARRAY, I18NSTRING: the first NUL-terminated string.
                guard let end = blob[start..<dataEnd].firstIndex(of: 0) else {
                    return .failure(Reason(text: "tag \(rawTag) has an unterminated string"))
                }
                values[tag] = String(decoding: blob[start..<end], as: UTF8.self)
            case 4: // INT32
                guard start + 4 <= dataEnd, let value = be32(start) else { return .failure(Reason(text: "tag \(rawTag) is cut")) }
                values[tag] = String(value)
            default:
                return .failure(Reason(text: "tag \(rawTag) has unexpected type \(type)"))
            }
        }
        return .success(values)
    }

    /// `openssl`, `1.1.1k-7.el8_6` from `openssl-1.1.1k-7.el8_6.src.rpm` (name-version-release).
    static func sourcePackage(_ sourceRPM: String) -> (name: String, version: String)? {
        var stem = Substring(sourceRPM)
        for suffix in [".src.rpm", ".nosrc.rpm"] where stem.hasSuffix(suffix) { stem = stem.dropLast(suffix.count) }
        guard let releaseDash = stem.lastIndex(of: "-") else { return nil }
        let head = stem[..<releaseDash]
        guard let versionDash = head.lastIndex(of: "-") else { return nil }
        return (String(head[..<versionDash]), String(stem[stem.index(after: versionDash)...]))
    }
}
