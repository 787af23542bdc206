/// How a model rule's example text becomes a model file, one format each: a rule's failing and
/// passing examples are text in the rule's source (`↓` marks where a finding lands), and the example
/// harness turns them into the bytes a user's file would hold. The example's file name picks the
/// format by its extension (`example.pkl`, `example.safetensors`, …).
public protocol ModelExampleFormat: Sendable {
    /// The extension of example file names this format builds (`pkl`, `safetensors`, `keras`, …).
    var fileExtension: String { get }
    /// Lines that can be put before any example of this format without changing its findings, only
    /// moving them (the "after unrelated lines" variant); nil when the format has no such place.
    var unrelatedPrefix: [String]? { get }
    /// The file the text stands for.
    func assemble(_ text: String) throws -> ModelExampleFile
}

/// An example's bytes and where each of its text lines landed.
public struct ModelExampleFile: Sendable {
    public var bytes: [UInt8]
    /// The file offset of each line (numbered from 1) that produced bytes. A finding maps back to
    /// the line at its exact offset, or else the last line that starts before it.
    public var lineOffsets: [Int: Int]

    public init(bytes: [UInt8], lineOffsets: [Int: Int]) {
        self.bytes = bytes
        self.lineOffsets = lineOffsets
    }

    /// The example line a finding at `offset` came from.
    public func line(at offset: Int) -> Int? {
        if let exact = lineOffsets.first(where: { $0.value == offset }) { return exact.key }
        return lineOffsets.filter { $0.value <= offset }.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key
    }
}

/// The formats rule examples can be written in.
public enum ModelExampleFormats {
    public static let all: [any ModelExampleFormat] = [PickleExampleFormat()]

    public static func format(forFileName name: String) -> (any ModelExampleFormat)? {
        let ext = name.split(separator: ".").last.map(String.init) ?? ""
        return all.first { $0.fileExtension == ext }
    }
}

/// Pickle programs in `PickleAssembly` text, one opcode a line.
struct PickleExampleFormat: ModelExampleFormat {
    let fileExtension = "pkl"
    let unrelatedPrefix: [String]? = ["PROTO 2", "NONE", "STOP"]

    func assemble(_ text: String) throws -> ModelExampleFile {
        let (bytes, offsets) = try PickleAssembly.assemble(text)
        return ModelExampleFile(bytes: bytes, lineOffsets: offsets)
    }
}
