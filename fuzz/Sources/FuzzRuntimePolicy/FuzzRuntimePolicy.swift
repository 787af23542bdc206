import BulwarkCore
import BulwarkRuntime
import FuzzDriver

/// One input: bytes as a `RuntimePolicy` file (`RuntimePolicyReader.read(bytes:)`) and as a Tetragon
/// `TracingPolicy` (`TracingPolicyImporter.import`). Must not crash and must finish; every reader
/// error has a line and column inside the input and every import warning a line inside it; every
/// policy either path yields, written by `RuntimePolicyWriter` and read back, reads without errors as
/// the same policy (comments and lines aside), and writing that again gives the same text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let lines = lineCount(bytes)
    let read = RuntimePolicyReader.read(bytes: bytes, file: "fuzz.yaml")
    for error in read.errors {
        guard let line = error.line, let column = error.column, line >= 1, line <= lines + 1, column >= 1 else {
            fatalError("error outside the file: \(error)")
        }
    }
    roundTrip(read.policies, "read")
    let text = String(decoding: bytes, as: UTF8.self)
    let imported = TracingPolicyImporter.import(yaml: text, file: "fuzz.yaml")
    // A warning about a field that is not there (a missing `spec`) has line 0.
    for warning in imported.warnings where warning.line < 0 || warning.line > lines + 1 {
        fatalError("import warning outside the file: \(warning)")
    }
    roundTrip(imported.policies, "imported")
    return 0
}

/// At least the number of lines the readers may count: line breaks as YAML has them (LF, CR, NEL, LS, PS;
/// CRLF counted twice), in Unicode scalars of the bytes read as UTF-8 (what the importer is given) and,
/// after a byte-order mark, in UTF-16 units (what the policy reader decodes); the larger count.
func lineCount(_ bytes: [UInt8]) -> Int {
    let breaks: Set<UInt32> = [0x0A, 0x0D, 0x85, 0x2028, 0x2029]
    let utf8 = 1 + String(decoding: bytes, as: UTF8.self).unicodeScalars.count { breaks.contains($0.value) }
    guard bytes.count >= 2, bytes[0] == 0xFE && bytes[1] == 0xFF || bytes[0] == 0xFF && bytes[1] == 0xFE else { return utf8 }
    let bigEndian = bytes[0] == 0xFE
    let utf16 = 1 + stride(from: 2, to: bytes.count - 1, by: 2).count { index in
        breaks.contains(bigEndian ? UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1]) : UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index]))
    }
    return max(utf8, utf16)
}

/// Written and read back: no errors, the same policies, and the same text when written again.
func roundTrip(_ policies: [RuntimePolicy], _ origin: String) {
    guard !policies.isEmpty else { return }
    let written = RuntimePolicyWriter.yaml(policies)
    let reread = RuntimePolicyReader.read(text: written, file: "written.yaml")
    if let error = reread.errors.first { fatalError("\(origin) policy written does not read back: \(error)\n\(written)") }
    if reread.policies.map(normalised) != policies.map(normalised) {
        fatalError("\(origin) policy written reads back as another policy:\n\(written)\n\(policies)\n\(reread.policies)")
    }
    if RuntimePolicyWriter.yaml(reread.policies) != RuntimePolicyWriter.yaml(reread.policies.map(normalised)) {
        // Comments are the only difference the writer may show; the reader keeps none.
        fatalError("a policy read back carries comments")
    }
}

/// A policy without what the writer does not write back (comments, source lines, the location).
func normalised(_ policy: RuntimePolicy) -> RuntimePolicy {
    var policy = policy
    policy.location = nil
    policy.comment = nil
    if var exec = policy.exec {
        exec.comment = nil
        exec.rules = exec.rules.map { var rule = $0; rule.line = nil; rule.comment = nil; return rule }
        exec.scripts = exec.scripts.map { var rule = $0; rule.line = nil; rule.comment = nil; return rule }
        policy.exec = exec
    }
    if var egress = policy.egress {
        egress.comment = nil
        egress.rules = egress.rules.map { var rule = $0; rule.line = nil; rule.comment = nil; return rule }
        policy.egress = egress
    }
    return policy
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzRuntimePolicy_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
