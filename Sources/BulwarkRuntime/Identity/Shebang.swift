import Glibc

/// The interpreter a `#!` script names, read the way the kernel's binfmt_script reads it: the first line (the
/// kernel looks at up to 256 bytes), leading blanks after `#!` skipped, the path ends at the first blank; the
/// rest is one optional argument. Used by the exec judge to find the interpreter entry whose script globs may let
/// a script through, and by policy compilation.
public enum Shebang {
    /// The kernel's BINPRM_BUF_SIZE.
    public static let maximumLength = 256

    /// The interpreter path of the script open at `descriptor` (read with `pread`, offset untouched), or nil when
    /// the file does not start with `#!` or cannot be read.
    public static func interpreter(descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: maximumLength)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, maximumLength, 0) }
        guard count > 2 else { return nil }
        return interpreter(in: buffer[0..<count])
    }

    /// The interpreter path named by the first bytes of a file, or nil.
    public static func interpreter(in bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.count > 2, bytes[bytes.startIndex] == UInt8(ascii: "#"),
              bytes[bytes.startIndex + 1] == UInt8(ascii: "!") else { return nil }
        var line = bytes.dropFirst(2)
        if let end = line.firstIndex(where: { $0 == UInt8(ascii: "\n") }) { line = line[..<end] }
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let path = line.drop(while: blank).prefix(while: { !blank($0) && $0 != 0 })
        guard !path.isEmpty else { return nil }
        return String(decoding: path, as: UTF8.self)
    }
}
