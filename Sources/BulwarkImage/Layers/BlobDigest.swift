import Crypto

/// A content digest as OCI descriptors write it (`sha256:<64 hex>`), OCI image spec
/// "Descriptors" § Digests: `algorithm ":" encoded`. sha256 and sha512 are the registered
/// algorithms; anything else cannot be verified and is an error.
struct BlobDigest: Sendable, Hashable, CustomStringConvertible {
    enum Algorithm: String, Sendable { case sha256, sha512 }

    let algorithm: Algorithm
    /// Lower-case hex.
    let encoded: String

    init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        guard let algorithm = Algorithm(rawValue: String(text[..<colon])) else { return nil }
        let encoded = String(text[text.index(after: colon)...])
        let length = algorithm == .sha256 ? 64 : 128
        guard encoded.utf8.count == length, encoded.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return nil }
        self.algorithm = algorithm
        self.encoded = encoded
    }

    init(algorithm: Algorithm, encoded: String) {
        self.algorithm = algorithm
        self.encoded = encoded
    }

    var description: String { "\(algorithm.rawValue):\(encoded)" }

    /// The blob's path in an OCI layout (`blobs/sha256/<hex>`), "Image Layout" § Blobs.
    var layoutPath: String { "blobs/\(algorithm.rawValue)/\(encoded)" }

    static func of(_ bytes: UnsafeRawBufferPointer, algorithm: Algorithm = .sha256) -> BlobDigest {
        var hasher = StreamingDigest(algorithm)
        hasher.update(bytes)
        return hasher.finish()
    }
}

/// A digest computed as bytes stream past (the compressed layer while it is decompressed).
struct StreamingDigest {
    private var sha256: SHA256?
    private var sha512: SHA512?
    let algorithm: BlobDigest.Algorithm

    init(_ algorithm: BlobDigest.Algorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .sha256: sha256 = SHA256()
        case .sha512: sha512 = SHA512()
        }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        sha256?.update(bufferPointer: bytes)
        sha512?.update(bufferPointer: bytes)
    }

    func finish() -> BlobDigest {
        let digest: [UInt8] = if let sha256 { Array(sha256.finalize()) } else if let sha512 { Array(sha512.finalize()) } else { [] }
        return BlobDigest(algorithm: algorithm, encoded: Self.hex(digest))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
