import BulwarkCore

/// Reads dpkg's status database (`var/lib/dpkg/status`, dpkg(1), deb-control(5)) and distroless's
/// `var/lib/dpkg/status.d/<package>` files (the same stanzas, one package per file, without a
/// `Status` field: everything listed is installed).
///
/// Only packages whose `Status` state (its third word, `install ok installed`, `hold ok installed`)
/// is `installed` count: `deinstall ok config-files` leaves only configuration files behind, and
/// `half-installed`/`unpacked` packages are not usable. dpkg keeps no license in the status file
/// (it is in `usr/share/doc/<package>/copyright`), so `licenses` stays empty.
enum DpkgStatusReader {
    static let statusPath = "var/lib/dpkg/status"
    static let statusDirectory = "var/lib/dpkg/status.d/"

    static func isDatabase(_ path: String) -> Bool {
        if path == statusPath { return true }
        guard path.utf8.starts(with: statusDirectory.utf8), !PackageInventory.ends(path, ".md5sums") else { return false }
        // Only the directory's own files (distroless writes `status.d/<name>` and `<name>.md5sums`).
        return !path.dropFirst(statusDirectory.count).contains("/")
    }

    static func read(_ bytes: [UInt8], names: DistributionNames) -> (packages: [InstalledPackage], problems: [String]) {
        let (stanzas, malformed) = ControlStanzas.parse(bytes)
        var problems = malformed.map { "line \($0) is neither a field nor a continuation line" }
        var packages: [InstalledPackage] = []
        for stanza in stanzas {
            guard let name = stanza["Package"], !name.isEmpty else {
                problems.append("line \(stanza.line): a stanza without a Package field")
                continue
            }
            if let status = stanza["Status"] {
                let words = status.split(separator: " ")
                guard words.count == 3 else {
                    problems.append("line \(stanza.line): package \(name) has a malformed Status \"\(status)\"")
                    continue
                }
                guard words[2] == "installed" else { continue }
            }
            guard let version = stanza["Version"], !version.isEmpty else {
                problems.append("line \(stanza.line): package \(name) has no Version")
                continue
            }
            var sourceName: String?
            var sourceVersion: String?
            if let source = stanza["Source"], !source.isEmpty {
                // `Source: openssl` or `Source: openssl (3.0.11-1)` (deb-control(5)).
                if let open = source.firstIndex(of: "("), let close = source.lastIndex(of: ")"), open < close {
                    sourceName = source[..<open].trimmingWhitespace()
                    sourceVersion = source[source.index(after: open)..<close].trimmingWhitespace()
                } else {
                    sourceName = source
                }
            }
            if sourceName == name { sourceName = nil }
            if sourceVersion == version { sourceVersion = nil }
            packages.append(InstalledPackage(
                kind: .deb, name: name, version: version, ecosystem: names.debEcosystem, sourceName: sourceName,
                sourceVersion: sourceVersion, architecture: stanza["Architecture"].flatMap { $0.isEmpty ? nil : $0 },
                distro: names.distro, layer: "", path: ""))
        }
        return (packages, problems)
    }
}
