import BulwarkArtifacts
import BulwarkCore
import Foundation

/// One OSV record to read: a file, or a member of a zip archive (OSV's per-ecosystem `all.zip`).
struct AdvisoryInput: Sendable {
    enum Origin: Sendable {
        case file(String)
        case zipMember(ModelBytes, LenientZip.Member)
    }

    /// `vulns/flask/PYSEC-2018-66.yaml`, `Debian/all.zip:DSA-5000-1.json`: how errors name it.
    var name: String
    var origin: Origin

    /// Whether a name in a directory or an archive is a record's (`.json`, `.yaml`, `.yml`).
    static func isRecordName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".json") || lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
    }

    /// The record's bytes: the file read whole, or the member decompressed, up to `OSVRecord.sizeLimit`.
    func bytes() -> Result<[UInt8], InputError> {
        switch origin {
        case .file(let path):
            return InputFile.read(path, limit: ByteLimit(bytes: OSVRecord.sizeLimit))
        case .zipMember(let archive, let member):
            let data = LenientZip.data(of: member, in: archive)
            if member.method == .stored {
                guard data.count == member.compressedSize else {
                    return .failure(InputError(file: name, message: "member is truncated (\(data.count) of \(member.compressedSize) bytes)"))
                }
                guard data.count <= OSVRecord.sizeLimit else {
                    return .failure(InputError(file: name, message: "record is larger than \(ByteLimit.describe(bytes: OSVRecord.sizeLimit)); not read"))
                }
                return .success(data.array(0..<data.count))
            }
            guard let compression = Compression.ofZipMethod(Self.methodNumber(member.method)) else {
                return .failure(InputError(file: name, message: "zip compression method \(Self.methodNumber(member.method)) is not supported"))
            }
            switch DecompressedStream.all(data, compression: compression, limit: OSVRecord.sizeLimit) {
            case .success(let bytes): return .success(bytes)
            case .failure(let error): return .failure(InputError(file: name, message: "cannot decompress: \(error.message)"))
            }
        }
    }

    static func methodNumber(_ method: LenientZip.Method) -> UInt16 {
        switch method {
        case .stored: 0
        case .deflated: 8
        case .other(let number): number
        }
    }
}

/// Expands the paths given to an import into record inputs: files as they are, directories walked
/// recursively (sorted, so imports are reproducible), zip archives opened (mapped when large).
struct AdvisoryInputCollector {
    var inputs: [AdvisoryInput] = []
    var failed: [InputError] = []
    var skipped: [String] = []
    /// An archive's central directory can be large; its members are read lazily.
    static let archiveLimit = ByteLimit(bytes: 8 << 30)

    mutating func add(_ path: String) {
        switch FileKind.of(path) {
        case .failure(let error):
            failed.append(InputError(file: path, message: "cannot open: \(error)"))
        case .success(.directory):
            walk(path)
        case .success:
            addFile(path, named: true)
        }
    }

    private mutating func walk(_ directory: String) {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            failed.append(InputError(file: directory, message: "cannot list the directory: \(error.localizedDescription)"))
            return
        }
        for entry in entries {
            let path = directory.hasSuffix("/") ? directory + entry : directory + "/" + entry
            // Links are not followed into directories: a link loop must not make an import endless.
            switch FileKind.ofLink(path) {
            case .failure(let error):
                failed.append(InputError(file: path, message: "cannot examine: \(error)"))
            case .success(.directory):
                walk(path)
            case .success:
                addFile(path, named: false)
            }
        }
    }

    private mutating func addFile(_ path: String, named: Bool) {
        if path.lowercased().hasSuffix(".zip") {
            addArchive(path)
        } else if named || AdvisoryInput.isRecordName(path) {
            inputs.append(AdvisoryInput(name: path, origin: .file(path)))
        } else {
            skipped.append(path)
        }
    }

    private mutating func addArchive(_ path: String) {
        let contents: InputFile.Contents
        switch InputFile.open(path, named: true).flatMap({ $0.readOrMap(limit: Self.archiveLimit) }) {
        case .failure(let error):
            failed.append(error)
            return
        case .success(let read):
            contents = read
        }
        let bytes: ModelBytes
        switch contents {
        case .read(let array): bytes = ModelBytes(array)
        case .mapped(let mapping): bytes = ModelBytes(mapping: mapping)
        }
        guard LenientZip.isZip(bytes.prefix(4)) else {
            failed.append(InputError(file: path, message: "not a zip archive"))
            return
        }
        let zip = LenientZip(bytes)
        for note in zip.notes {
            failed.append(InputError(file: path, message: note))
        }
        for member in zip.members where !member.name.hasSuffix("/") {
            let name = path + ":" + member.name
            if AdvisoryInput.isRecordName(member.name) {
                inputs.append(AdvisoryInput(name: name, origin: .zipMember(bytes, member)))
            } else {
                skipped.append(name)
            }
        }
    }
}
