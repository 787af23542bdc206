/// Unsigned little-endian integers, as zip headers, NumPy headers and pickle arguments store them.
enum LittleEndian {
    /// The value of `bytes` read least significant byte first (at most 8 bytes).
    static func value(_ bytes: some Collection<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for (index, byte) in bytes.prefix(8).enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        return value
    }

    /// The `width`-byte value at `offset` (the caller checks the bytes are there).
    static func value<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at offset: Int, width: Int) -> UInt64
    where Bytes.Index == Int {
        value(bytes[offset..<offset + width])
    }
}
