import CYaml

/// One YAML document of a stream.
public struct YAMLDocument: Sendable {
    /// The root node; nil for an empty document.
    public let root: YAMLNode?
    /// 1-based line where the document starts (its `---`, or its first node).
    public let startLine: Int
    /// The template path of a Helm `# Source: chart/templates/x.yaml` comment heading the document.
    public let helmSource: String?

    public init(root: YAMLNode?, startLine: Int, helmSource: String?) {
        self.root = root
        self.startLine = startLine
        self.helmSource = helmSource
    }
}

/// A syntax or limit error with its 1-based position.
public typealias YAMLError = TextError

/// Bounds that keep hostile YAML from exhausting the stack or memory.
public struct YAMLLimits: Sendable {
    /// Deepest allowed nesting of collections.
    public var maxDepth: Int
    /// A document may expand (through aliases) to at most `aliasExpansionFactor` times its
    /// written node count once it passes `aliasExpansionFloor` nodes (the check go-yaml uses).
    public var aliasExpansionFloor: Int
    public var aliasExpansionFactor: Int
    /// The documents of one input may expand (through aliases) to at most
    /// `max(aliasExpansionByteFloor, aliasExpansionByteFactor × input bytes)` bytes: the scalar
    /// bytes with every alias replaced by what it names, plus one per node. The node check above
    /// does not see one large scalar aliased many times (1 MiB × 1,000 aliases is 1 GiB for every
    /// consumer that reads the tree); this one does, and it fails at the alias that crosses it.
    public var aliasExpansionByteFloor: Int
    public var aliasExpansionByteFactor: Int
    /// Reject duplicate keys in a mapping, as `kubectl` and the API server do.
    public var rejectDuplicateKeys: Bool

    public init(maxDepth: Int = 512, aliasExpansionFloor: Int = 100_000, aliasExpansionFactor: Int = 10,
                aliasExpansionByteFloor: Int = 4 << 20, aliasExpansionByteFactor: Int = 10,
                rejectDuplicateKeys: Bool = true) {
        self.maxDepth = maxDepth
        self.aliasExpansionFloor = aliasExpansionFloor
        self.aliasExpansionFactor = aliasExpansionFactor
        self.aliasExpansionByteFloor = aliasExpansionByteFloor
        self.aliasExpansionByteFactor = aliasExpansionByteFactor
        self.rejectDuplicateKeys = rejectDuplicateKeys
    }

    /// The expansion budget in bytes for an input of `inputBytes` bytes.
    public func aliasExpansionByteLimit(forInputOf inputBytes: Int) -> Int {
        let (scaled, overflow) = aliasExpansionByteFactor.multipliedReportingOverflow(by: max(inputBytes, 0))
        return max(aliasExpansionByteFloor, overflow ? .max : scaled)
    }

    public static let standard = YAMLLimits()
}

/// Reads YAML (and JSON, which is YAML) into `YAMLNode` trees with positions.
///
/// Composition is iterative (no recursion), so nesting depth is bounded only by `maxDepth`.
/// After a syntax error the reader resumes at the next `---` line, so one broken document does
/// not hide the others of the same file.
public enum YAMLReader {
    public struct Result: Sendable {
        public var documents: [YAMLDocument] = []
        public var errors: [YAMLError] = []
    }

    public static func read(_ text: String, limits: YAMLLimits = .standard) -> Result {
        var bytes = Array(text.utf8)
        return read(bytes: &bytes, limits: limits)
    }

    public static func read(bytes: [UInt8], limits: YAMLLimits = .standard) -> Result {
        var copy = bytes
        return read(bytes: &copy, limits: limits)
    }

    static func read(bytes: inout [UInt8], limits: YAMLLimits) -> Result {
        var result = Result()
        let helmSources = HelmSourceIndex(bytes)
        var offset = 0
        var lineOffset = 0
        // Shared by every document of the input (and by the documents after a broken one).
        var expansion = ExpansionBudget(limit: limits.aliasExpansionByteLimit(forInputOf: bytes.count))
        while offset < bytes.count || (offset == 0 && bytes.isEmpty) {
            let failure = bytes.withUnsafeBufferPointer { buffer -> YAMLError? in
                let slice = UnsafeBufferPointer(rebasing: buffer[offset...])
                var composer = Composer(limits: limits, lineOffset: lineOffset, helmSources: helmSources)
                return composer.run(slice, into: &result.documents, expansion: &expansion)
            }
            guard let failure else { break }
            result.errors.append(failure)
            // Resume after the broken document: at the next line that starts with `---`.
            guard let next = nextDocumentStart(in: bytes, fromLine: failure.line, after: offset) else { break }
            offset = next.offset
            lineOffset = next.line - 1
        }
        return result
    }

    /// Byte offset and 1-based line of the first `---` line at or after `line` that lies beyond
    /// byte `minimumOffset` (so that every resumption makes progress).
    static func nextDocumentStart(in bytes: [UInt8], fromLine line: Int, after minimumOffset: Int) -> (offset: Int, line: Int)? {
        var currentLine = 1
        var index = 0
        let dash = UInt8(ascii: "-")
        while index < bytes.count {
            if currentLine >= line, index > minimumOffset, index + 2 < bytes.count || index + 3 == bytes.count,
               bytes[index] == dash, bytes[index + 1] == dash, bytes[index + 2] == dash,
               index + 3 == bytes.count || [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")].contains(bytes[index + 3]) {
                return (index, currentLine)
            }
            // Advance to the next line.
            while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            index += 1
            currentLine += 1
        }
        return nil
    }
}

/// The expanded size of the accepted documents of one input, against its limit.
struct ExpansionBudget {
    let limit: Int
    /// Expanded size of the documents accepted so far (a broken document does not count).
    var used = 0
}

/// Lines of `# Source: path` comments (as `helm template` writes them), found in one pass.
struct HelmSourceIndex: Sendable {
    private(set) var entries: [(line: Int, path: String)] = []

    init(_ bytes: [UInt8]) {
        let marker = Array("# Source: ".utf8)
        var line = 1
        var lineStart = 0
        var index = 0
        let count = bytes.count
        // Only look at lines that begin with the marker; stop early for files without any '#'.
        while index <= count {
            if index == count || bytes[index] == UInt8(ascii: "\n") {
                if index - lineStart > marker.count, bytes[lineStart] == UInt8(ascii: "#"),
                   Array(bytes[lineStart..<(lineStart + marker.count)]) == marker {
                    var end = index
                    while end > lineStart, bytes[end - 1] == UInt8(ascii: "\r") || bytes[end - 1] == UInt8(ascii: " ") {
                        end -= 1
                    }
                    let path = String(decoding: bytes[(lineStart + marker.count)..<end], as: UTF8.self)
                    entries.append((line, path))
                }
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
    }

    /// The source comment between a document's start and its root node, if any.
    func source(from startLine: Int, to rootLine: Int) -> String? {
        entries.last { $0.line >= startLine && $0.line <= rootLine }?.path
    }
}

/// Turns libyaml's event stream into `YAMLNode` trees.
private struct Composer {
    /// An open sequence or mapping. A class, so appending never copies the collected items.
    final class Frame {
        let isMapping: Bool
        let position: TextPosition
        let anchor: String?
        let tag: String?
        var items: [YAMLNode] = []
        var pairs: [YAMLNode.Pair] = []
        var pendingKey: YAMLNode?
        var merged: [YAMLNode.Pair] = []
        /// Expanded size of the collection so far (see `YAMLLimits.aliasExpansionByteFloor`).
        var size = 1
        /// Key index, built once a mapping grows past a few keys (small ones are scanned).
        var keyIndex: Set<String>?

        init(isMapping: Bool, position: TextPosition, anchor: String?, tag: String?) {
            self.isMapping = isMapping
            self.position = position
            self.anchor = anchor
            self.tag = tag
        }

        func containsKey(_ key: String) -> Bool {
            if let keyIndex { return keyIndex.contains(key) }
            return pairs.contains { $0.key.scalar == key }
        }

        func append(_ pair: YAMLNode.Pair) {
            pairs.append(pair)
            if keyIndex != nil, let key = pair.key.scalar {
                keyIndex?.insert(key)
            } else if pairs.count == 16 {
                keyIndex = Set(pairs.compactMap { $0.key.scalar })
            }
        }
    }

    let limits: YAMLLimits
    let lineOffset: Int
    let helmSources: HelmSourceIndex
    var stack: [Frame] = []
    var anchors: [String: YAMLNode] = [:]
    /// Expanded size of each anchored node, for its aliases.
    var anchorSizes: [String: Int] = [:]
    /// Expanded size of the current document so far.
    var documentSize = 0
    var writtenNodes = 0
    var documentStart = TextPosition(line: 1, column: 1)
    var documentRoot: YAMLNode?
    var previousDocumentEnd = 0

    init(limits: YAMLLimits, lineOffset: Int, helmSources: HelmSourceIndex) {
        self.limits = limits
        self.lineOffset = lineOffset
        self.helmSources = helmSources
        self.previousDocumentEnd = lineOffset
    }

    func position(_ mark: yaml_mark_t) -> TextPosition {
        TextPosition(line: Int(mark.line) + 1 + lineOffset, column: Int(mark.column) + 1)
    }

    /// Parses the buffer; returns the first error, after appending every complete document.
    mutating func run(_ buffer: UnsafeBufferPointer<UInt8>, into documents: inout [YAMLDocument],
                      expansion: inout ExpansionBudget) -> YAMLError? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return YAMLError(line: 1 + lineOffset, column: 1, message: "cannot initialise the YAML parser")
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                return parserError(parser, buffer: buffer)
            }
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_DOCUMENT_START_EVENT:
                documentStart = position(event.start_mark)
                documentRoot = nil
                anchors.removeAll(keepingCapacity: true)
                anchorSizes.removeAll(keepingCapacity: true)
                documentSize = 0
                writtenNodes = 0
            case YAML_DOCUMENT_END_EVENT:
                if let root = documentRoot, root.weight > limits.aliasExpansionFloor,
                   root.weight / max(writtenNodes, 1) >= limits.aliasExpansionFactor {
                    return YAMLError(line: documentStart.line, column: documentStart.column,
                                     message: "document expands to more than \(limits.aliasExpansionFloor) nodes through aliases (alias bomb?)")
                }
                let source = helmSources.source(from: previousDocumentEnd + 1,
                                                to: documentRoot?.position.line ?? documentStart.line)
                previousDocumentEnd = max(documentRoot?.position.line ?? documentStart.line, position(event.start_mark).line - 1)
                documents.append(YAMLDocument(root: documentRoot, startLine: documentStart.line, helmSource: source))
                expansion.used = expansion.used.addingSaturating(documentSize)
            case YAML_ALIAS_EVENT:
                let name = cString(event.data.alias.anchor) ?? ""
                guard let target = anchors[name] else {
                    let at = position(event.start_mark)
                    return YAMLError(line: at.line, column: at.column, message: "unknown alias \"*\(name)\"")
                }
                writtenNodes += 1
                // Checked before the alias is attached: merging a large mapping (`<<: *big`) costs
                // work in proportion to its size, and the size is what the budget bounds.
                let size = anchorSizes[name] ?? 1
                documentSize = documentSize.addingSaturating(size)
                if expansion.used.addingSaturating(documentSize) > expansion.limit {
                    let at = position(event.start_mark)
                    return YAMLError(line: at.line, column: at.column,
                                     message: "alias expansion exceeds \(expansion.limit) bytes at alias \"*\(name)\" (alias bomb?)")
                }
                if let error = attach(target, size: size, at: event.start_mark) { return error }
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let value = scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                } ?? ""
                let style: YAMLNode.ScalarStyle
                switch scalar.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: style = .literal
                case YAML_FOLDED_SCALAR_STYLE: style = .folded
                default: style = .plain
                }
                let node = YAMLNode(.scalar(value, style), position: position(event.start_mark),
                                    endPosition: position(event.end_mark),
                                    tag: scalar.plain_implicit == 1 || scalar.quoted_implicit == 1 ? nil : cString(scalar.tag))
                writtenNodes += 1
                let size = scalar.length + 1
                documentSize = documentSize.addingSaturating(size)
                if let anchor = cString(scalar.anchor) {
                    anchors[anchor] = node
                    anchorSizes[anchor] = size
                }
                if let error = attach(node, size: size, at: event.start_mark) { return error }
            case YAML_SEQUENCE_START_EVENT:
                if stack.count >= limits.maxDepth { return depthError(event.start_mark) }
                documentSize = documentSize.addingSaturating(1)
                let start = event.data.sequence_start
                stack.append(Frame(isMapping: false, position: position(event.start_mark),
                                   anchor: cString(start.anchor), tag: start.implicit == 1 ? nil : cString(start.tag)))
            case YAML_MAPPING_START_EVENT:
                if stack.count >= limits.maxDepth { return depthError(event.start_mark) }
                documentSize = documentSize.addingSaturating(1)
                let start = event.data.mapping_start
                stack.append(Frame(isMapping: true, position: position(event.start_mark), anchor: cString(start.anchor),
                                   tag: start.implicit == 1 ? nil : cString(start.tag)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { continue }
                let node: YAMLNode
                if frame.isMapping {
                    for pair in frame.merged {
                        guard let key = pair.key.scalar, !frame.containsKey(key) else { continue }
                        frame.append(pair)
                    }
                    node = YAMLNode(.mapping(frame.pairs), position: frame.position, endPosition: position(event.end_mark), tag: frame.tag)
                } else {
                    node = YAMLNode(.sequence(frame.items), position: frame.position, endPosition: position(event.end_mark), tag: frame.tag)
                }
                let anchor = frame.anchor
                writtenNodes += 1
                if let anchor {
                    anchors[anchor] = node
                    anchorSizes[anchor] = frame.size
                }
                if let error = attach(node, size: frame.size, at: event.start_mark) { return error }
            default:
                continue
            }
        }
    }

    /// Adds a finished node of expanded size `size` to the open collection (or makes it the
    /// document root).
    mutating func attach(_ node: YAMLNode, size: Int, at mark: yaml_mark_t) -> YAMLError? {
        guard let frame = stack.last else {
            documentRoot = node
            return nil
        }
        frame.size = frame.size.addingSaturating(size)
        guard frame.isMapping else {
            frame.items.append(node)
            return nil
        }
        guard let key = frame.pendingKey else {
            frame.pendingKey = node
            return nil
        }
        frame.pendingKey = nil
        if key.scalar == "<<", key.scalarStyle == .plain, key.tag == nil {
            // YAML 1.1 merge key: explicit keys win, earlier merge sources win over later ones.
            for source in node.isMapping ? [node] : node.items {
                frame.merged.append(contentsOf: source.pairs ?? [])
            }
            return nil
        }
        if let name = key.scalar, limits.rejectDuplicateKeys, frame.containsKey(name) {
            let first = frame.pairs.first { $0.key.scalar == name }?.key.position.line ?? key.position.line
            return YAMLError(line: key.position.line, column: key.position.column,
                             message: "duplicate key \"\(name)\" (first defined at line \(first))")
        }
        frame.append(YAMLNode.Pair(key: key, value: node))
        return nil
    }

    func depthError(_ mark: yaml_mark_t) -> YAMLError {
        let at = position(mark)
        return YAMLError(line: at.line, column: at.column, message: "nesting deeper than \(limits.maxDepth) levels")
    }

    func parserError(_ parser: yaml_parser_t, buffer: UnsafeBufferPointer<UInt8>) -> YAMLError {
        let mark = parser.problem_mark
        let line = Int(mark.line) + 1 + lineOffset
        let column = Int(mark.column) + 1
        let problem = cString(parser.problem) ?? "invalid YAML"
        if problem.contains("nesting level") {
            return YAMLError(line: line, column: column, message: "nesting deeper than the YAML parser allows")
        }
        if parser.error == YAML_READER_ERROR {
            // Reader errors carry a byte offset, not a mark: count the lines up to it.
            let offset = min(Int(parser.problem_offset), buffer.count)
            var readerLine = 1 + lineOffset
            var lineStart = 0
            for index in 0..<offset where buffer[index] == UInt8(ascii: "\n") {
                readerLine += 1
                lineStart = index + 1
            }
            return YAMLError(line: readerLine, column: offset - lineStart + 1,
                             message: "\(problem) at byte offset \(offset); is this a binary or non-UTF-8 file?")
        }
        var message = problem
        if let context = cString(parser.context) {
            let start = parser.context_mark
            message += " \(context)"
            if start.line != mark.line || start.column != mark.column {
                message += " (started at line \(Int(start.line) + 1 + lineOffset), column \(Int(start.column) + 1))"
            }
        }
        return YAMLError(line: line, column: column, message: message)
    }

    func cString(_ pointer: UnsafePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    func cString(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}

fileprivate extension Int {
    /// `self + other`, or `Int.max` when that overflows.
    func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
