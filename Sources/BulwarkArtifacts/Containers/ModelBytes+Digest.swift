import Crypto
import Glibc

extension ModelBytes {
    /// The SHA-256 and SHA-512 of the bytes, lowercase hex, for inventories (`--format cyclonedx`).
    ///
    /// Fed in 8 MiB windows of the storage, never copied: a mapped checkpoint is read once, front to
    /// back, through the page cache, while an array is hashed where it lies. This is the one place
    /// a scan reads every byte of a mapped file; it runs only when an inventory asks for digests.
    /// Each window of a mapping is released after it is hashed (`MADV_DONTNEED`: the pages of a
    /// read-only file mapping are read again from the page cache if touched), so memory stays at
    /// one window whatever the size of the checkpoint.
    func digests() -> (sha256: String, sha512: String) {
        var sha256 = SHA256()
        var sha512 = SHA512()
        let window = 8 << 20
        var offset = 0
        while offset < count {
            let end = Swift.min(count, offset + window)
            let chunk = UnsafeRawBufferPointer(rebasing: storage.base[(origin + offset)..<(origin + end)])
            sha256.update(bufferPointer: chunk)
            sha512.update(bufferPointer: chunk)
            if storage.isMapped, let start = chunk.baseAddress {
                let page = Int(sysconf(Int32(_SC_PAGESIZE)))
                let address = Int(bitPattern: start)
                let aligned = address - address % page
                _ = madvise(UnsafeMutableRawPointer(bitPattern: aligned), address + chunk.count - aligned, MADV_DONTNEED)
            }
            offset = end
        }
        return (Self.hex(sha256.finalize()), Self.hex(sha512.finalize()))
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
