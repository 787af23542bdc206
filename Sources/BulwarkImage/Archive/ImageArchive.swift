import BulwarkCore

/// Reads container images from disk, offline: OCI image layout directories, `oci-archive` tars
/// and `docker save` tars (the old layout of `<id>/layer.tar`, `<id>.json` and `manifest.json`, and
/// Docker 25's, which is an OCI layout plus `manifest.json`).
public enum ImageArchive {
    /// Whether the first bytes of a file are an image tar (oci-archive or docker save, old and new
    /// layouts): a tar header whose checksum holds and whose first member is one an image tar starts
    /// with (`oci-layout`, `index.json`, `manifest.json`, `repositories`, `blobs/…`, or docker's
    /// `<64 hex>/…`, `<64 hex>.json` and skopeo's `<64 hex>.tar`).
    public static func looksLikeImageArchive(_ head: ArraySlice<UInt8>) -> Bool {
        var offset = head.startIndex
        // A PAX header may come first: look at the entry after it when the head holds it.
        for _ in 0..<2 {
            guard head.endIndex - offset >= TarHeader.blockSize else { return false }
            let block = Array(head[offset..<offset + TarHeader.blockSize])
            guard case .success(let header) = TarHeader.parse(block) else { return false }
            if header.typeflag == UInt8(ascii: "x") || header.typeflag == UInt8(ascii: "g") {
                offset += TarHeader.blockSize + header.size + LayerWalker.padding(header.size)
                continue
            }
            return isImageMemberName(header.name)
        }
        return false
    }

    static func isImageMemberName(_ name: String) -> Bool {
        var name = Substring(name)
        while name.hasPrefix("./") { name = name.dropFirst(2) }
        if ["oci-layout", "index.json", "manifest.json", "repositories", "blobs", "blobs/"].contains(name) { return true }
        if name.hasPrefix("blobs/") { return true }
        let hex = name.prefix { ($0 >= "0" && $0 <= "9") || ($0 >= "a" && $0 <= "f") }
        guard hex.count == 64 else { return false }
        let rest = name.dropFirst(64)
        // skopeo's docker-archive names layers `<diff_id hex>.tar`.
        return rest.isEmpty || rest.hasPrefix("/") || rest == ".json" || rest == ".tar"
    }

    /// Whether a path is an OCI image layout's `oci-layout` marker file.
    public static func isLayoutMarker(_ path: String) -> Bool {
        LayerPath.base(path) == "oci-layout"
    }

    /// Reads one image: `path` is an OCI layout directory (or its `oci-layout` file), an
    /// oci-archive tar or a docker-save tar. Layers are walked in parallel and merged in order;
    /// the manifest, config and every layer are checked against their digests.
    public static func read(path: String, platform: ImagePlatform, interests: [any LayerFileInterest],
                            limits: LayerLimits = .standard) -> ImageReading {
        var reader = ImageReader(path: path, platform: platform, interests: interests, limits: limits)
        return reader.read()
    }
}

/// One image read: the source opened, the platform chosen, the layers walked and merged.
struct ImageReader {
    /// The largest index, manifest or config read (OCI distribution lets registries refuse
    /// manifests over 4 MiB; configs with long histories stay far below this).
    static let documentLimit = 16 << 20
    /// How deep image indexes may nest (an index of indexes of manifests is 2).
    static let nestingLimit = 8

    let path: String
    let platform: ImagePlatform
    let interests: [any LayerFileInterest]
    let limits: LayerLimits
    var errors: [InputError] = []
    var warnings: [InputWarning] = []

    init(path: String, platform: ImagePlatform, interests: [any LayerFileInterest], limits: LayerLimits) {
        self.path = path
        self.platform = platform
        self.interests = interests
        self.limits = limits
    }

    /// A layer to walk: its name in the manifest, where its blob is, and the digest to check it by.
    struct LayerJob: Sendable {
        var index: Int
        var digest: String
        var blobName: String
        var expected: BlobDigest?
        /// What `expected` is (`the manifest's digest`, `the config's diff_id`), for the error.
        var expectedMeaning: String
        var declaredSize: Int?
    }

    /// The image chosen for the platform, before its layers are read.
    struct ChosenImage {
        var manifestDigest = ""
        var configDigest = ""
        var config = ImageConfig()
        var references: [String] = []
        var platform: String
        var layers: [LayerJob] = []
    }

    mutating func error(_ message: String) { errors.append(InputError(file: path, message: message)) }
    mutating func warning(_ message: String) { warnings.append(InputWarning(file: path, message: message)) }

    mutating func read() -> ImageReading {
        guard let source = open() else { return ImageReading(model: nil, errors: errors, warnings: warnings) }
        let chosen: ChosenImage?
        if source.contains("index.json") {
            chosen = readLayout(source)
        } else if source.contains("manifest.json") {
            chosen = readDockerSave(source, references: [])
        } else {
            error("not an image: neither index.json (OCI layout) nor manifest.json (docker save) is there")
            chosen = nil
        }
        guard let chosen else { return ImageReading(model: nil, errors: errors, warnings: warnings) }
        return walk(chosen, source: source)
    }

    /// The directory or the mapped, indexed tar.
    private mutating func open() -> ImageSource? {
        var directory = path
        if ImageArchive.isLayoutMarker(path) {
            directory = LayerPath.parent(path).isEmpty ? "." : LayerPath.parent(path)
            if path.hasPrefix("/") && LayerPath.parent(path).isEmpty { directory = "/" }
        }
        if case .success(.directory) = FileKind.of(directory) {
            if !ImageSource.directory(directory).contains("oci-layout") {
                warning("the directory has no oci-layout file; read as an OCI image layout anyway")
            }
            return .directory(directory)
        }
        switch InputFile.open(path, named: true) {
        case .failure(let failure):
            errors.append(failure)
            return nil
        case .success(let file):
            switch file.readOrMap(limit: ByteLimit(bytes: InputFile.mapThreshold)) {
            case .failure(let failure):
                errors.append(failure)
                return nil
            case .success(let contents):
                let bytes = BlobBytes(contents)
                let compressed = bytes.withBytes { LayerCompression.of(UnsafeRawBufferPointer(rebasing: $0.prefix(4))) }
                if compressed != .none {
                    error("the image archive is \(compressed.rawValue)-compressed; decompress it first (docker save and skopeo write plain tars)")
                    return nil
                }
                switch TarArchiveIndex.build(bytes) {
                case .failure(let failure):
                    error("not an image archive: \(failure.message)")
                    return nil
                case .success(let index):
                    return .archive(index)
                }
            }
        }
    }

    // MARK: OCI layout (directories, oci-archive, docker save from Docker 25)

    private mutating func readLayout(_ source: ImageSource) -> ChosenImage? {
        guard let index = document(source, name: "index.json", what: "index.json") else { return nil }
        var candidates: [Candidate] = []
        collect(index, source: source, parents: [], depth: 0, into: &candidates)
        // Docker 25's manifest.json names the tags (RepoTags) of the manifests it lists.
        var dockerTags: [String: [String]] = [:]
        if source.contains("manifest.json"), case .success(let bytes) = source.file("manifest.json"), bytes.count <= Self.documentLimit,
           case .success(let json) = ImageJSON.parse(bytes.array) {
            for entry in json.array {
                guard let config = entry["Config"].string else { continue }
                dockerTags[String(LayerPath.base(config)), default: []] += entry["RepoTags"].strings ?? []
            }
        }
        guard !candidates.isEmpty else {
            error("index.json lists no image manifest")
            return nil
        }
        // Candidates without a platform in their descriptor are judged by their config.
        var resolved: [(Candidate, ImagePlatform?, ImageJSON, [UInt8])] = []
        for candidate in candidates {
            guard let manifest = blobDocument(source, descriptor: candidate.descriptor, what: "manifest") else { continue }
            var platform = candidate.descriptor.platform
            var configJSON = ImageJSON(nil)
            if let configDescriptor = ImageDescriptor(manifest["config"]) {
                if platform == nil, let config = blobDocument(source, descriptor: configDescriptor, what: "config") {
                    configJSON = config
                    platform = ImageConfig(json: config).platform
                }
            }
            resolved.append((candidate, platform, configJSON, []))
            _ = manifest
        }
        let matching = resolved.filter { $0.1.map(platform.accepts) ?? true }
        guard let first = matching.first else {
            let present = Set(resolved.compactMap { $0.1?.description }).sorted()
            error("the image has no \(platform) platform; platforms present: \(present.joined(separator: ", "))")
            return nil
        }
        let distinct = Set(matching.map { $0.0.descriptor.digest })
        if distinct.count > 1 {
            warning("the image holds \(distinct.count) manifests for \(platform); read the first, \(first.0.descriptor.digest)")
        }
        let chosenDigest = first.0.descriptor.digest
        var references: [String] = []
        for (candidate, _, _, _) in matching where candidate.descriptor.digest == chosenDigest {
            for reference in candidate.references where !references.contains(reference) { references.append(reference) }
        }
        guard let manifest = blobDocument(source, descriptor: first.0.descriptor, what: "manifest", verify: false) else { return nil }
        guard ImageMediaType.isManifest(manifest["mediaType"].string ?? first.0.descriptor.mediaType) || manifest["layers"].isArray else {
            error("the manifest \(chosenDigest) is not an image manifest (schema 2)")
            return nil
        }
        guard let configDescriptor = ImageDescriptor(manifest["config"]),
              let configJSON = blobDocument(source, descriptor: configDescriptor, what: "config") else {
            if ImageDescriptor(manifest["config"]) == nil { error("the manifest \(chosenDigest) names no config") }
            return nil
        }
        let config = ImageConfig(json: configJSON)
        for tag in dockerTags[String(LayerPath.base(BlobDigest(configDescriptor.digest)?.layoutPath ?? ""))] ?? []
        where !references.contains(tag) {
            references.append(tag)
        }
        var chosen = ChosenImage(manifestDigest: chosenDigest, configDigest: configDescriptor.digest, config: config,
                                 references: references, platform: (first.1 ?? config.platform ?? platform).description)
        for (position, layer) in manifest["layers"].array.enumerated() {
            guard let descriptor = ImageDescriptor(layer) else {
                error("layer \(position) of the manifest \(chosenDigest) has no digest")
                continue
            }
            let digest = BlobDigest(descriptor.digest)
            if digest == nil { error("layer \(position) has a digest that cannot be checked: \"\(descriptor.digest)\"") }
            chosen.layers.append(LayerJob(index: position, digest: descriptor.digest, blobName: digest?.layoutPath ?? descriptor.digest,
                                          expected: digest, expectedMeaning: "the manifest's digest", declaredSize: descriptor.size))
        }
        return chosen
    }

    /// An image manifest an index leads to, with the references its descriptors carry.
    struct Candidate {
        var descriptor: ImageDescriptor
        var references: [String]
    }

    /// Image manifests of an index, nested indexes followed (OCI "Image Index"; docker manifest lists).
    private mutating func collect(_ index: ImageJSON, source: ImageSource, parents: [String], depth: Int, into candidates: inout [Candidate]) {
        guard depth < Self.nestingLimit else {
            error("image indexes nest more than \(Self.nestingLimit) deep; the deeper ones were not read")
            return
        }
        for entry in index["manifests"].array {
            guard let descriptor = ImageDescriptor(entry) else {
                error("an index entry has no digest")
                continue
            }
            var references = parents
            for key in ["io.containerd.image.name", "org.opencontainers.image.ref.name"] {
                if let name = descriptor.annotations[key], !references.contains(name) { references.append(name) }
            }
            // Build attestations (buildx: platform unknown/unknown) are not images.
            if descriptor.annotations["vnd.docker.reference.type"] == "attestation-manifest" || descriptor.platform?.os == "unknown" { continue }
            if ImageMediaType.isIndex(descriptor.mediaType) {
                if let nested = blobDocument(source, descriptor: descriptor, what: "index") {
                    collect(nested, source: source, parents: references, depth: depth + 1, into: &candidates)
                }
            } else if ImageMediaType.isManifest(descriptor.mediaType) || descriptor.mediaType == nil {
                candidates.append(Candidate(descriptor: descriptor, references: references))
            } else {
                warning("an index entry of media type \(descriptor.mediaType ?? "") is not an image; not read")
            }
        }
    }

    /// A JSON file of the image that is not content-addressed (`index.json`, `manifest.json`).
    private mutating func document(_ source: ImageSource, name: String, what: String) -> ImageJSON? {
        switch source.file(name) {
        case .failure(let message):
            error("\(what): \(message)")
            return nil
        case .success(let bytes):
            guard bytes.count <= Self.documentLimit else {
                error("\(what) is \(bytes.count) bytes, over the \(Self.documentLimit)-byte limit for image documents")
                return nil
            }
            switch ImageJSON.parse(bytes.array) {
            case .failure(let message):
                error("\(what): \(message)")
                return nil
            case .success(let json): return json
            }
        }
    }

    /// A JSON blob named by a descriptor, its digest and size checked (a mismatch is an error naming
    /// the blob; the blob is still read, so its findings are not lost).
    private mutating func blobDocument(_ source: ImageSource, descriptor: ImageDescriptor, what: String, verify: Bool = true) -> ImageJSON? {
        guard let digest = BlobDigest(descriptor.digest) else {
            error("the \(what) digest \"\(descriptor.digest)\" is not a sha256 or sha512 digest")
            return nil
        }
        switch source.file(digest.layoutPath) {
        case .failure(let message):
            error("the \(what) blob \(descriptor.digest) cannot be read: \(message)")
            return nil
        case .success(let bytes):
            guard bytes.count <= Self.documentLimit else {
                error("the \(what) blob \(descriptor.digest) is \(bytes.count) bytes, over the \(Self.documentLimit)-byte limit")
                return nil
            }
            if verify {
                let actual = bytes.withBytes { BlobDigest.of($0, algorithm: digest.algorithm) }
                if actual != digest {
                    error("the \(what) blob \(descriptor.digest) does not match its digest (its content hashes to \(actual))")
                }
                if let size = descriptor.size, size != bytes.count {
                    error("the \(what) blob \(descriptor.digest) is \(bytes.count) bytes; its descriptor says \(size)")
                }
            }
            switch ImageJSON.parse(bytes.array) {
            case .failure(let message):
                error("the \(what) blob \(descriptor.digest): \(message)")
                return nil
            case .success(let json): return json
            }
        }
    }

    // MARK: docker save, old layout

    private mutating func readDockerSave(_ source: ImageSource, references: [String]) -> ChosenImage? {
        guard let manifest = document(source, name: "manifest.json", what: "manifest.json") else { return nil }
        guard manifest.isArray, !manifest.array.isEmpty else {
            error("manifest.json lists no image")
            return nil
        }
        var present: [String] = []
        for entry in manifest.array {
            guard let configName = entry["Config"].string else {
                error("a manifest.json entry names no Config")
                continue
            }
            let configBytes: BlobBytes
            switch source.file(configName) {
            case .failure(let message):
                error("the config \(configName): \(message)")
                continue
            case .success(let bytes): configBytes = bytes
            }
            guard configBytes.count <= Self.documentLimit, case .success(let json) = ImageJSON.parse(configBytes.array) else {
                error("the config \(configName) is not JSON (or over \(Self.documentLimit) bytes)")
                continue
            }
            let config = ImageConfig(json: json)
            if let declared = config.platform, !platform.accepts(declared) {
                present.append(declared.description)
                continue
            }
            let configDigest = configBytes.withBytes { BlobDigest.of($0) }
            // The old layout names the config by its digest's hex (`<hex>.json`); Docker 25's by its blob path.
            if let named = Self.digestNamed(configName), named != configDigest {
                error("the config blob \(configName) does not match its digest (its content hashes to \(configDigest))")
            }
            var chosen = ChosenImage(manifestDigest: "", configDigest: configDigest.description, config: config,
                                     references: references + (entry["RepoTags"].strings ?? []),
                                     platform: (config.platform ?? platform).description)
            let layerNames = entry["Layers"].strings ?? []
            if !config.diffIDs.isEmpty && config.diffIDs.count != layerNames.count {
                error("manifest.json lists \(layerNames.count) layers; the config's rootfs.diff_ids lists \(config.diffIDs.count)")
            }
            for (position, name) in layerNames.enumerated() {
                // An uncompressed layer.tar's digest is its diff_id; a blob path names its own digest.
                let named = Self.digestNamed(name)
                let diffID = position < config.diffIDs.count ? BlobDigest(config.diffIDs[position]) : nil
                let expected = named ?? diffID
                chosen.layers.append(LayerJob(index: position, digest: (expected ?? BlobDigest(algorithm: .sha256, encoded: "")).description,
                                              blobName: name, expected: expected,
                                              expectedMeaning: named != nil ? "the digest in its name" : Self.diffIDMeaning,
                                              declaredSize: nil))
            }
            if manifest.array.count > 1 {
                warning("manifest.json lists \(manifest.array.count) images; read the first for \(platform) (\(configName))")
            }
            return chosen
        }
        if !present.isEmpty {
            error("the image has no \(platform) platform; platforms present: \(Set(present).sorted().joined(separator: ", "))")
        }
        return nil
    }

    /// The digest a blob's path names (`blobs/sha256/<hex>`, `<hex>.json`), if it names one.
    static func digestNamed(_ name: String) -> BlobDigest? {
        let parts = name.split(separator: "/")
        if parts.count >= 3, parts[parts.count - 3] == "blobs", let digest = BlobDigest("\(parts[parts.count - 2]):\(parts[parts.count - 1])") {
            return digest
        }
        let base = LayerPath.base(name)
        if base.hasSuffix(".json"), let digest = BlobDigest("sha256:" + base.dropLast(5)) { return digest }
        return nil
    }
}
