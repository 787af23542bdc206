import BulwarkArtifacts
import BulwarkCore
import FuzzDriver

/// One input: bytes → `ModelArtifact` (pickle, legacy PyTorch, lenient zip, nested archives,
/// compressed pickles and members, Keras configs and HDF5, TorchScript code, safetensors, GGUF and
/// ONNX headers) and the pickle analyser on the raw bytes too. Must not crash, must finish, never read
/// more opcodes than there are bytes, and findings about the file itself point inside it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let artifact = ModelArtifact(bytes: bytes)
    // A decompressed pickle (joblib's compress=, a deflated member: named `[zlib]`, `data.pkl [deflate]`)
    // may hold more opcodes than the file has bytes; up to the decompression limit.
    for program in artifact.programs {
        let compressed = artifact.compression != nil || program.member?.contains("[") == true
        if program.program.instructions > (compressed ? PickleAnalyzer().decompressedLimit : bytes.count) {
            fatalError("more opcodes than bytes")
        }
    }
    // The model rules over what was read (safetensors, GGUF chat templates, ONNX walks included). A
    // finding about the file itself (no member, no whole-file compression) points at a byte inside it.
    let file = ModelFile(path: "fuzz", artifact: artifact, policy: .standard)
    for rule in ModelRules.all {
        for violation in rule.check.run(file) where violation.member == nil && artifact.compression == nil {
            if violation.offset < 0 || violation.offset > bytes.count {
                fatalError("\(rule.id) points outside the file: \(violation)")
            }
        }
    }
    let program = PickleAnalyzer().analyze(bytes)
    if program.instructions > bytes.count { fatalError("more opcodes than bytes") }
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzModel_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
