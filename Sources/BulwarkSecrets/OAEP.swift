import Crypto

/// EME-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017 §7.1.1 and §7.1.2), as Go's `rsa.EncryptOAEP`
/// uses it for Sealed Secrets. swift-crypto's OAEP takes no label, so the encoding is done here and
/// the RSA operation on the encoded message is a plain modular exponentiation (`RSAPublicKey`).
public enum OAEP {
    /// SHA-256 output length, `hLen`.
    public static let hashLength = SHA256.byteCount

    /// The longest message a `k`-byte modulus can carry: `k - 2·hLen - 2`.
    public static func maximumMessageLength(encodedLength k: Int) -> Int {
        k - 2 * hashLength - 2
    }

    /// `EM = 0x00 || maskedSeed || maskedDB` of length `k`, where `DB = lHash || PS || 0x01 || M`.
    /// `seed` must be `hLen` random bytes.
    public static func encode(message: [UInt8], label: [UInt8], encodedLength k: Int, seed: [UInt8]) throws -> [UInt8] {
        let maximum = maximumMessageLength(encodedLength: k)
        guard maximum >= 0 else { throw SealingError.unusableKey("a \(k * 8)-bit modulus is too small for OAEP with SHA-256") }
        guard message.count <= maximum else { throw SealingError.messageTooLong(length: message.count, maximum: maximum) }
        precondition(seed.count == hashLength, "the OAEP seed must be \(hashLength) bytes")

        var db = Array(SHA256.hash(data: label))
        db.append(contentsOf: repeatElement(0, count: k - message.count - 2 * hashLength - 2))
        db.append(0x01)
        db.append(contentsOf: message)
        let maskedDB = xor(db, mgf1(seed: seed, length: db.count))
        let maskedSeed = xor(seed, mgf1(seed: maskedDB, length: hashLength))
        return [0x00] + maskedSeed + maskedDB
    }

    /// The inverse of `encode` (RFC 8017 §7.1.2 steps 3a–3g). Throws `decodingFailed` for a wrong
    /// label or a malformed encoding, without saying which.
    public static func decode(_ encoded: [UInt8], label: [UInt8]) throws -> [UInt8] {
        let k = encoded.count
        guard k >= 2 * hashLength + 2 else { throw SealingError.decodingFailed }
        let maskedSeed = Array(encoded[1...hashLength])
        let maskedDB = Array(encoded[(hashLength + 1)...])
        let seed = xor(maskedSeed, mgf1(seed: maskedDB, length: hashLength))
        let db = xor(maskedDB, mgf1(seed: seed, length: maskedDB.count))
        let labelHash = Array(SHA256.hash(data: label))

        // Accumulate every check so the work done does not depend on where the encoding is wrong.
        var bad = encoded[0]
        for index in 0..<hashLength { bad |= db[index] ^ labelHash[index] }
        var separator = -1
        var inPadding = true
        for index in hashLength..<db.count {
            let byte = db[index]
            if inPadding {
                if byte == 0x01 {
                    separator = index
                    inPadding = false
                } else if byte != 0x00 {
                    bad |= 1
                    inPadding = false
                }
            }
        }
        guard bad == 0, separator >= 0 else { throw SealingError.decodingFailed }
        return Array(db[(separator + 1)...])
    }

    /// MGF1 with SHA-256 (RFC 8017 §B.2.1): `T = Hash(seed || C(0)) || Hash(seed || C(1)) || …`.
    public static func mgf1(seed: [UInt8], length: Int) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(length + hashLength)
        var counter: UInt32 = 0
        while output.count < length {
            var hasher = SHA256()
            hasher.update(data: seed)
            hasher.update(data: [UInt8(counter >> 24), UInt8((counter >> 16) & 0xFF), UInt8((counter >> 8) & 0xFF), UInt8(counter & 0xFF)])
            output.append(contentsOf: hasher.finalize())
            counter += 1
        }
        return Array(output.prefix(length))
    }

    private static func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        zip(a, b).map { $0 ^ $1 }
    }
}
