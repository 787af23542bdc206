import BulwarkCore

/// A streaming JSON writer with keys in the order they are written, pretty-printed with a two-space
/// indent (`"key": value`, one member per line, `[]` and `{}` for empty containers).
///
/// Everything goes into one growing byte buffer, so a report with tens of thousands of findings is
/// written in linear time. Strings are escaped as `QuotedString` says (RFC 8259 escapes for `"`,
/// `\` and every control character; DEL, C1 controls, U+2028/U+2029 and U+FEFF as `\uXXXX`, so
/// the output is also valid JavaScript and YAML); `/` and other characters are written as UTF-8.
///
/// Misuse (a value where a key is due, unbalanced containers) is a programming error; the writer
/// does not check it beyond what keeps it from crashing.
///
/// `Style.foundation` lays the document out as Foundation's `JSONEncoder` does with
/// `.prettyPrinted` and `.withoutEscapingSlashes` (`"key" : value`, empty containers as `[`, a
/// blank line, `]`), so a format that used to be encoded with it (SARIF) keeps its layout while it
/// streams. Strings are escaped the same way in both styles (`QuotedString`). Key order is the
/// caller's (write them sorted for `.sortedKeys`).
public struct JSONWriter: Sendable {
    public enum Style: Sendable {
        /// `"key": value`, `[]` and `{}`.
        case standard
        /// As `JSONEncoder` with `[.prettyPrinted, .withoutEscapingSlashes]` writes it.
        case foundation
    }

    public private(set) var bytes: [UInt8] = []
    public let style: Style
    /// One entry per open container: whether it has members yet.
    private var hasMembers: [Bool] = []
    /// A key was written and its value is due.
    private var afterKey = false

    /// Where full chunks go when streaming (`flushIfNeeded`); nil = keep everything in `bytes`.
    private let sink: (@Sendable ([UInt8]) -> Void)?
    private let chunkSize: Int

    public init(reservingCapacity capacity: Int = 0, style: Style = .standard) {
        bytes.reserveCapacity(capacity)
        sink = nil
        chunkSize = .max
        self.style = style
    }

    /// A streaming writer: `flushIfNeeded()` hands every `chunkSize` bytes to `sink`, so memory
    /// stays bounded however large the document grows.
    public init(chunkSize: Int = 1 << 20, style: Style = .standard, sink: @escaping @Sendable ([UInt8]) -> Void) {
        bytes.reserveCapacity(chunkSize + 64 * 1024)
        self.sink = sink
        self.chunkSize = chunkSize
        self.style = style
    }

    /// A writer for a run of members inside containers that are already open (`open`: whether each
    /// has members), whose bytes are spliced into the writer that opened them.
    private init(continuing open: [Bool], style: Style) {
        hasMembers = open
        sink = nil
        chunkSize = .max
        self.style = style
    }

    /// Writes `items` as the next members of the innermost open array, byte for byte as writing
    /// them one after another would, encoding batches of them on all cores. Streaming writers hand
    /// full chunks to their sink between rounds, so memory stays bounded.
    public mutating func items<T: Sendable>(_ items: [T], batch: Int = 256, _ write: @escaping @Sendable (T, inout JSONWriter) -> Void) {
        guard !items.isEmpty, !hasMembers.isEmpty, !afterKey else {
            for item in items { write(item, &self) }
            return
        }
        let batches = stride(from: 0, to: items.count, by: batch).map { $0..<min($0 + batch, items.count) }
        let round = 16
        let style = style
        for start in stride(from: 0, to: batches.count, by: round) {
            let open = hasMembers
            let slices = Array(batches[start..<min(start + round, batches.count)])
            let encoded: [[UInt8]] = slices.enumerated().map { ($0.offset, $0.element) }.parallelMap { offset, range in
                var state = open
                if offset > 0 { state[state.count - 1] = true }
                var fragment = JSONWriter(continuing: state, style: style)
                for index in range { write(items[index], &fragment) }
                return fragment.bytes
            }
            for fragment in encoded { bytes += fragment }
            hasMembers[hasMembers.count - 1] = true
            flushIfNeeded()
        }
    }

    /// Passes the buffered bytes to the sink once they reach the chunk size (streaming writers only).
    public mutating func flushIfNeeded() {
        guard let sink, bytes.count >= chunkSize else { return }
        sink(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: Containers

    public mutating func beginObject() {
        prepareValue()
        bytes.append(UInt8(ascii: "{"))
        hasMembers.append(false)
    }

    public mutating func endObject() { close(UInt8(ascii: "}")) }

    public mutating func beginArray() {
        prepareValue()
        bytes.append(UInt8(ascii: "["))
        hasMembers.append(false)
    }

    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes an object member's key; the next call writes its value.
    public mutating func key(_ key: String) {
        newMember()
        appendQuoted(key)
        if style == .foundation { bytes.append(UInt8(ascii: " ")) }
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        afterKey = true
    }

    // MARK: Scalars

    public mutating func string(_ value: String) {
        prepareValue()
        appendQuoted(value)
    }

    public mutating func int(_ value: Int) {
        prepareValue()
        appendASCII(String(value))
    }

    /// Finite numbers as the shortest text that reads back to the same `Double` (`72.5`, `100.0`);
    /// integral values within ±2^53 without a fraction (`3`); NaN and infinities as `null`.
    public mutating func number(_ value: Double) {
        prepareValue()
        appendASCII(JSONValue.numberText(value))
    }

    public mutating func bool(_ value: Bool) {
        prepareValue()
        appendASCII(value ? "true" : "false")
    }

    public mutating func null() {
        prepareValue()
        appendASCII("null")
    }

    /// Writes a `JSONValue` tree, object members in their stored order.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number)
        case .string(let text): string(text)
        case .array(let items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case .object(let members):
            beginObject()
            for (name, member) in members {
                key(name)
                self.value(member)
            }
            endObject()
        }
    }

    // MARK: Conveniences

    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        int(value)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    /// Writes the member only when `value` is not nil.
    public mutating func optionalField(_ name: String, _ value: String?) {
        if let value { field(name, value) }
    }

    public mutating func optionalField(_ name: String, _ value: Int?) {
        if let value { field(name, value) }
    }

    public mutating func stringArray(_ name: String, _ values: [String]) {
        key(name)
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// Ends the document with a newline and hands over the bytes.
    public consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    // MARK: Layout

    private mutating func prepareValue() {
        if afterKey {
            afterKey = false
        } else if !hasMembers.isEmpty {
            newMember()
        }
    }

    private mutating func newMember() {
        guard !hasMembers.isEmpty else { return }
        if hasMembers[hasMembers.count - 1] { bytes.append(UInt8(ascii: ",")) }
        hasMembers[hasMembers.count - 1] = true
        newline(depth: hasMembers.count)
    }

    private mutating func close(_ bracket: UInt8) {
        guard let hadMembers = hasMembers.popLast() else { return }
        if hadMembers {
            newline(depth: hasMembers.count)
        } else if style == .foundation {
            bytes.append(UInt8(ascii: "\n"))
            newline(depth: hasMembers.count)
        }
        bytes.append(bracket)
    }

    private mutating func newline(depth: Int) {
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<(depth * 2) { bytes.append(UInt8(ascii: " ")) }
    }

    private mutating func appendASCII(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// A JSON string with the one escape set of `QuotedString`, in both styles.
    private mutating func appendQuoted(_ text: String) {
        QuotedString.append(text, to: &bytes)
    }
}
