/// What a model file holds, judged by its content, never by its name: the pickle programs in it
/// (a raw pickle, several in a row, the legacy PyTorch format, or `.pkl` members of a zip such as a
/// PyTorch checkpoint, nested zips included), with where each one sits.
public struct ModelArtifact: Sendable {
    public enum Format: String, Sendable {
        case pickle
        case legacyPyTorch = "legacy-pytorch"
        /// PyTorch's tar format (before 0.4): members `sys_info`, `pickle`, `storages`, `tensors`.
        case legacyPyTorchTar = "legacy-pytorch-tar"
        case zip
        /// A NumPy `.npy` array; with an object dtype its data is a pickle.
        case numpy
        /// A pickle inside a compression (`joblib.dump(…, compress=…)`); `compression` says which.
        case compressedPickle = "compressed-pickle"
        /// A TorchScript archive (`torch.jit.save`): a zip with `code/`, `constants.pkl`, `data.pkl`.
        case torchScript = "torchscript"
        /// A Keras v3 `.keras` archive (`config.json`, `metadata.json`, `model.weights.h5`).
        case keras
        /// A legacy Keras/TensorFlow `.h5` model: an HDF5 file whose root group has `model_config`.
        case kerasH5 = "keras-h5"
        /// A safetensors file: a JSON header and tensor bytes, no code.
        case safetensors
        /// A GGUF file (llama.cpp, ollama): typed metadata, a Jinja chat template, tensors.
        case gguf
        /// An ONNX `ModelProto` (protobuf, no magic: recognised by its first fields).
        case onnx
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
    /// The compression around the whole file, when there is one.
    public var compression: Compression?
    /// A Keras archive's model config (`config.json`), when the file is one.
    public var keras: KerasConfig?
    /// A TorchScript archive's code and the file operators it calls.
    public var torchScript: TorchScriptCode?
    public var programs: [Program] = []
    /// What could not be analysed, or was odd about the container.
    public var notes: [String] = []
    /// Whether the bytes are a model at all: false for a zip without any member a model loader
    /// reads (a jar, a document), which the model domain then counts as unrecognised.
    public var isModel: Bool { format != .unknown && (format != .zip || modelMembers > 0) }
    /// Zip members read as (or skipped as unreadable) model content.
    public var modelMembers = 0
    /// The header of a safetensors file, with what is wrong in it.
    public var safetensors: SafetensorsHeader?
    /// The header of a GGUF file, with what is wrong in it.
    public var gguf: GGUFFile?
    /// What the ONNX rules need from an ONNX model: external data and custom operators.
    public var onnx: ONNXModel?

    /// The magic number `torch.save` wrote before PyTorch 1.6, as the first pickle of the file
    /// (`LONG1` of 0x1950a86a20f9469cfc6c, little-endian), behind `PROTO 2`.
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    /// `\x93NUMPY`, the magic of the `.npy` format.
    static let numpyMagic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Zips inside zips are followed this deep.
    static let nestingLimit = 3

    /// A zip inside a compressed member is decompressed whole (a zip is read from its end) up to
    /// this size; a larger one is a note.
    static let nestedArchiveLimit = 256 << 20

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
        } else if LegacyTar.looksLikeTar(bytes.prefix(512)) {
            let (members, tarNotes) = LegacyTar.members(of: bytes)
            // A tar is a PyTorch checkpoint when it has torch's members; other tars are not models.
            if members.contains(where: { LegacyTar.torchMembers.contains($0.name) }) {
                format = .legacyPyTorchTar
                notes += tarNotes.map { "\(prefix.map { "\($0): " } ?? "")\($0)" }
                for member in members {
                    let name = [prefix, member.name].compactMap { $0 }.joined(separator: "!")
                    let data = bytes.slice(member.dataOffset..<member.dataOffset + member.size)
                    let interleaved = member.name == "storages" || member.name == "tensors"
                    guard LegacyTar.torchMembers.contains(member.name) || PickleAnalyzer.Machine.looksLikePickle(data.array(0..<256)) else { continue }
                    var source = PickleBytes(data)
                    programs.append(Program(member: name, offset: base + member.dataOffset,
                                            program: analyzer.analyze(&source, pickles: interleaved ? 1 : nil)))
                    if interleaved {
                        notes.append("\(name): only the first pickle (the count) is followed; the pickles after it are interleaved with raw storage bytes and are not read")
                    }
                }
            }
        } else if LenientZip.isZip(bytes.prefix(4)) {
            format = .zip
            let zip = LenientZip(bytes)
            notes += zip.notes
            var analysed: Set<Int> = []
            var kerasConfig: LenientZip.Member?
            var kerasMarker = false
            for member in zip.members where analysed.insert(member.headerOffset).inserted {
                let name = [prefix, member.name].compactMap { $0 }.joined(separator: "!")
                let names = [member.name] + (member.centralName.map { [$0] } ?? [])
                let data = LenientZip.data(of: member, in: bytes)
                if names.contains(where: { Self.isTorchScriptMember($0) }) { format = .torchScript }
                if names.contains(where: { TorchScriptCode.isCode($0) }) {
                    readTorchScriptCode(member, in: bytes, name: name, base: base)
                    continue
                }
                if member.name == "config.json" { kerasConfig = member }
                if member.name == "metadata.json" || member.name.hasPrefix("model.weights.") { kerasMarker = true }
                let compression = Compression.ofZipMethod(member.method)
                if compression == nil, member.method != .stored {
                    if names.contains(where: { $0.hasSuffix(".pkl") || $0.hasSuffix(".npy") }) {
                        modelMembers += 1
                        notes.append("\(name): compressed member (method \(member.method)) is not analysed")
                    }
                    continue
                }
                // The first bytes decide what the member is; for a compressed one, its first decompressed bytes.
                let head = compression.map { DecompressedStream.prefix(data, compression: $0, count: 64 << 10) } ?? data.array(0..<min(data.count, 64 << 10))
                let looksLikePickle = head.first == PickleOpcode.proto.rawValue
                let nestedFile = LenientZip.isZip(head.prefix(4)) || head.starts(with: Self.numpyMagic)
                guard names.contains(where: { $0.hasSuffix(".pkl") || $0.hasSuffix(".npy") }) || looksLikePickle || nestedFile else { continue }
                modelMembers += 1
                if let compression {
                    analyseCompressedMember(data, compression: compression, head: head, name: name, nestedFile: nestedFile,
                                            analyzer: analyzer, depth: depth, base: base + member.dataOffset)
                    continue
                }
                if nestedFile, depth < Self.nestingLimit {
                    let nested = ModelArtifact(bytes: data, analyzer: analyzer, depth: depth + 1, prefix: name,
                                               base: base + member.dataOffset)
                    programs += nested.programs
                    notes += nested.notes
                    mergeFormats(of: nested)
                    continue
                }
                var source = PickleBytes(data)
                programs.append(Program(member: name, offset: base + member.dataOffset, program: analyzer.analyze(&source)))
            }
            if let kerasConfig, kerasMarker {
                readKerasConfig(kerasConfig, in: bytes, prefix: prefix, base: base)
            }
        } else if bytes.starts(with: HDF5Attributes.signature) {
            // Legacy Keras: the config is the root group's `model_config` attribute. An HDF5 file
            // without one is data, not a model (format stays unknown).
            let attributes = HDF5Attributes(bytes)
            if let config = attributes.strings["model_config"] {
                format = .kerasH5
                notes += attributes.notes.map { "\(prefix.map { "\($0): " } ?? "")\($0)" }
                switch KerasConfig.parse(config.value, base: base + config.offset, member: prefix) {
                case .failure(let problem): notes.append(problem.message)
                case .success(let parsed): keras = parsed
                }
            } else if !attributes.notes.isEmpty {
                // The config may be where this reader cannot look: say so rather than pass the file.
                format = .kerasH5
                notes += attributes.notes.map { "\(prefix.map { "\($0): " } ?? "")\($0); no model_config attribute was found" }
            }
        } else if let compression = Compression.ofFile(bytes.prefix(6)),
                  PickleAnalyzer.Machine.looksLikePickle(DecompressedStream.prefix(bytes, compression: compression, count: 256)) {
            // joblib.dump(…, compress=…): the whole file is one compressed stream holding the pickle.
            format = .compressedPickle
            self.compression = compression
            let label = [prefix, "[\(compression.rawValue)]"].compactMap { $0 }.joined(separator: " ")
            analyseStream(DecompressedStream(bytes, compression: compression, limit: analyzer.decompressedLimit),
                          label: label, analyzer: analyzer, skipping: 0)
        } else if GGUFFile.looksLikeGGUF(bytes.slice(0..<8)) {
            format = .gguf
            gguf = GGUFFile.read(bytes)
        } else if SafetensorsHeader.looksLikeSafetensors(bytes.slice(0..<64)) {
            format = .safetensors
            safetensors = SafetensorsHeader.read(bytes)
        } else if ONNXModel.looksLikeONNX(bytes.slice(0..<4096)) {
            format = .onnx
            switch ONNXModel.read(bytes) {
            case .success(let model): onnx = model
            case .failure(let problem): notes.append("\(prefix.map { "\($0): " } ?? "")\(problem.message)")
            }
        } else if PickleAnalyzer.Machine.looksLikePickle(bytes.array(0..<256)) {
            format = .pickle
            var source = PickleBytes(bytes)
            programs.append(Program(member: prefix, offset: base, program: analyzer.analyze(&source)))
        }
    }
}

extension ModelArtifact {
    /// Whether a zip member's name is one `torch.jit.save` writes and `torch.save` does not.
    static func isTorchScriptMember(_ name: String) -> Bool {
        name.hasSuffix("/constants.pkl") || name == "constants.pkl" || name.contains("/code/__torch__")
            || name.hasPrefix("code/__torch__")
    }

    /// What a nested archive's format readers found (a `.keras` or TorchScript archive inside a zip)
    /// joins this file's, so the rules see it; the nested member is named in each object's `member`.
    mutating func mergeFormats(of nested: ModelArtifact) {
        if let config = nested.keras { keras = KerasConfig(objects: (keras?.objects ?? []) + config.objects) }
        if let code = nested.torchScript {
            var merged = torchScript ?? TorchScriptCode()
            merged.calls += code.calls
            merged.files += code.files
            torchScript = merged
        }
        modelMembers += nested.format == .keras || nested.format == .torchScript || nested.format == .kerasH5 ? 1 : 0
    }

    /// Reads a TorchScript `code/…py` member (stored, as `torch.jit.save` writes it, or compressed).
    mutating func readTorchScriptCode(_ member: LenientZip.Member, in bytes: ModelBytes, name: String, base: Int) {
        let data = LenientZip.data(of: member, in: bytes)
        var code = torchScript ?? TorchScriptCode()
        defer { torchScript = code }
        let compression = Compression.ofZipMethod(member.method)
        if member.method != .stored && compression == nil {
            notes.append("\(name): compressed member (method \(member.method)) is not analysed")
            return
        }
        guard let compression else {
            guard data.count <= TorchScriptCode.fileLimit else {
                notes.append("\(name): TorchScript code of \(data.count) bytes is not read (limit \(TorchScriptCode.fileLimit))")
                return
            }
            code.scan(data.array(0..<data.count), member: name, base: base + member.dataOffset)
            return
        }
        switch DecompressedStream.all(data, compression: compression, limit: TorchScriptCode.fileLimit) {
        case .failure(let error): notes.append("\(name): TorchScript code is not read: \(error.message)")
        case .success(let text): code.scan(text, member: "\(name) [\(compression.rawValue)]", base: 0)
        }
    }

    /// Reads a `.keras` archive's `config.json` (stored, as Keras writes it, or compressed).
    mutating func readKerasConfig(_ member: LenientZip.Member, in bytes: ModelBytes, prefix: String?, base: Int) {
        format = .keras
        modelMembers += 1
        let data = LenientZip.data(of: member, in: bytes)
        var name = [prefix, member.name].compactMap { $0 }.joined(separator: "!")
        var text: [UInt8]
        var offset = base + member.dataOffset
        switch member.method {
        case .stored:
            guard data.count <= Self.kerasConfigLimit else {
                notes.append("\(name): a Keras config of \(data.count) bytes is not read (limit \(Self.kerasConfigLimit))")
                return
            }
            text = data.array(0..<data.count)
        default:
            guard let compression = Compression.ofZipMethod(member.method) else {
                notes.append("\(name): compressed member (method \(member.method)) is not analysed")
                return
            }
            switch DecompressedStream.all(data, compression: compression, limit: Self.kerasConfigLimit) {
            case .failure(let error):
                notes.append("\(name): the Keras config is not read: \(error.message)")
                return
            case .success(let decompressed):
                text = decompressed
                name += " [\(compression.rawValue)]"
                offset = 0
            }
        }
        switch KerasConfig.parse(text, base: offset, member: name) {
        case .failure(let problem): notes.append(problem.message)
        case .success(let config): keras = config
        }
    }

    /// A Keras config larger than this is not read (real ones are kilobytes to a few megabytes).
    static let kerasConfigLimit = 64 << 20

    /// A compressed zip member (method 8, 12 or 14): a pickle is followed through a decompressing
    /// stream; a `.npy` array's header is read from its first bytes and, for an object array, its
    /// pickle streamed after it; a nested zip must be random-accessed, so it is decompressed whole,
    /// up to `nestedArchiveLimit`. Findings in it name the member with its compression in brackets
    /// (`archive/data.pkl [deflate]`), and their offsets are positions in the decompressed bytes.
    mutating func analyseCompressedMember(_ data: ModelBytes, compression: Compression, head: [UInt8], name: String, nestedFile: Bool,
                                          analyzer: PickleAnalyzer, depth: Int, base: Int) {
        let label = "\(name) [\(compression.rawValue)]"
        if LenientZip.isZip(head.prefix(4)) {
            guard depth < Self.nestingLimit else { return }
            switch DecompressedStream.all(data, compression: compression, limit: Self.nestedArchiveLimit) {
            case .failure(let error):
                notes.append("\(label): the nested archive is not analysed: \(error.message)")
            case .success(let bytes):
                let nested = ModelArtifact(bytes: ModelBytes(bytes), analyzer: analyzer, depth: depth + 1, prefix: label, base: 0)
                programs += nested.programs
                notes += nested.notes
                mergeFormats(of: nested)
            }
            return
        }
        if head.starts(with: Self.numpyMagic) {
            switch NumpyHeader.parse(ModelBytes(head)) {
            case .failure(let problem):
                notes.append("\(label): \(problem.message)")
            case .success(let header) where header.holdsObjects:
                analyseStream(DecompressedStream(data, compression: compression, limit: analyzer.decompressedLimit),
                              label: label, analyzer: analyzer, skipping: header.dataOffset)
            case .success:
                break
            }
            return
        }
        analyseStream(DecompressedStream(data, compression: compression, limit: analyzer.decompressedLimit),
                      label: label, analyzer: analyzer, skipping: 0)
    }

    /// Analyses the pickle in a decompressing stream after `skipping` bytes; a stream that broke
    /// off or hit the output limit is a note naming the reason.
    mutating func analyseStream(_ stream: DecompressedStream, label: String, analyzer: PickleAnalyzer, skipping: Int) {
        var source = stream
        if skipping > 0 && !source.skip(skipping) {
            notes.append("\(label): the data ends inside the NumPy header")
            return
        }
        programs.append(Program(member: label, offset: 0, program: analyzer.analyze(&source)))
        if let failure = stream.failure {
            notes.append("\(label): decompression stopped at decompressed offset \(stream.offset): \(failure)")
        }
        if stream.exceededLimit {
            notes.append("\(label): decompresses to more than \(stream.limit) bytes (a decompression bomb?); only the first \(stream.limit) were analysed")
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
