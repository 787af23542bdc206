import BulwarkCore
import BulwarkTestSupport
import Testing

@Suite struct TextEncodingTests {
    static let text = "apiVersion: v1\r\nkind: Pod # ☃ 🚀\nmetadata:\n  name: \"ü\"\n"

    static func utf16(_ text: String, bigEndian: Bool, byteOrderMark: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = byteOrderMark ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 {
            let high = UInt8(unit >> 8)
            let low = UInt8(unit & 0xFF)
            bytes += bigEndian ? [high, low] : [low, high]
        }
        return bytes
    }

    static func utf32(_ text: String, bigEndian: Bool) -> [UInt8] {
        var bytes: [UInt8] = bigEndian ? [0, 0, 0xFE, 0xFF] : [0xFF, 0xFE, 0, 0]
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let big = [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            bytes += bigEndian ? big : big.reversed()
        }
        return bytes
    }

    @Test(arguments: [
        ([UInt8]("a: b\n".utf8), TextEncoding.utf8(byteOrderMark: false)),
        ([0xEF, 0xBB, 0xBF] + [UInt8]("a: b\n".utf8), .utf8(byteOrderMark: true)),
        (utf16("a: b\n", bigEndian: false), .utf16(bigEndian: false)),
        (utf16("a: b\n", bigEndian: true), .utf16(bigEndian: true)),
        (utf32("a: b\n", bigEndian: false), .utf32(bigEndian: false)),
        (utf32("a: b\n", bigEndian: true), .utf32(bigEndian: true)),
        (utf16("a: b\n", bigEndian: false, byteOrderMark: false), .binary(nulOffset: 1)),
        ([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x00], .binary(nulOffset: 5)),
        ([], .utf8(byteOrderMark: false)),
        ([0xFF], .utf8(byteOrderMark: false)),
    ])
    func detectsTheEncodingFromTheByteOrderMark(_ bytes: [UInt8], _ encoding: TextEncoding) {
        #expect(TextEncoding.detect(bytes) == encoding)
    }

    @Test(arguments: [false, true])
    func transcodesUTF16WithAByteOrderMarkToUTF8WithoutIt(bigEndian: Bool) throws {
        let decoded = try TextEncoding.utf8(Self.utf16(Self.text, bigEndian: bigEndian), fileKind: "test file").get()
        #expect(decoded == Array(Self.text.utf8))
    }

    @Test func keepsUTF8AsItIs() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array(Self.text.utf8)
        #expect(try TextEncoding.utf8(bytes, fileKind: "test file").get() == bytes)
    }

    @Test(arguments: [false, true])
    func refusesUTF32(bigEndian: Bool) {
        #expect(throws: TextEncoding.DecodingError(line: 1, column: 1, message: "UTF-32 text is not supported; save the file as UTF-8")) {
            try TextEncoding.utf8(Self.utf32(Self.text, bigEndian: bigEndian), fileKind: "test file").get()
        }
    }

    @Test func binaryFilesKeepTheirMessageAtTheLineOfTheNULByte() {
        let bytes = Array("a: 1\nb: 2\nc: ".utf8) + [0, 1, 2]
        #expect(throws: TextEncoding.DecodingError(line: 3, column: 1, message: "binary file (NUL byte at offset 13); not a Kubernetes manifest")) {
            try TextEncoding.utf8(bytes, fileKind: "Kubernetes manifest").get()
        }
    }

    /// Unpaired surrogates and a truncated last character, at their line and column
    /// (CRLF, CR, LF, NEL, LS and PS end lines).
    @Test(arguments: [
        ("a: 1\r\nb: 2\rc: 3\n\u{85}x: ", [UInt16(0xD800)] + Array("z\n".utf16), 5, 4, "unpaired surrogate 0xD800"),
        ("key: \u{2028}v", [UInt16(0xDC01)], 2, 2, "unpaired surrogate 0xDC01"),
        ("a: b", [UInt16(0xD83D), UInt16(0x0041)], 1, 5, "unpaired surrogate 0xD83D"),
        ("k: \u{2029}ab", [UInt16(0xD83D)], 2, 3, "unpaired surrogate 0xD83D"),
    ])
    func invalidUTF16IsAnErrorWithItsPosition(_ before: String, _ bad: [UInt16], _ line: Int, _ column: Int, _ problem: String) {
        for bigEndian in [false, true] {
            var bytes = Self.utf16(before, bigEndian: bigEndian)
            for unit in bad { bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            let expected = TextEncoding.DecodingError(line: line, column: column, message: "invalid UTF-16 text: \(problem); save the file as UTF-8")
            #expect(throws: expected) { try TextEncoding.utf8(bytes, fileKind: "test file").get() }
        }
    }

    /// Mutated UTF-16 (and anything else): the transcoding equals the standard library's decoding
    /// when that accepts the text, and is an error with a position when it does not; UTF-8 is
    /// returned as it is. (scripts/fuzz FuzzTextEncoding runs the same check under libFuzzer.)
    @Test(arguments: 0..<4)
    func mutatedInputsAgreeWithTheStandardLibrary(_ shard: Int) throws {
        var mutator = Mutator(seed: 0x7E47 &+ UInt64(shard))
        let seeds = [Self.utf16(Self.text, bigEndian: false), Self.utf16(Self.text, bigEndian: true),
                     Self.utf16("a: \u{10FFFF}\u{E000}\u{FFFF}\u{0}\n", bigEndian: false), Array(Self.text.utf8)]
        for iteration in 0..<1_500 {
            var bytes = seeds[(iteration + shard) % seeds.count]
            for _ in 0..<(1 + mutator.below(3)) { bytes = mutator.mutate(bytes) }
            let result = TextEncoding.utf8(bytes, fileKind: "test file")
            switch TextEncoding.detect(bytes) {
            case .utf8:
                #expect(try result.get() == bytes)
            case .utf16(let bigEndian):
                let body = Array(bytes.dropFirst(2))
                var units: [UInt16] = []
                for index in stride(from: 0, to: body.count - 1, by: 2) {
                    let first = UInt16(body[index])
                    let second = UInt16(body[index + 1])
                    units.append(bigEndian ? first << 8 | second : second << 8 | first)
                }
                let reference = body.count % 2 == 0 ? String(validating: units, as: UTF16.self) : nil
                switch result {
                case .success(let utf8): #expect(reference.map { Array($0.utf8) } == utf8)
                case .failure(let error):
                    #expect(reference == nil, "valid UTF-16 refused: \(error)")
                    #expect(error.line >= 1 && error.column >= 1)
                }
            case .utf32, .binary:
                #expect(throws: TextEncoding.DecodingError.self) { try result.get() }
            }
        }
    }

    @Test func findsTheFirstInvalidUTF8Sequence() {
        #expect(TextEncoding.firstInvalidUTF8(Array("a: é\r\nb: 🚀\n".utf8)) == nil)
        let bad = TextEncoding.firstInvalidUTF8(Array("a: 1\r\nb: ü".utf8) + [0xFF] + Array("x".utf8))
        #expect(bad?.offset == 11 && bad?.line == 2 && bad?.column == 5)
        #expect(TextEncoding.firstInvalidUTF8([0xE2, 0x82])?.offset == 0)
    }

    @Test func anOddNumberOfBytesIsAnErrorAtTheEnd() {
        let bytes = Self.utf16("a: 1\nb: 22", bigEndian: false) + [0x41]
        #expect(throws: TextEncoding.DecodingError(
            line: 2, column: 6, message: "invalid UTF-16 text: the file ends in the middle of a character (an odd number of bytes); save the file as UTF-8")) {
            try TextEncoding.utf8(bytes, fileKind: "test file").get()
        }
    }
}
