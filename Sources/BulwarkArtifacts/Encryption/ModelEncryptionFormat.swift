import Crypto
import Foundation

/// The constants of the encrypted-model format, version 1 (docs/cli.md has the byte layout,
/// docs/facts.md "Encrypted weights" the construction and its sources).
///
/// The payload follows the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár ("Online
/// Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", 2015) as age's payload
/// (c2sp.org/age, agead) instantiates it, with AES-256-GCM in place of ChaCha20-Poly1305 as Tink's
/// AES-GCM-HKDF streaming AEAD does: a per-file key derived by HKDF from the data key and a
/// random per-file salt, and a nonce made of the chunk counter and a final-chunk flag. The
/// derived key makes nonces unique across files without a random nonce prefix (age's argument);
/// the counter stops reordering and the flag stops truncation and appending.
public enum ModelEncryptionFormat {
    /// `\x89BWENC\r\n`: a non-ASCII first byte and a CR LF pair, so a text-mode transfer that
    /// mangles the file is caught at the first bytes (the PNG signature's trick).
    public static let magic: [UInt8] = [0x89, 0x42, 0x57, 0x45, 0x4E, 0x43, 0x0D, 0x0A]
    public static let version: UInt8 = 1
    /// Algorithm id 1: AES-256-GCM chunks, per-file key HKDF-SHA-256(data key, salt), header
    /// MAC HMAC-SHA-256.
    public static let algorithmAES256GCMHKDF: UInt8 = 1

    public static let saltLength = 32
    public static let tagLength = 16
    public static let macLength = 32
    public static let dataKeyLength = 32

    /// Plaintext bytes per chunk unless chosen otherwise: 1 MiB keeps the 16-byte tag overhead at
    /// 0.0015 % and the two chunk buffers a reader holds at 2 MiB.
    public static let defaultChunkSize = 1 << 20
    /// Small chunks are allowed so tests can cover every byte of a many-chunk file.
    public static let minimumChunkSize = 16
    /// The header is read before it is authenticated, so its chunk size bounds what a reader
    /// allocates: at most 16 MiB per buffer.
    public static let maximumChunkSize = 16 << 20
    /// At most this many wrapped keys in one header.
    public static let maximumWrappedKeys = 16

    /// Bytes before the first wrapped key: magic, version, algorithm, chunk size, salt, count.
    static let fixedHeaderLength = magic.count + 1 + 1 + 4 + saltLength + 1

    static let payloadInfo = Array("bulwark model encryption v1 payload".utf8)
    static let headerInfo = Array("bulwark model encryption v1 header".utf8)

    /// The 12-byte GCM nonce of chunk `index`: three zero bytes, the index as 64-bit big-endian,
    /// and 0x01 for the final chunk, 0x00 before it (age's layout, with a 64-bit counter).
    static func nonce(chunk index: UInt64, final: Bool) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: 12)
        for byte in 0..<8 { nonce[3 + byte] = UInt8(truncatingIfNeeded: index >> (56 - 8 * UInt64(byte))) }
        nonce[11] = final ? 1 : 0
        return nonce
    }

    /// The key chunks are sealed with: unique to this file because the salt is.
    static func payloadKey(dataKey: SymmetricKey, salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, salt: salt, info: payloadInfo, outputByteCount: 32)
    }

    /// The key of the header's MAC, separate from the payload key (age derives its header key
    /// the same way, with its own info string).
    static func headerKey(dataKey: SymmetricKey, salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, salt: salt, info: headerInfo, outputByteCount: 32)
    }
}
