import BulwarkCore
import Foundation

/// Reads Python distributions' core metadata
/// (https://packaging.python.org/en/latest/specifications/core-metadata/): `*.dist-info/METADATA`
/// (wheels, pip), `*.egg-info/PKG-INFO` and single-file `*.egg-info` (setuptools, distutils, many
/// distribution-packaged modules), wherever they are: site-packages, dist-packages, virtual
/// environments and conda environments.
///
/// `License-Expression` (metadata 2.4, an SPDX expression) wins over `License` (free text; kept when
/// it is one line, since some distributions paste the whole license text there), then the
/// `License ::` classifiers.
enum PythonMetadataReader {
    static func isMetadata(_ path: String) -> Bool {
        PackageInventory.ends(path, ".dist-info/METADATA") || PackageInventory.ends(path, ".egg-info/PKG-INFO")
            || PackageInventory.ends(path, ".egg-info")
    }

    static func read(_ bytes: [UInt8], path: String) -> (packages: [InstalledPackage], problems: [String]) {
        let (stanzas, _) = ControlStanzas.parse(bytes, headerOnly: true)
        guard let header = stanzas.first else { return ([], ["no metadata fields"]) }
        guard let name = header["Name"], !name.isEmpty else { return ([], ["no Name field"]) }
        guard let version = header["Version"], !version.isEmpty else { return ([], ["\(name) has no Version field"]) }
        var licenses: [String] = []
        if let expression = header["License-Expression"], !expression.isEmpty {
            licenses = [expression]
        } else if let license = header["License"], !license.isEmpty, !license.contains("\n"), license.count <= 200,
                  license.uppercased() != "UNKNOWN" {
            licenses = [license]
        } else {
            licenses = header.all("Classifier").compactMap { classifier in
                guard classifier.hasPrefix("License ::") else { return nil }
                return classifier.split(separator: ":").last.map { $0.trimmingWhitespace() }
            }.filter { !$0.isEmpty && $0 != "OSI Approved" }
        }
        var notes: [String] = []
        if let nvidia = NvidiaLibraries.wheelNote(name: name, version: version) { notes.append(nvidia) }
        if let vendor = vendoringPackage(path) { notes.append("vendored inside \(vendor)") }
        return ([InstalledPackage(kind: .python, name: name, version: version, ecosystem: "PyPI", licenses: licenses,
                                  layer: "", path: "", note: notes.isEmpty ? nil : notes.joined(separator: "; "))], [])
    }

    /// `setuptools` for `…/site-packages/setuptools/_vendor/packaging-24.0.dist-info/METADATA`: a
    /// copy bundled inside another package, which `pip list` does not show but which is code in the
    /// image all the same.
    static func vendoringPackage(_ path: String) -> String? {
        let components = path.split(separator: "/")
        guard let index = components.lastIndex(where: { $0 == "_vendor" || $0 == "vendor" || $0 == "_vendored" }),
              index > 0 else { return nil }
        return String(components[index - 1])
    }

    /// The environment directory of a metadata file (`opt/conda/lib/python3.11/site-packages` for
    /// its dist-info), used to pair dist-infos with the conda records of the same environment.
    static func environmentPrefix(_ path: String) -> String? {
        guard let range = path.range(of: "/lib/python") else { return nil }
        return String(path[..<range.lowerBound])
    }
}
