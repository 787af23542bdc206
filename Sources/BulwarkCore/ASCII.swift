/// ASCII byte constants and byte classes: the one set every parser of Bulwark uses (YAML
/// writers, the Dockerfile and shell scanners, the secret detector, image references).
public enum ASCII {
    public static let tab: UInt8 = 0x09
    public static let newline: UInt8 = 0x0A
    public static let verticalTab: UInt8 = 0x0B
    public static let formFeed: UInt8 = 0x0C
    public static let carriageReturn: UInt8 = 0x0D
    public static let space: UInt8 = 0x20
    public static let bang: UInt8 = 0x21
    public static let doubleQuote: UInt8 = 0x22
    public static let hash: UInt8 = 0x23
    public static let dollar: UInt8 = 0x24
    public static let percent: UInt8 = 0x25
    public static let ampersand: UInt8 = 0x26
    public static let singleQuote: UInt8 = 0x27
    public static let openParen: UInt8 = 0x28
    public static let closeParen: UInt8 = 0x29
    public static let star: UInt8 = 0x2A
    public static let plus: UInt8 = 0x2B
    public static let comma: UInt8 = 0x2C
    public static let minus: UInt8 = 0x2D
    public static let dot: UInt8 = 0x2E
    public static let slash: UInt8 = 0x2F
    public static let zero: UInt8 = 0x30
    public static let nine: UInt8 = 0x39
    public static let colon: UInt8 = 0x3A
    public static let semicolon: UInt8 = 0x3B
    public static let less: UInt8 = 0x3C
    public static let equals: UInt8 = 0x3D
    public static let greater: UInt8 = 0x3E
    public static let question: UInt8 = 0x3F
    public static let at: UInt8 = 0x40
    public static let openBracket: UInt8 = 0x5B
    public static let backslash: UInt8 = 0x5C
    public static let closeBracket: UInt8 = 0x5D
    public static let underscore: UInt8 = 0x5F
    public static let backtick: UInt8 = 0x60
    public static let openBrace: UInt8 = 0x7B
    public static let pipe: UInt8 = 0x7C
    public static let closeBrace: UInt8 = 0x7D

    /// Go's `unicode.IsSpace` for ASCII: space, \t, \n, \v, \f, \r.
    @inline(__always) public static func isSpace(_ byte: UInt8) -> Bool {
        byte == space || (byte >= tab && byte <= carriageReturn)
    }

    /// BuildKit's `[\t\v\f\r ]` (no newline): the separator of whitespace-delimited arguments.
    @inline(__always) public static func isBlank(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == verticalTab || byte == formFeed || byte == carriageReturn
    }

    @inline(__always) public static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }

    @inline(__always) public static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }

    @inline(__always) public static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }

    @inline(__always) public static func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }

    @inline(__always) public static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66
    }

    /// The standard base64 alphabet (`A-Z a-z 0-9 + /`), without the `=` padding.
    @inline(__always) public static func isBase64(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == plus || byte == slash }

    /// A Character that is one of `0`…`9` (`Character.isNumber` also accepts other scripts' digits).
    @inline(__always) public static func isDigit(_ character: Character) -> Bool {
        character.asciiValue.map(isDigit) ?? false
    }

    @inline(__always) public static func isLetter(_ byte: UInt8) -> Bool { isUpper(byte) || isLower(byte) }

    /// `[A-Za-z0-9_]`
    @inline(__always) public static func isNameByte(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) || byte == underscore }

    @inline(__always) public static func upper(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7A ? byte - 32 : byte }

    @inline(__always) public static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte }
}

extension String {
    /// Decodes UTF-8 (invalid sequences become U+FFFD).
    @inline(__always) public init(utf8Bytes bytes: ArraySlice<UInt8>) {
        self = String(decoding: bytes, as: UTF8.self)
    }
}
