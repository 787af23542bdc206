import BulwarkCore
import BulwarkKubernetes
import FuzzDriver

/// One input: YAML/JSON bytes → loader → every Kubernetes rule. Any crash, hang or sanitizer report
/// is a bug; errors are expected and must carry positions.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let inventory = KubernetesLoader.parse(bytes: bytes, file: "fuzz.yaml")
    for error in inventory.errors where (error.line ?? 0) < 1 || (error.column ?? 0) < 1 {
        fatalError("error without a position: \(error)")
    }
    _ = KubernetesScanner().scan(inventory)
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzKubernetes_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
