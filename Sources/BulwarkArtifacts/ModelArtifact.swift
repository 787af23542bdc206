/// What a model file holds, judged by its content, never by its name: the pickle programs in it
/// (a raw pickle, several in a row, the legacy PyTorch format, or `.pkl` members of a zip such as a
/// PyTorch checkpoint, nested zips included), with where each one sits.
public struct ModelArtifact: Sendable {
    public enum Format: String, Sendable {
        case pickle
        case legacyPyTorch = "legacy-pytorch"
        case zip
        case unknown
    }

    /// One pickle program: the zip member that holds it (nil for the file itself) and its offset.
    public struct Program: Sendable {
        public var member: String?
        public var offset: Int
        public var program: PickleProgram
    }

    public var format: Format = .unknown
    public var programs: [Program] = []
    /// What could not be analysed, or was odd about the container.
    public var notes: [String] = []

    /// The magic number `torch.save` wrote before PyTorch 1.6, as the first pickle of the file
    /// (`LONG1` of 0x1950a86a20f9469cfc6c, little-endian), behind `PROTO 2`.
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    /// Zips inside zips are followed this deep.
    static let nestingLimit = 3

    public init(bytes: [UInt8], analyzer: PickleAnalyzer = PickleAnalyzer()) {
        self.init(bytes: bytes, analyzer: analyzer, depth: 0, prefix: nil)
    }

    init(bytes: [UInt8], analyzer: PickleAnalyzer, depth: Int, prefix: String?) {
        if bytes.starts(with: Self.legacyMagic) {
            // magic, protocol version, system info, the object, the storage keys; then raw storage bytes.
            format = .legacyPyTorch
            var source = PickleBytes(bytes)
            programs.append(Program(member: prefix, offset: 0, program: analyzer.analyze(&source, pickles: 5)))
        } else if LenientZip.isZip(bytes.prefix(4)) {
            format = .zip
            let zip = LenientZip(bytes)
            notes += zip.notes
            var analysed: Set<Int> = []
            for member in zip.members where analysed.insert(member.headerOffset).inserted {
                let name = [prefix, member.name].compactMap { $0 }.joined(separator: "!")
                let names = [member.name] + (member.centralName.map { [$0] } ?? [])
                let data = LenientZip.data(of: member, in: bytes)
                let looksLikePickle = data.first == PickleOpcode.proto.rawValue
                guard names.contains(where: { $0.hasSuffix(".pkl") }) || looksLikePickle || LenientZip.isZip(data.prefix(4)) else { continue }
                guard member.method == .stored else {
                    notes.append("\(name): compressed member (method \(member.method)) is not analysed")
                    continue
                }
                if LenientZip.isZip(data.prefix(4)), depth < Self.nestingLimit {
                    let nested = ModelArtifact(bytes: Array(data), analyzer: analyzer, depth: depth + 1, prefix: name)
                    programs += nested.programs
                    notes += nested.notes
                    continue
                }
                var source = PickleBytes(Array(data))
                programs.append(Program(member: name, offset: member.dataOffset, program: analyzer.analyze(&source)))
            }
        } else if PickleAnalyzer.Machine.looksLikePickle(Array(bytes.prefix(256))) {
            format = .pickle
            var source = PickleBytes(bytes)
            programs.append(Program(member: prefix, offset: 0, program: analyzer.analyze(&source)))
        }
    }
}
