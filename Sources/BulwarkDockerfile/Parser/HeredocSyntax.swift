import BulwarkCore
/// `^(\d*)<<(-?)([^<]*)$` and the delimiter's quote removal.
enum HeredocSyntax {
    struct Match {
        var name: [UInt8]
        var quoted: Bool
        var stripTabs: Bool
        var fileDescriptor: Int?
    }

    static func parse(_ word: [UInt8]) -> Match? {
        var k = 0
        while k < word.count && ASCII.isDigit(word[k]) { k += 1 }
        let digits = k
        guard k + 1 < word.count, word[k] == ASCII.less, word[k + 1] == ASCII.less else { return nil }
        k += 2
        var stripTabs = false
        if k < word.count && word[k] == ASCII.minus {
            stripTabs = true
            k += 1
        }
        let rest = word[k...]
        guard !rest.isEmpty, !rest.contains(ASCII.less) else { return nil }
        var processor = WordProcessor(escape: ASCII.backslash)
        let restBytes = Array(rest)
        let name = Array(processor.process(restBytes, 0, restBytes.count).utf8)
        guard !name.isEmpty, processor.errors.isEmpty else { return nil }
        let quotes: (UInt8) -> Bool = { $0 == ASCII.singleQuote || $0 == ASCII.doubleQuote }
        let quoted = name.filter(quotes).count != rest.filter(quotes).count
        var fileDescriptor: Int?
        if digits > 0 && digits <= 9 { fileDescriptor = Int(String(decoding: word[0..<digits], as: UTF8.self)) }
        return Match(name: name, quoted: quoted, stripTabs: stripTabs, fileDescriptor: fileDescriptor)
    }
}
