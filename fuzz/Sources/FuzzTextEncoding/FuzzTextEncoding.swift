import BulwarkCore
import FuzzDriver

/// One input: bytes → `TextEncoding.utf8`. A differential check against the standard library:
/// for UTF-16 with a byte-order mark, the transcoding must equal Swift's own decoding when that
/// accepts the text, and be an error (with a position) when it does not; UTF-8 comes back as it is.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let encoding = TextEncoding.detect(bytes)
    let result = TextEncoding.utf8(bytes, fileKind: "fuzz input")
    switch (encoding, result) {
    case (.utf8, .success(let utf8)):
        if utf8 != bytes { fatalError("UTF-8 was changed") }
    case (.utf16(let bigEndian), _):
        let body = Array(bytes.dropFirst(2))
        var units: [UInt16] = []
        var index = 0
        while index + 1 < body.count {
            units.append(bigEndian ? UInt16(body[index]) << 8 | UInt16(body[index + 1]) : UInt16(body[index + 1]) << 8 | UInt16(body[index]))
            index += 2
        }
        let reference = body.count % 2 == 0 ? String(validating: units, as: UTF16.self) : nil
        switch result {
        case .success(let utf8):
            guard let reference, Array(reference.utf8) == utf8 else { fatalError("transcoding differs from the standard library") }
        case .failure(let error):
            if reference != nil { fatalError("valid UTF-16 refused: \(error)") }
            if error.line < 1 || error.column < 1 { fatalError("error without a position: \(error)") }
        }
    case (.utf32, .failure), (.binary, .failure):
        break
    default:
        fatalError("unexpected outcome \(result) for \(encoding)")
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzTextEncoding_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
