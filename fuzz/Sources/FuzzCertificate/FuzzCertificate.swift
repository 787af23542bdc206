import BulwarkCore
import BulwarkSecrets
import FuzzDriver

/// One input: bytes → `SealedSecretSealer(certificate:)`, the reader of `seal --cert` and
/// `fix manifests --seal-cert`. Must not crash, and an error must be in our words: never a
/// dependency's description (with its source path).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        _ = try SealedSecretSealer(certificate: bytes)
    } catch {
        let text = "\(error)"
        if text.contains(".swift") || text.contains("ASN1Error") || text.contains("CertificateError") {
            fatalError("a dependency's error reached the message: \(text)")
        }
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzCertificate_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
