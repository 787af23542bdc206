import BulwarkCore
import BulwarkVulnDB
import FuzzDriver

/// One input: bytes as an OSV record (JSON or YAML) and as a VEX document (OpenVEX, CycloneDX), plus
/// every line as a CVSS vector and version pairs in every ordering. Errors are values; must not crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if case .success(let advisory) = OSVRecord.parse(bytes, name: "fuzz.json") {
        let package = InstalledPackage(kind: .python, name: advisory.affected.first?.name ?? "x", version: "1.0",
                                       ecosystem: advisory.affected.first?.ecosystem ?? "PyPI", layer: "sha256:00", path: "x")
        _ = AdvisoryMatcher.match([package], source: AdvisoryList([advisory]))
    }
    _ = VEXDocument.parse(bytes, name: "fuzz.json")
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").prefix(64).map(String.init)
    for line in lines { _ = CVSS.baseScore(line) }
    for (a, b) in zip(lines, lines.dropFirst()) {
        for scheme in VersionScheme.allCases { _ = scheme.compare(a, b) }
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzAdvisory_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
