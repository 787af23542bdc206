/// Base64 with Go's `base64.StdEncoding` rules, which Kubernetes applies to `Secret.data`: the
/// standard alphabet, padding required, `\r` and `\n` ignored, anything else rejected.
enum Base64 {
    struct DecodingError: Error, Equatable, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output += [alphabet[Int(chunk >> 18)], alphabet[Int((chunk >> 12) & 63)], alphabet[Int((chunk >> 6) & 63)], alphabet[Int(chunk & 63)]]
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let chunk = UInt32(bytes[index]) << 16
            output += [alphabet[Int(chunk >> 18)], alphabet[Int((chunk >> 12) & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        case 2:
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output += [alphabet[Int(chunk >> 18)], alphabet[Int((chunk >> 12) & 63)], alphabet[Int((chunk >> 6) & 63)], UInt8(ascii: "=")]
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String) -> Result<[UInt8], DecodingError> {
        let input = text.utf8.filter { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        if let offset = input.firstIndex(where: { values[Int($0)] == 0xFF && $0 != UInt8(ascii: "=") }) {
            return .failure(DecodingError(message: "\(describe(input[offset])) at offset \(offset) is not in the base64 alphabet"))
        }
        guard input.count % 4 == 0 else {
            return .failure(DecodingError(message: "length \(input.count) is not a multiple of 4 (is the padding missing, or is this not base64?)"))
        }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var quantum = 0
        while quantum < input.count {
            var chunk: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = input[quantum + offset]
                if byte == UInt8(ascii: "=") {
                    // Padding only in the last two places of the last quantum, and only at its end.
                    guard quantum + 4 == input.count, offset >= 2 else {
                        return .failure(DecodingError(message: "misplaced '=' at offset \(quantum + offset)"))
                    }
                    padding += 1
                    chunk <<= 6
                    continue
                }
                let value = values[Int(byte)]
                guard padding == 0 else {
                    return .failure(DecodingError(message: "data after '=' at offset \(quantum + offset)"))
                }
                chunk = chunk << 6 | UInt32(value)
            }
            output.append(UInt8(chunk >> 16))
            if padding < 2 { output.append(UInt8((chunk >> 8) & 0xFF)) }
            if padding < 1 { output.append(UInt8(chunk & 0xFF)) }
            quantum += 4
        }
        return .success(output)
    }

    private static func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}
