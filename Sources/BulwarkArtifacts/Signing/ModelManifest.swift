import Crypto

/// One file of a signed model: its POSIX path relative to the model directory and the SHA-256 of
/// its whole content. The OpenSSF model-signing format calls it a resource (`files` serialization).
public struct ModelResource: Sendable, Hashable {
    public var name: String
    public var digest: [UInt8]

    public init(name: String, digest: [UInt8]) {
        self.name = name
        self.digest = digest
    }

    public var digestHex: String { Hex.encode(digest) }
}

/// What a model signature covers: the model's name (its directory's last component, informative
/// only) and every file with its digest, in the reference's order.
///
/// The order matters twice: the statement lists resources in it, and the subject's digest is the
/// SHA-256 of the resources' raw digests concatenated in it. The reference sorts `PurePosixPath`
/// keys, which Python compares component by component (`a/b` before `a.txt`, although `.` sorts
/// before `/` in the string), and compares components by code point, which for UTF-8 is byte order.
public struct ModelManifest: Sendable, Hashable {
    public var modelName: String
    public private(set) var resources: [ModelResource]

    /// Sorts `resources` into the reference's order.
    public init(modelName: String, resources: [ModelResource]) {
        self.modelName = modelName
        self.resources = resources.sorted { Self.pathPrecedes($0.name, $1.name) }
    }

    /// Keeps `resources` in the order given (as read from a signature, where that order was signed).
    init(modelName: String, signedOrder resources: [ModelResource]) {
        self.modelName = modelName
        self.resources = resources
    }

    /// SHA-256 over the concatenated raw digests, in resource order: the statement's subject digest.
    public var rootDigest: [UInt8] {
        var hasher = SHA256()
        for resource in resources { hasher.update(data: resource.digest) }
        return Array(hasher.finalize())
    }

    /// `PurePosixPath.__lt__`: the lists of components, each compared by UTF-8 bytes.
    public static func pathPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        let right = rhs.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        for (a, b) in zip(left, right) where !a.elementsEqual(b) {
            return a.lexicographicallyPrecedes(b)
        }
        return left.count < right.count
    }

    /// How the files on disk differ from this (signed) manifest, by name.
    public func difference(from actual: ModelManifest) -> ModelDifference {
        var expected: [String: [UInt8]] = [:]
        for resource in resources { expected[resource.name] = resource.digest }
        var seen: Set<String> = []
        var difference = ModelDifference()
        for resource in actual.resources {
            seen.insert(resource.name)
            switch expected[resource.name] {
            case nil: difference.added.append(resource.name)
            case let digest? where digest != resource.digest: difference.changed.append(resource.name)
            default: break
            }
        }
        difference.removed = resources.map(\.name).filter { !seen.contains($0) }
        difference.added.sort(by: Self.pathPrecedes)
        difference.removed.sort(by: Self.pathPrecedes)
        difference.changed.sort(by: Self.pathPrecedes)
        return difference
    }
}

/// Files that differ between a signature and the model directory. A renamed file is one removed
/// and one added.
public struct ModelDifference: Sendable, Hashable {
    /// On disk, not in the signature.
    public var added: [String] = []
    /// In the signature, not on disk.
    public var removed: [String] = []
    /// In both, with other content.
    public var changed: [String] = []

    public init(added: [String] = [], removed: [String] = [], changed: [String] = []) {
        self.added = added
        self.removed = removed
        self.changed = changed
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
}

/// Lower-case hexadecimal, as the reference writes digests.
enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Either case, as Python's `bytes.fromhex` (without its tolerance for spaces); nil when not hex.
    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = value(chars[index]), let low = value(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
