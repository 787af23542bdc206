import BulwarkSecrets
import Crypto
import Foundation
import _CryptoExtras

/// A fixed 2048-bit test key (generated once with Python's cryptography; used nowhere else), so
/// sealed output can be pinned byte for byte with a deterministic random source.
enum FixedKey {
    static let modulusHex = """
    d301d78f96da869d7e1b7df2b74f2df8c7927ab06304a64b236199249d10b674564659cb9d185c1a23410fa20b81a340\
    44f668519ee6bf57ccfdbfbed2eca8c7fadd4f5d0826a3faa5cbcb6bc3324e6635e9efde0992f6b4dbe0fe4ddf8326cf\
    d1a8a6c7bd788ad9e6c3df6fcf495f88b0e47768f04b580b174fa88337144070e5c16352ba09ce9ccd2b7b3b69586825\
    37a289d0c0675125ce5f26cc829b0d9f0f4dfc7ed490254767d3e4c78a4464e761eb632a71ab2345ebac2934f257649f\
    a4a7de372935b951d64f1e36466eb00c7b23172547d2c3a936da71309b0962a341026c18bbe0de92dc2fc1ba3de303d8\
    b3e770e81de92e8cb5c2be44a560ecbb
    """
    static let privateExponentHex = """
    04ce9e86e52498b581e962e1c2a4b38ebbe07c48ca2ae2feca39f84e0e474125f2e62209a9cc3af490937fd3fe636301\
    0bb1287fb49efeb10c55d24f28d7d06747bd5059afbb142ca527ad0237b6412f424ae7aaea4160a3ebb646e7c98a19f4\
    7bff6d05a28a5a714621a4549fcfff11dc011647279c1c2ce082941e72f9315db0aa2f9f16ec7c4a615b7e07c6b9bad2\
    da25259038ca1fa87bd913ba48ef6347ba9481ce0ade3c558921955dbd25b173c5192be5be5ca79138970fe74979258a\
    a6c1fc969d1491da3b65f9009228bdbb9d5a8badd47cf02e9c66db55a4f0a1cef8b4fa864ddbbdbe115a30b58bc2198d\
    277fb3e2d60a2ec9080c7ac833ccd1e5
    """
    static let primePHex = """
    edde26ac372f1ea8118b3177fa31a64c2afeaaea7740b08bf80882b5fc8d19bb5ce7ef64da6ecafabb4944c65782dd66\
    13f85aa35c1d57991613446cd9b4db284b0c3085751b5840dd74f7047e398f5c2edcf4e608944e0b521043a6712e87c5\
    a7299429a2e39bb11ea8ffaa3fe8cd6358fcc6a53600d7266f186997a3e76d9d
    """
    static let primeQHex = """
    e31785c93f6d003918ec4fc7e7227059be96183aaf883ca8cad70f804d9b313eb261aedbf6cb2c96f23a5fa6bbffd0af\
    c30d567ab5c7633ec29c270dd5052fed7f8434f3cfe12b54dbeb012b5516726039e26e57c0c4b74535d5941ad07fd81a\
    bf6dd7c8bfce4f6c67c6541f73df099bdaf1f0d5a49b0ccce4a2590c4d0be037
    """
    /// `ssh.FingerprintSHA256` of the key, computed with Python.
    static let fingerprint = "SHA256:Ih8To6HBqiJ04BvUrRdQ/svsPd0NgPgo0zDGoFjrIpY"
    /// `pow(int.from_bytes(b"\x00" + b"\x11" * 255, "big"), 65537, n)`, computed with Python.
    static let rawEncryptionOf11 = """
    1a03b7b06e4557b0b1c357bedaf2af5223c55613da5276d90db9c1b2084b402d1321d62f8b844faf06efe67a0ace9f49\
    5dab14539e57c62d0d75fc07faf05fbe949d94378c9ed379a825fc41992c7c07ac5720a3eb86f6de32644c53c569c4bb\
    93e084f8d5afd1ce583c2639cb024113e6751a7448d4e30e7d196f6dd6ff2bbaab5dab6c7c997f1d981937cba5ecd5a4\
    1865059ecd93603a9dc1e08d1d51d1b2fa4ea60e4de4877f5b3159c4672fe19ff4a93ca4729841ec4cb35113ee9d5521\
    d5a6e35d7fb45770c1e6036b50c8680c8b27fb5ee039e0b0102bf837b0d253113571d885436a3b2dfd6a101b52b714e1\
    8a786ba25119dd4d159f26bc87e82543
    """

    static func publicKey() throws -> RSAPublicKey {
        try RSAPublicKey(modulus: [UInt8](hex: modulusHex), exponent: [0x01, 0x00, 0x01])
    }

    static func decrypt(_ blob: [UInt8], label: [UInt8]) throws -> [UInt8] {
        let key = try _RSA.BlindSigning.PrivateKey<SHA384>(
            n: [UInt8](hex: modulusHex), e: [0x01, 0x00, 0x01], d: [UInt8](hex: privateExponentHex),
            p: [UInt8](hex: primePHex), q: [UInt8](hex: primeQHex), parameters: .RSABSSA_SHA384_PSS_Deterministic)
        return try TestKey.decrypt(blob, label: label, privateOperation: { try [UInt8](key.blindSignature(for: $0).rawRepresentation) })
    }
}
