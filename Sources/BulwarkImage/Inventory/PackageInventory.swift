import BulwarkCore
import Foundation

/// The packages installed in an image: OS packages (dpkg, apk, rpm), Python distributions, conda
/// packages and vendored NVIDIA libraries, each with the layer that introduced it.
///
/// The walker asks `contentsLimit` about every regular file (it must be cheap: a path test, no
/// allocation for the files it does not want) and hands `collect` the files of interest of the final
/// filesystem and the earlier copies that later layers replaced or deleted.
public struct PackageInventory: LayerFileInterest {
    /// dpkg's `status`, apk's `installed`, conda records and rpmdb.sqlite: whole files, but not
    /// unbounded (a large Debian image's status file is ~5 MiB; a pytorch conda record with its file
    /// list ~10 MiB).
    public static let databaseLimit = 64 << 20
    /// Python metadata: the header fields come first; the long description after them is not read.
    public static let metadataLimit = 256 << 10
    public static let smallFileLimit = 1 << 20

    public init() {}

    public func contentsLimit(path: String, size: Int) -> Int? {
        switch Self.fileKind(path) {
        case .osRelease: Self.smallFileLimit
        case .dpkgStatus, .apkInstalled, .rpmSQLite, .condaRecord: Self.databaseLimit
        case .distrolessStatus: Self.smallFileLimit
        case .pythonMetadata: Self.metadataLimit
        case .rpmBerkeley, .sharedLibrary: 0
        case nil: nil
        }
    }

    enum FileKind {
        case osRelease, dpkgStatus, distrolessStatus, apkInstalled, rpmSQLite, rpmBerkeley, pythonMetadata, condaRecord,
             sharedLibrary
    }

    static func fileKind(_ path: String) -> FileKind? {
        // Called for every file of every layer: dispatch on the last byte, compare UTF-8 bytes (not
        // Characters), and allocate only for the few paths that pass.
        let bytes = path.utf8
        guard let last = bytes.last else { return nil }
        switch last {
        case UInt8(ascii: "A"), UInt8(ascii: "O"), UInt8(ascii: "o"):
            if PythonMetadataReader.isMetadata(path) { return .pythonMetadata }
        case UInt8(ascii: "n"):
            if ends(path, ".json") { return CondaMetaReader.isRecord(path) ? .condaRecord : nil }
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            let nameStart = bytes.lastIndex(of: UInt8(ascii: "/")).map { bytes.index(after: $0) } ?? bytes.startIndex
            if bytes[nameStart...].starts(with: "lib".utf8), NvidiaLibraries.sharedLibrary(fileName: path[nameStart...]) != nil {
                return .sharedLibrary
            }
        default:
            break
        }
        if bytes.starts(with: "var/lib/".utf8) || bytes.starts(with: "lib/apk/".utf8) || bytes.starts(with: "usr/lib/sysimage/rpm/".utf8) {
            if DpkgStatusReader.isDatabase(path) { return path == DpkgStatusReader.statusPath ? .dpkgStatus : .distrolessStatus }
            if path == ApkInstalledReader.path { return .apkInstalled }
            if RpmDatabaseReader.sqlitePaths.contains(path) { return .rpmSQLite }
            if RpmDatabaseReader.berkeleyPaths.contains(path) { return .rpmBerkeley }
            return nil
        }
        if last == UInt8(ascii: "e"), path == "etc/os-release" || path == "usr/lib/os-release" { return .osRelease }
        return nil
    }

    /// `hasSuffix` on UTF-8 bytes: String's own compares Characters (grapheme clusters), several
    /// times slower on the walker's hot path.
    static func ends(_ path: String, _ suffix: String) -> Bool {
        path.utf8.count >= suffix.utf8.count && path.utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    public func collect(files: [LayerFile], removedFiles: [LayerFile]) -> PackageInventoryResult {
        var warnings: [InputWarning] = []
        let os = Self.operatingSystem(files: files, warnings: &warnings)
        let names = DistributionNames(os: os)

        var earlierCopies: [String: [LayerFile]] = [:]
        for file in removedFiles where file.kind == .regular || file.kind == .hardlink {
            earlierCopies[file.path, default: []].append(file)
        }
        var found: [Found] = []
        var conda: [CondaMetaReader.Record] = []
        for file in files {
            guard let kind = Self.fileKind(file.path) else { continue }
            if kind == .sharedLibrary {
                // Regular files and links alike: a chain `libcudnn.so → libcudnn.so.8 → libcudnn.so.8.9.2`
                // has one versioned name; copies under several names are merged below.
                guard file.kind != .directory, let name = file.path.split(separator: "/").last,
                      let library = NvidiaLibraries.sharedLibrary(fileName: name) else { continue }
                found.append(Found(package: InstalledPackage(
                    kind: .binary, name: library.name, version: library.version, layer: file.layerDigest, path: file.path,
                    note: library.note), layerIndex: file.layerIndex, isLink: file.kind == .symlink))
                continue
            }
            guard file.kind == .regular || file.kind == .hardlink, kind != .osRelease else { continue }
            if kind == .rpmBerkeley {
                warnings.append(Self.warning(file, "rpm database not read: only the SQLite rpmdb (rpmdb.sqlite, RPM 4.16 and later) is supported, not Berkeley DB or ndb"))
                continue
            }
            guard let packages = Self.read(file, kind: kind, names: names, warnings: &warnings) else { continue }
            let history = (earlierCopies[file.path] ?? []).filter { $0.layerIndex < file.layerIndex }
                .sorted { $0.layerIndex > $1.layerIndex }
            var historyKeys: [Set<RecordKey>] = []
            for package in packages {
                var introduced = (digest: file.layerDigest, index: file.layerIndex)
                for (offset, copy) in history.enumerated() {
                    if offset == historyKeys.count {
                        var ignored: [InputWarning] = []
                        let listed = Self.read(copy, kind: kind, names: names, warnings: &ignored) ?? []
                        // An unreadable earlier copy is reported: its packages' layers may be later than the truth.
                        if !ignored.isEmpty {
                            warnings += ignored.map { InputWarning(file: $0.file, message: $0.message + " (an earlier copy, used to find the layer that installed each package)") }
                        }
                        historyKeys.append(Set(listed.map(RecordKey.init)))
                    }
                    guard historyKeys[offset].contains(RecordKey(package)) else { break }
                    introduced = (copy.layerDigest, copy.layerIndex)
                }
                var attributed = package
                attributed.layer = introduced.digest
                attributed.path = file.path
                if kind == .condaRecord {
                    conda.append(CondaMetaReader.Record(package: attributed, layerIndex: introduced.index))
                } else {
                    found.append(Found(package: attributed, layerIndex: introduced.index, isLink: false))
                }
            }
        }
        found = CondaMetaReader.merge(conda: conda, into: found)
        return PackageInventoryResult(os: os, packages: Self.deduplicated(found),
                                      warnings: warnings.sorted(by: InputWarning.inputOrder))
    }

    /// A package as found, before duplicates are merged.
    struct Found {
        var package: InstalledPackage
        var layerIndex: Int
        var isLink: Bool
    }

    /// What makes two records of a database the same package across copies of the database.
    struct RecordKey: Hashable {
        var name: String
        var version: String
        var architecture: String?

        init(_ package: InstalledPackage) {
            name = package.name
            version = package.version
            architecture = package.architecture
        }
    }

    /// Parses one file of interest; nil (with a warning) when it cannot be read at all.
    static func read(_ file: LayerFile, kind: FileKind, names: DistributionNames, warnings: inout [InputWarning]) -> [InstalledPackage]? {
        guard var bytes = file.contents else {
            warnings.append(warning(file, "contents not available to the inventory"))
            return nil
        }
        if file.truncated {
            switch kind {
            case .dpkgStatus, .distrolessStatus, .apkInstalled:
                // The last record may be cut in the middle of a value: keep whole records only.
                warnings.append(warning(file, "larger than \(bytes.count) bytes: only the packages in the first \(bytes.count) bytes are listed"))
                bytes = wholeRecords(bytes)
            case .pythonMetadata:
                break // The header comes first; a cut description does not matter.
            default:
                warnings.append(warning(file, "not read: larger than the inventory's limit of \(bytes.count) bytes"))
                return nil
            }
        }
        let outcome: (packages: [InstalledPackage], problems: [String])
        switch kind {
        case .dpkgStatus, .distrolessStatus: outcome = DpkgStatusReader.read(bytes, names: names)
        case .apkInstalled: outcome = ApkInstalledReader.read(bytes, names: names)
        case .pythonMetadata: outcome = PythonMetadataReader.read(bytes, path: file.path)
        case .condaRecord: outcome = CondaMetaReader.read(bytes)
        case .rpmSQLite: outcome = RpmDatabaseReader.read(bytes, names: names)
        case .osRelease, .rpmBerkeley, .sharedLibrary: return nil
        }
        warnings += outcome.problems.map { warning(file, $0) }
        return outcome.packages
    }

    static func wholeRecords(_ bytes: [UInt8]) -> [UInt8] {
        var index = bytes.count - 1
        while index > 0 {
            if bytes[index] == UInt8(ascii: "\n") && bytes[index - 1] == UInt8(ascii: "\n") { return Array(bytes[..<index]) }
            index -= 1
        }
        return []
    }

    static func warning(_ file: LayerFile, _ message: String) -> InputWarning {
        InputWarning(file: "\(file.layerDigest):\(file.path)", message: message)
    }

    /// `etc/os-release`, else `usr/lib/os-release`, following symlinks inside the image (Debian's
    /// `etc/os-release` is a link to `../usr/lib/os-release`).
    static func operatingSystem(files: [LayerFile], warnings: inout [InputWarning]) -> OperatingSystemRelease? {
        var byPath: [String: LayerFile] = [:]
        for file in files where fileKind(file.path) == .osRelease { byPath[file.path] = file }
        for candidate in OSReleaseReader.paths {
            var path = candidate
            var hops = 0
            while let file = byPath[path], file.kind == .symlink || file.kind == .hardlink, let target = file.linkTarget, hops < 8,
                  file.contents == nil {
                path = resolve(target, from: path)
                hops += 1
            }
            guard let file = byPath[path], let contents = file.contents else { continue }
            if let os = OSReleaseReader.parse(contents) { return os }
            warnings.append(warning(file, "os-release has no ID: the distribution is unknown"))
        }
        return nil
    }

    /// A link target relative to the link's directory (or to the image root when absolute), normalised.
    static func resolve(_ target: String, from path: String) -> String {
        var components = target.hasPrefix("/") ? [] : path.split(separator: "/").dropLast().map(String.init)
        for component in target.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(String(component))
            }
        }
        return components.joined(separator: "/")
    }

    /// One record per package: the same name and version listed twice (dpkg's `status` and a
    /// `status.d` file, one wheel in two environments, one library under two names) is kept once,
    /// from the earliest layer, then the shortest path (a regular file before a link to it).
    static func deduplicated(_ found: [Found]) -> [InstalledPackage] {
        struct Identity: Hashable {
            var kind: InstalledPackage.Kind
            var name: String
            var version: String
            var architecture: String?
        }
        var best: [Identity: Found] = [:]
        for candidate in found {
            let package = candidate.package
            let name = package.kind == .python ? PackageURL.pypiName(package.name).replacingOccurrences(of: ".", with: "-") : package.name
            let identity = Identity(kind: package.kind, name: name, version: package.version, architecture: package.architecture)
            if let current = best[identity] {
                let better = (candidate.layerIndex, candidate.isLink ? 1 : 0, candidate.package.path.count, candidate.package.path)
                    < (current.layerIndex, current.isLink ? 1 : 0, current.package.path.count, current.package.path)
                if better { best[identity] = candidate }
            } else {
                best[identity] = candidate
            }
        }
        let order = Dictionary(uniqueKeysWithValues: InstalledPackage.Kind.allCases.enumerated().map { ($1, $0) })
        return best.values.map(\.package).sorted {
            let left = (order[$0.kind] ?? 0, $0.name, $0.version, $0.architecture ?? "", $0.path)
            let right = (order[$1.kind] ?? 0, $1.name, $1.version, $1.architecture ?? "", $1.path)
            return left < right
        }
    }
}
