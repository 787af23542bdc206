import BulwarkCore

/// Reads apk's installed database (`lib/apk/db/installed`,
/// https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2): one block per package,
/// separated by blank lines, of `X:value` lines with a one-letter key — `P` name, `V` version,
/// `A` architecture, `o` origin (the source package, which Alpine's secdb and OSV name), `L` license.
/// `F`/`R`/`Z` lines list the package's files and are skipped.
enum ApkInstalledReader {
    static let path = "lib/apk/db/installed"

    static func read(_ bytes: [UInt8], names: DistributionNames) -> (packages: [InstalledPackage], problems: [String]) {
        var packages: [InstalledPackage] = []
        var problems: [String] = []
        var fields: [Character: String] = [:]
        var blockLine = 1
        var lineNumber = 0

        func finish() {
            defer { fields = [:] }
            guard !fields.isEmpty else { return }
            guard let name = fields["P"], !name.isEmpty else {
                problems.append("line \(blockLine): a package without a P: (name) line")
                return
            }
            guard let version = fields["V"], !version.isEmpty else {
                problems.append("line \(blockLine): package \(name) has no V: (version) line")
                return
            }
            let origin = fields["o"].flatMap { $0.isEmpty || $0 == name ? nil : $0 }
            let license = fields["L"].flatMap { $0.isEmpty ? nil : $0 }
            packages.append(InstalledPackage(
                kind: .apk, name: name, version: version, ecosystem: names.apkEcosystem, sourceName: origin,
                architecture: fields["A"].flatMap { $0.isEmpty ? nil : $0 }, distro: names.distro,
                licenses: license.map { [$0] } ?? [], layer: "", path: ""))
        }

        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(String(decoding: rawLine, as: UTF8.self))
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                finish()
                blockLine = lineNumber + 1
                continue
            }
            let scalars = Array(line.prefix(2))
            guard scalars.count == 2, scalars[1] == ":" else {
                problems.append("line \(lineNumber) is not an `X:value` line")
                continue
            }
            let key = scalars[0]
            // The first occurrence wins: `F:` and `R:` repeat, the package's own keys do not.
            if fields[key] == nil { fields[key] = String(line.dropFirst(2)) }
        }
        finish()
        return (packages, problems)
    }
}
