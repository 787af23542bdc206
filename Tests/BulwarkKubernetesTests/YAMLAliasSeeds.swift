/// Alias bombs shared by the loader tests.
enum YAMLAliasSeeds {
    /// Nine levels of nine aliases of the level before: 9^9 scalars once expanded.
    static let billionLaughs: String = {
        var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        let names = "abcdefghij".map(String.init)
        for index in 1..<names.count {
            lines.append("\(names[index]): &\(names[index]) [" + Array(repeating: "*\(names[index - 1])", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()
}
