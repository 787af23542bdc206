import Foundation
import Glibc
import SwiftProtobuf

/// What the ONNX rules need from a model (`onnx.proto`'s `ModelProto`, decoded with the generated
/// `Onnx_ModelProto`, which stays internal): every tensor stored outside the file (its
/// `external_data` location) and every operator from a domain that needs a custom-op library.
///
/// ONNX has no magic number, so a file is taken as ONNX only when its first bytes walk as a
/// `ModelProto` (`looksLikeONNX`) and then decode as one with a graph. Tensors are found wherever
/// the format allows them: graph initializers (dense and sparse), node attributes (single, lists,
/// sparse), subgraphs of attributes (`If`, `Loop`, `Scan` bodies), functions and training graphs.
public struct ONNXModel: Sendable {
    /// Tensors whose bytes live in one external file.
    public struct ExternalData: Sendable, Hashable {
        public let location: String
        /// The tensors that name it, with where each sits (`initializer "w"`, `attribute "value" of node "c"` …).
        public internal(set) var tensors: [String]
        /// Where the location string is in the file (its first occurrence).
        public let offset: Int
        /// The location with symbolic links resolved, when the model is a file on disk and the
        /// location exists (`resolveLinks(modelPath:)`).
        public internal(set) var resolved: String?
        /// The model's directory with links resolved, the root `resolved` must stay in.
        public internal(set) var directory: String?

        /// How the location leaves the model's directory, or nil when it stays inside: an absolute
        /// path (POSIX, or Windows drive and UNC, which onnx also refuses), `..` segments that climb
        /// above the directory (either separator), or a symbolic link whose target is outside.
        public var escape: String? {
            let characters = Array(location)
            if location.hasPrefix("/") || location.hasPrefix("\\") || (characters.count >= 2 && characters[1] == ":" && characters[0].isLetter) {
                return "is an absolute path"
            }
            var depth = 0
            for segment in location.split(whereSeparator: { $0 == "/" || $0 == "\\" }) {
                if segment == ".." {
                    depth -= 1
                    if depth < 0 { return "climbs out of the model's directory with '..'" }
                } else if segment != "." {
                    depth += 1
                }
            }
            if let resolved, let directory, resolved != directory, !resolved.hasPrefix(directory == "/" ? "/" : directory + "/") {
                return "resolves through a symbolic link to \(resolved), outside the model's directory \(directory)"
            }
            return nil
        }
    }

    /// Nodes that run an operator from a domain outside the standard ones.
    public struct CustomOperator: Sendable, Hashable {
        public let domain: String
        public let opType: String
        /// The first node that uses it (its name, or its place when unnamed).
        public let firstNode: String
        public internal(set) var nodes: Int
        /// Where the operator's name is in the file (its first occurrence).
        public let offset: Int
    }

    public internal(set) var irVersion: Int64 = 0
    public internal(set) var externalData: [ExternalData] = []
    public internal(set) var customOperators: [CustomOperator] = []

    /// Operator domains whose operators any ONNX runtime ships: the ONNX standard sets, and
    /// onnxruntime's built-in contrib operators (`com.microsoft`, its `nchwc` layout ops), which are
    /// compiled into onnxruntime rather than loaded from a custom-op library.
    public static let standardDomains: Set<String> = [
        "", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training", "com.microsoft", "com.microsoft.nchwc",
    ]

    /// Models from this size on are decoded without the `raw_data` of their initializers.
    static let stripThreshold = 16 << 20

    /// Protobuf messages cannot exceed 2 GiB; a larger "ONNX" file is not decoded.
    static let decodeLimit = Int(Int32.max)

    /// ModelProto's field numbers and wire types (0 varint, 2 length-delimited) in onnx.proto.
    static let modelFields: [UInt64: UInt64] = [1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2, 26: 2]

    /// GraphProto's field numbers (all length-delimited) in onnx.proto.
    static let graphFields: Set<UInt64> = [1, 2, 5, 10, 11, 12, 13, 14, 15, 16]

    /// Whether the first bytes walk as a `ModelProto`: field 1 (`ir_version`, a small varint)
    /// first, then only ModelProto fields with their wire types and lengths that fit, up to the
    /// `graph` (field 7), whose own first fields (as far as the bytes go) are GraphProto fields
    /// that fit in it. Other formats and random bytes fail within a few bytes.
    static func looksLikeONNX(_ head: some RandomAccessCollection<UInt8>) -> Bool {
        let bytes = Array(head.prefix(4096))
        guard bytes.first == 0x08 else { return false }
        var position = 1
        func varint() -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                guard position < bytes.count else { return nil }
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << UInt64(shift)
                if byte & 0x80 == 0 { return value }
            }
            return nil
        }
        guard let version = varint(), (1...100).contains(version) else { return false }
        while position < bytes.count {
            guard let tag = varint(), let wireType = modelFields[tag >> 3], tag & 7 == wireType else { return false }
            if wireType == 0 {
                guard varint() != nil else { return false }
                continue
            }
            guard let length = varint() else { return false }
            if tag >> 3 == 7 {
                // The graph: at least one field, each a GraphProto field that fits in the graph.
                // A length near 2^64 is no graph (and must not overflow the end; found by FuzzModel).
                guard length >= 2, length <= UInt64(Int32.max) else { return false }
                let graphEnd = UInt64(position) + length
                var fields = 0
                while position < bytes.count, UInt64(position) < graphEnd {
                    // Bytes that end inside a tag or a length end the walk, not the claim.
                    guard let tag = varint(), let size = varint() else { return fields > 0 }
                    guard tag & 7 == 2, graphFields.contains(tag >> 3), UInt64(position) <= graphEnd, size <= graphEnd - UInt64(position)
                    else { return false }
                    fields += 1
                    position += Int(min(size, UInt64(bytes.count - position)))
                }
                return fields > 0
            }
            guard length <= UInt64(bytes.count - position) else { return false }
            position += Int(length)
        }
        return false
    }

    /// Decodes `bytes`; a failure is a note (the message names why).
    static func read(_ bytes: ModelBytes) -> Result<ONNXModel, ONNXProblem> {
        guard bytes.count <= decodeLimit else {
            return .failure(ONNXProblem(message: "ONNX model of \(bytes.count) bytes is larger than a protobuf message may be (2 GiB); not decoded"))
        }
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = 64
        let proto: Onnx_ModelProto
        do {
            if bytes.count >= stripThreshold, let stripped = WeightStripper.strip(bytes) {
                // The decoder copies every bytes field: decode the model without its weights.
                proto = try Onnx_ModelProto(serializedBytes: stripped, partial: true, options: options)
            } else {
                proto = try withExtendedLifetime(bytes.storage) {
                guard let base = bytes.storage.base.baseAddress, bytes.count > 0 else { return Onnx_ModelProto() }
                // A window onto the array or the mapping, not a copy of it.
                let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base + bytes.origin), count: bytes.count, deallocator: .none)
                return try Onnx_ModelProto(serializedBytes: data, partial: true, options: options)
                }
            }
        } catch {
            return .failure(ONNXProblem(message: "ONNX model cannot be decoded: \(error)"))
        }
        guard proto.hasGraph else { return .failure(ONNXProblem(message: "ONNX model has no graph")) }
        var model = ONNXModel()
        model.irVersion = proto.irVersion
        var walker = Walker(bytes: bytes, functions: Set(proto.functions.map { "\($0.domain)\u{0}\($0.name)" }))
        walker.graph(proto.graph, context: "main graph")
        for function in proto.functions {
            for node in function.node { walker.node(node, context: "function \"\(function.name)\"") }
        }
        for (index, training) in proto.trainingInfo.enumerated() {
            if training.hasInitialization { walker.graph(training.initialization, context: "training_info[\(index)] initialization") }
            if training.hasAlgorithm { walker.graph(training.algorithm, context: "training_info[\(index)] algorithm") }
        }
        model.externalData = walker.externalData
        model.customOperators = walker.customOperators
        return .success(model)
    }

    /// Decodes a whole serialized model (tests compare what stripping keeps).
    static func decodeProto(_ bytes: [UInt8]) throws -> Onnx_ModelProto {
        try Onnx_ModelProto(serializedBytes: bytes, partial: true)
    }

    /// Resolves each relative external-data location against the model's directory, following
    /// symbolic links, so a rule can tell a link that leaves the directory. Only for models read
    /// from a path; locations that do not exist stay unresolved.
    public mutating func resolveLinks(modelPath: String) {
        let directory = modelPath.contains("/") ? String(modelPath[..<(modelPath.lastIndex(of: "/") ?? modelPath.endIndex)]) : "."
        guard let root = Self.realPath(directory.isEmpty ? "/" : directory) else { return }
        for index in externalData.indices where !externalData[index].location.hasPrefix("/") {
            externalData[index].directory = root
            externalData[index].resolved = Self.realPath(directory + "/" + externalData[index].location)
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The file offset of the first length-delimited field holding `text` (its first byte), or 0.
    static func offset(of text: String, in bytes: ModelBytes) -> Int {
        let utf8 = Array(text.utf8)
        var prefix: [UInt8] = []
        var length = UInt64(utf8.count)
        repeat {
            prefix.append(UInt8(length & 0x7F) | (length > 0x7F ? 0x80 : 0))
            length >>= 7
        } while length > 0
        guard !utf8.isEmpty, let found = bytes.firstIndex(of: prefix + utf8, from: 0) else { return 0 }
        return found + prefix.count
    }

    /// Collects external data and custom operators over graphs, nodes, attributes and tensors.
    struct Walker {
        let bytes: ModelBytes
        /// Model-local functions (`domain\0name`): calling one needs no library.
        let functions: Set<String>
        var externalData: [ExternalData] = []
        var customOperators: [CustomOperator] = []

        mutating func graph(_ graph: Onnx_GraphProto, context: String) {
            let place = graph.name.isEmpty ? context : "\(context) \"\(graph.name)\""
            for tensor in graph.initializer { self.tensor(tensor, context: "initializer \"\(tensor.name)\" of \(place)") }
            for sparse in graph.sparseInitializer {
                tensor(sparse.values, context: "sparse initializer \"\(sparse.values.name)\" of \(place)")
                tensor(sparse.indices, context: "sparse initializer indices \"\(sparse.indices.name)\" of \(place)")
            }
            for node in graph.node { self.node(node, context: place) }
        }

        mutating func node(_ node: Onnx_NodeProto, context: String) {
            let name = node.name.isEmpty ? "\(node.opType) node in \(context)" : "node \"\(node.name)\" in \(context)"
            if !ONNXModel.standardDomains.contains(node.domain), !functions.contains("\(node.domain)\u{0}\(node.opType)") {
                if let index = customOperators.firstIndex(where: { $0.domain == node.domain && $0.opType == node.opType }) {
                    customOperators[index].nodes += 1
                } else {
                    customOperators.append(CustomOperator(domain: node.domain, opType: node.opType, firstNode: name, nodes: 1,
                                                          offset: ONNXModel.offset(of: node.opType, in: bytes)))
                }
            }
            for attribute in node.attribute {
                let place = "attribute \"\(attribute.name)\" of \(name)"
                if attribute.hasT { tensor(attribute.t, context: place) }
                for tensor in attribute.tensors { self.tensor(tensor, context: place) }
                if attribute.hasSparseTensor {
                    tensor(attribute.sparseTensor.values, context: place)
                    tensor(attribute.sparseTensor.indices, context: place)
                }
                for sparse in attribute.sparseTensors {
                    tensor(sparse.values, context: place)
                    tensor(sparse.indices, context: place)
                }
                if attribute.hasG { graph(attribute.g, context: "subgraph of \(place)") }
                for graph in attribute.graphs { self.graph(graph, context: "subgraph of \(place)") }
            }
        }

        mutating func tensor(_ tensor: Onnx_TensorProto, context: String) {
            for entry in tensor.externalData where entry.key == "location" {
                if let index = externalData.firstIndex(where: { $0.location == entry.value }) {
                    externalData[index].tensors.append(context)
                } else {
                    externalData.append(ExternalData(location: entry.value, tensors: [context],
                                                     offset: ONNXModel.offset(of: entry.value, in: bytes)))
                }
            }
        }
    }
}

/// A copy of a serialized `ModelProto` without the weights of its graph's initializers (the
/// `raw_data` of `GraphProto.initializer` and of sparse initializers' `values`/`indices`), with the
/// lengths of the enclosing messages rewritten: what the rules read (names, external data, nodes)
/// stays, so a model with gigabytes of embedded weights decodes in megabytes. Nil when the bytes
/// do not walk as protobuf; the full decode then says why.
enum WeightStripper {
    static func strip(_ bytes: ModelBytes) -> [UInt8]? {
        var output: [UInt8] = []
        return copy(bytes, 0..<bytes.count, into: &output, keep: { field, _ in
            // ModelProto.graph
            field == 7 ? .graph : .copy
        }) ? output : nil
    }

    enum Action {
        case copy, drop, graph, tensor, sparse
    }

    /// Copies the fields of the message in `range`, rewriting the nested messages `keep` names.
    static func copy(_ bytes: ModelBytes, _ range: Range<Int>, into output: inout [UInt8],
                     keep: (UInt64, UInt64) -> Action) -> Bool {
        var position = range.lowerBound
        func varint() -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                guard position < range.upperBound else { return nil }
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << UInt64(shift)
                if byte & 0x80 == 0 { return value }
            }
            return nil
        }
        while position < range.upperBound {
            let start = position
            guard let tag = varint() else { return false }
            let wireType = tag & 7
            switch wireType {
            case 0:
                guard varint() != nil else { return false }
            case 1, 5:
                let size = wireType == 1 ? 8 : 4
                guard size <= range.upperBound - position else { return false }
                position += size
            case 2:
                guard let length = varint(), length <= UInt64(range.upperBound - position) else { return false }
                let body = position..<position + Int(length)
                position = body.upperBound
                let action = keep(tag >> 3, wireType)
                guard action != .copy else { break }
                if action == .drop { continue }
                var inner: [UInt8] = []
                let ok = switch action {
                case .graph: copy(bytes, body, into: &inner) { field, _ in field == 5 ? .tensor : field == 15 ? .sparse : .copy }
                case .sparse: copy(bytes, body, into: &inner) { field, _ in field == 1 || field == 2 ? .tensor : .copy }
                default: copy(bytes, body, into: &inner) { field, _ in field == 9 ? .drop : .copy }
                }
                guard ok else { return false }
                append(varint: tag, to: &output)
                append(varint: UInt64(inner.count), to: &output)
                output += inner
                continue
            default:
                return false
            }
            output += bytes.array(start..<position)
        }
        return true
    }

    static func append(varint value: UInt64, to output: inout [UInt8]) {
        var value = value
        repeat {
            output.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
            value >>= 7
        } while value > 0
    }
}

/// Why an ONNX model could not be read.
struct ONNXProblem: Error {
    let message: String
}
