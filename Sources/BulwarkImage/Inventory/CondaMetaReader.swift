import BulwarkCore
import Foundation

/// Reads conda's package records (`<env>/conda-meta/<name>-<version>-<build>.json`, one per
/// installed package, https://docs.conda.io/projects/conda/en/latest/dev-guide/deep-dives/install.html):
/// `name`, `version`, `build`, `channel`, `subdir`, `license`, `depends`, and `files` (the package's
/// files relative to the environment).
///
/// A Python package installed by conda usually also has a `*.dist-info` in the environment's
/// site-packages (listed in the record's `files`). It is reported once, as the Python distribution:
/// its name and version are PyPI's (what the vulnerability database and `pip list` use), and the note
/// says conda installed it. Conda records without a dist-info keep kind `conda`; their ecosystem is
/// `PyPI` when they depend on `python` (a Python package whose conda name is its PyPI name, with the
/// few known renames), otherwise nil (C libraries, compilers: no database here covers them).
enum CondaMetaReader {
    static func isRecord(_ path: String) -> Bool {
        guard path.hasSuffix(".json"), let slash = path.lastIndex(of: "/") else { return false }
        let directory = path[..<slash]
        return directory == "conda-meta" || directory.hasSuffix("/conda-meta")
    }

    /// Conda names whose PyPI distribution is named differently.
    static let pypiNames: [String: String] = ["pytorch": "torch", "pytorch-cpu": "torch", "pytorch-gpu": "torch",
                                               "tensorflow-base": "tensorflow", "py-opencv": "opencv-python"]

    struct Document: Decodable {
        var name: String?
        var version: String?
        var build: String?
        var channel: String?
        var subdir: String?
        var license: String?
        var depends: [String]?
        var files: [String]?
    }

    /// An attributed conda package, with the dist-infos its record lists.
    struct Record {
        var package: InstalledPackage
        var layerIndex: Int
    }

    static func read(_ bytes: [UInt8]) -> (packages: [InstalledPackage], problems: [String]) {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch {
            return ([], ["not a conda package record: \(error.localizedDescription)"])
        }
        guard let name = document.name, !name.isEmpty, let version = document.version, !version.isEmpty else {
            return ([], ["conda package record without name or version"])
        }
        var qualifiers: [String: String] = [:]
        if let build = document.build, !build.isEmpty { qualifiers["build"] = build }
        if let channel = document.channel.flatMap(channelName) { qualifiers["channel"] = channel }
        if let subdir = document.subdir, !subdir.isEmpty { qualifiers["subdir"] = subdir }
        let dependsOnPython = (document.depends ?? []).contains { dependency in
            let package = dependency.prefix { $0 != " " }
            return package == "python" || package == "python_abi"
        }
        // The dist-infos the package installed, kept in the note field until `merge` pairs them.
        let distInfos = (document.files ?? []).filter { PythonMetadataReader.isMetadata($0) }
        let package = InstalledPackage(
            kind: .conda, name: name, version: version, ecosystem: dependsOnPython ? "PyPI" : nil,
            licenses: document.license.flatMap { $0.isEmpty ? nil : [$0] } ?? [], layer: "", path: "",
            note: distInfos.isEmpty ? nil : distInfos.joined(separator: "\n"), purlQualifiers: qualifiers)
        return ([package], [])
    }

    /// `conda-forge` for `https://conda.anaconda.org/conda-forge/linux-64`, `main` for
    /// `pkgs/main` or `https://repo.anaconda.com/pkgs/main/linux-64`: the purl spec's `channel`.
    static func channelName(_ channel: String) -> String? {
        var components = channel.split(separator: "/").map(String.init)
        if let last = components.last, last == "noarch" || last.hasPrefix("linux-") || last.hasPrefix("osx-") || last.hasPrefix("win-") {
            components.removeLast()
        }
        return components.last.flatMap { $0.isEmpty || $0.hasSuffix(":") ? nil : $0 }
    }

    /// The environment of a record: `opt/conda` for `opt/conda/conda-meta/numpy-….json`.
    static func environment(_ path: String) -> String {
        guard let range = path.range(of: "conda-meta/", options: .backwards) else { return "" }
        return String(path[..<range.lowerBound])
    }

    /// Pairs conda records with the dist-infos of the same environment (by the record's `files`, else
    /// by name), annotating the Python record and dropping the conda one; the rest join `found`.
    static func merge(conda: [Record], into found: [PackageInventory.Found]) -> [PackageInventory.Found] {
        var result = found
        var pythonByPath: [String: Int] = [:]
        var pythonByEnvironmentAndName: [String: Int] = [:]
        for (index, item) in found.enumerated() where item.package.kind == .python {
            pythonByPath[item.package.path] = index
            if let prefix = PythonMetadataReader.environmentPrefix(item.package.path) {
                pythonByEnvironmentAndName[prefix + "\u{0}" + normalized(item.package.name)] = index
            }
        }
        for record in conda {
            var package = record.package
            let environment = environment(package.path)
            let listed = (package.note ?? "").split(separator: "\n").map { environment + $0 }
            package.note = nil
            let pypiName = pypiNames[package.name] ?? package.name
            let match = listed.lazy.compactMap { pythonByPath[$0] }.first
                ?? pythonByEnvironmentAndName[String(environment.dropLast()) + "\u{0}" + normalized(pypiName)]
            if let match {
                var python = result[match].package
                let origin = ["build", "channel"].compactMap { key in package.purlQualifiers[key].map { "\(key) \($0)" } }
                let note = "installed by conda as \(package.name) \(package.version)" + (origin.isEmpty ? "" : " (\(origin.joined(separator: ", ")))")
                python.note = python.note.map { $0 + "; " + note } ?? note
                result[match].package = python
                continue
            }
            if package.ecosystem == "PyPI", pypiName != package.name {
                package.note = "PyPI distribution \(pypiName)"
            }
            result.append(PackageInventory.Found(package: package, layerIndex: record.layerIndex, isLink: false))
        }
        return result
    }

    static func normalized(_ name: String) -> String {
        PackageURL.pypiName(name).replacingOccurrences(of: ".", with: "-")
    }
}
