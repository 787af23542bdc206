import BulwarkCore
import BulwarkDockerfile
import FuzzDriver

/// One input: Dockerfile bytes → parser (directives, heredocs, ARG/ENV expansion within its
/// budgets) → every Dockerfile rule → the hardener. Any crash, hang, sanitizer report or runaway
/// memory is a bug; errors are expected and must carry positions inside the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let dockerfile = DockerfileParser.parse(bytes: bytes, file: "Dockerfile")
    let lines = bytes.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } + bytes.reduce(0) { $1 == UInt8(ascii: "\r") ? $0 + 1 : $0 }
    for error in dockerfile.errors where error.line < 1 || error.column < 1 || error.line > lines + 1 {
        fatalError("error outside the file: \(error)")
    }
    _ = DockerfileScanner().scan(dockerfile)
    if dockerfile.errors.isEmpty {
        _ = DockerfileHardener.harden(text: String(decoding: bytes, as: UTF8.self))
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzDockerfile_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
