/// What a model file holds, judged by its content, never by its name: the pickle programs in it
/// (a raw pickle, several in a row, the legacy PyTorch format, or `.pkl` members of a zip such as a
/// PyTorch checkpoint, nested zips included), with where each one sits.
public struct ModelArtifact: Sendable {
    public enum Format: String, Sendable {
        case pickle
        case legacyPyTorch = "legacy-pytorch"
        case zip
        /// A NumPy `.npy` array; with an object dtype its data is a pickle.
        case numpy
        case unknown
    }

    /// One pickle program: the zip member that holds it (nil for the file itself) and the offset
    /// of its first byte in the file (offsets inside the program add to it).
    public struct Program: Sendable {
        public var member: String?
        public var offset: Int
        public var program: PickleProgram
    }

    public var format: Format = .unknown
    public var programs: [Program] = []
    /// What could not be analysed, or was odd about the container.
    public var notes: [String] = []
    /// Whether the bytes are a model at all: false for a zip without any member a model loader
    /// reads (a jar, a document), which the model domain then counts as unrecognised.
    public var isModel: Bool { format != .unknown && (format != .zip || modelMembers > 0) }
    /// Zip members read as (or skipped as unreadable) model content.
    public var modelMembers = 0

    /// The magic number `torch.save` wrote before PyTorch 1.6, as the first pickle of the file
    /// (`LONG1` of 0x1950a86a20f9469cfc6c, little-endian), behind `PROTO 2`.
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    /// `\x93NUMPY`, the magic of the `.npy` format.
    static let numpyMagic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Zips inside zips are followed this deep.
    static let nestingLimit = 3

    public init(bytes: [UInt8], analyzer: PickleAnalyzer = PickleAnalyzer()) {
        self.init(bytes: ModelBytes(bytes), analyzer: analyzer)
    }

    public init(bytes: ModelBytes, analyzer: PickleAnalyzer = PickleAnalyzer()) {
        self.init(bytes: bytes, analyzer: analyzer, depth: 0, prefix: nil, base: 0)
    }

    /// Reads `bytes` (a whole file, or a member `prefix` at file offset `base`): each format is
    /// recognised by its content, in this order; the first that matches reads it.
    init(bytes: ModelBytes, analyzer: PickleAnalyzer, depth: Int, prefix: String?, base: Int) {
        if bytes.starts(with: Self.numpyMagic) {
            format = .numpy
            switch NumpyHeader.parse(bytes) {
            case .failure(let problem):
                notes.append("\(prefix.map { "\($0): " } ?? "")\(problem.message)")
            case .success(let header) where header.holdsObjects:
                // np.save writes the array with pickle after the header; np.load(allow_pickle=True) runs it.
                var source = PickleBytes(bytes, range: min(header.dataOffset, bytes.count)..<bytes.count)
                programs.append(Program(member: prefix, offset: base, program: analyzer.analyze(&source)))
            case .success:
                break
            }
        } else if bytes.starts(with: Self.legacyMagic) {
            // magic, protocol version, system info, the object, the storage keys; then raw storage bytes.
            format = .legacyPyTorch
            var source = PickleBytes(bytes)
            programs.append(Program(member: prefix, offset: base, program: analyzer.analyze(&source, pickles: 5)))
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
                let nestedFile = LenientZip.isZip(data.prefix(4)) || data.starts(with: Self.numpyMagic)
                guard names.contains(where: { $0.hasSuffix(".pkl") || $0.hasSuffix(".npy") }) || looksLikePickle || nestedFile else { continue }
                modelMembers += 1
                guard member.method == .stored else {
                    notes.append("\(name): compressed member (method \(member.method)) is not analysed")
                    continue
                }
                if nestedFile, depth < Self.nestingLimit {
                    let nested = ModelArtifact(bytes: data, analyzer: analyzer, depth: depth + 1, prefix: name,
                                               base: base + member.dataOffset)
                    programs += nested.programs
                    notes += nested.notes
                    continue
                }
                var source = PickleBytes(data)
                programs.append(Program(member: name, offset: base + member.dataOffset, program: analyzer.analyze(&source)))
            }
        } else if PickleAnalyzer.Machine.looksLikePickle(bytes.array(0..<256)) {
            format = .pickle
            var source = PickleBytes(bytes)
            programs.append(Program(member: prefix, offset: base, program: analyzer.analyze(&source)))
        }
    }
}

/// The header of a NumPy `.npy` file (format versions 1–3): the magic, the version, the header
/// length (2 bytes in version 1, 4 after), and a Python dict literal whose `descr` gives the dtype.
/// Only what decides whether the data is a pickle is read: an `O` (object) type code anywhere in
/// `descr`, structured dtypes included.
struct NumpyHeader {
    let dataOffset: Int
    let descr: String

    var holdsObjects: Bool {
        // Type strings are like '<f4', '|O', '|b1'; an object field is 'O' (or '|O', 'O8' in old files).
        descr.split(whereSeparator: { "'\"[](), ".contains($0) }).contains { $0 == "O" || $0 == "|O" || $0 == "O8" || $0 == "|O8" }
    }

    static func parse(_ bytes: ModelBytes) -> Result<NumpyHeader, NumpyProblem> {
        guard bytes.count >= 10 else { return .failure(NumpyProblem(message: "NumPy file ends inside its header")) }
        let major = bytes[6]
        let lengthSize = major == 1 ? 2 : 4
        guard major >= 1 && major <= 3, bytes.count >= 8 + lengthSize else {
            return .failure(NumpyProblem(message: "NumPy format version \(major).\(bytes[7]) is not one numpy writes"))
        }
        let length = Int(LittleEndian.value(bytes, at: 8, width: lengthSize))
        let start = 8 + lengthSize
        guard length <= bytes.count - start else { return .failure(NumpyProblem(message: "NumPy header of \(length) bytes runs past the end of the file")) }
        let header = String(decoding: bytes.array(start..<start + length), as: UTF8.self)
        guard let key = header.firstRange(of: "'descr'") else { return .failure(NumpyProblem(message: "NumPy header has no 'descr'")) }
        // The value runs to the next top-level key ('fortran_order' or 'shape').
        let rest = header[key.upperBound...]
        let end = [rest.firstRange(of: "'fortran_order'"), rest.firstRange(of: "'shape'")].compactMap { $0?.lowerBound }.min() ?? rest.endIndex
        return .success(NumpyHeader(dataOffset: start + length, descr: String(rest[..<end])))
    }
}

/// Why a NumPy header could not be read.
struct NumpyProblem: Error {
    let message: String
}
