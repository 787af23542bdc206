import BulwarkCore
import BulwarkKubernetes
import FuzzDriver

/// One input: manifest bytes → `bulwark fix manifests` (workloads, then the objects around them).
/// Errors must carry positions (a document the renderer cannot rewrite is one, at its line, and
/// the other documents are still fixed); a changed result must read back without errors, and
/// fixing it again must change nothing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let fixer = ManifestFixer()
    let result = fixer.fix(files: [ManifestFixInput(file: "fuzz.yaml", bytes: bytes)])[0]
    for error in result.errors {
        if error.line == nil || error.column == nil { fatalError("error without a position: \(error)") }
    }
    guard result.isChanged else { return 0 }
    let reread = YAMLReader.read(result.fixed)
    if let error = reread.errors.first { fatalError("fixed text does not parse: \(error)\n\(result.fixed)") }
    let again = fixer.fix(files: [ManifestFixInput(file: "fuzz.yaml", bytes: Array(result.fixed.utf8))])[0]
    if again.fixed != result.fixed { fatalError("fixing twice changed the text:\n\(result.fixed)\n---\n\(again.fixed)") }
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzManifestFixer_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
