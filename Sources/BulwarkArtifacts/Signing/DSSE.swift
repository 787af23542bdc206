/// DSSE v1 pre-authentication encoding, the bytes a DSSE signature is made over
/// (secure-systems-lab/dsse `protocol.md`; the reference's `sign_sigstore_pb.pae`):
/// `"DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths as ASCII decimal byte counts.
enum DSSE {
    static let inTotoPayloadType = "application/vnd.in-toto+json"

    static func pae(payloadType: String = inTotoPayloadType, _ payload: [UInt8]) -> [UInt8] {
        let type = Array(payloadType.utf8)
        return Array("DSSEv1 \(type.count) ".utf8) + type + Array(" \(payload.count) ".utf8) + payload
    }

    /// What model_signing v0.2 signed by mistake (`pae_compat`): `DSSEV1` in capitals and the
    /// payload as Python's `repr` of a bytes object (`b'…'` with escapes), which the reference
    /// still accepts. Verification tries it when the real PAE does not verify.
    static func paeCompat(_ payload: [UInt8]) -> [UInt8] {
        let type = inTotoPayloadType
        return Array("DSSEV1 \(type.utf8.count) \(type) \(payload.count) ".utf8) + pythonBytesRepr(payload)
    }

    /// CPython's `bytes.__repr__`: single quotes unless the bytes hold `'` and no `"`.
    static func pythonBytesRepr(_ bytes: [UInt8]) -> [UInt8] {
        let quote: UInt8 = bytes.contains(UInt8(ascii: "'")) && !bytes.contains(UInt8(ascii: "\"")) ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "b"), quote]
        for byte in bytes {
            switch byte {
            case quote, UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\t"): out += Array("\\t".utf8)
            case UInt8(ascii: "\n"): out += Array("\\n".utf8)
            case UInt8(ascii: "\r"): out += Array("\\r".utf8)
            case 0x20..<0x7F: out.append(byte)
            default: out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        out.append(quote)
        return out
    }
}
