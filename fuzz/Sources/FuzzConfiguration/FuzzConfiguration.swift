import BulwarkCore
import BulwarkKubernetes
import FuzzDriver

/// One input: text → `.bulwark.yaml` (`Configuration.parse`) and a netpol intent
/// (`NetworkIntent.read`). Must not crash; every error and warning has a line and column.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    do {
        let configuration = try Configuration.parse(text, file: "fuzz.yaml")
        for warning in configuration.warnings(knownRuleIds: { $0.hasPrefix("k8s/") }, allIds: ["k8s/latest-tag", "k8s/image-digest"])
        where warning.line == nil {
            fatalError("warning without a line: \(warning)")
        }
    } catch {
        if error.line == nil { fatalError("configuration error without a line: \(error)") }
    }
    do {
        let result = try NetworkIntent.read(text, file: "intent.yaml")
        for warning in result.warnings where warning.line == nil { fatalError("intent warning without a line: \(warning)") }
    } catch {
        if error.line == nil { fatalError("intent error without a line: \(error)") }
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzConfiguration_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
