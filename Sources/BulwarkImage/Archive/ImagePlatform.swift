/// An image platform as `--platform` and OCI image indexes name it: `os/architecture[/variant]`
/// (OCI image spec "Image Index" § platform; `linux/arm64/v8`).
public struct ImagePlatform: Sendable, Hashable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?

    /// nil unless the text is `os/architecture` or `os/architecture/variant`, each part non-empty.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else { return nil }
        self.init(os: parts[0].lowercased(), architecture: parts[1].lowercased(), variant: parts.count == 3 ? parts[2].lowercased() : nil)
    }

    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `linux/amd64`, what `bulwark image` reads unless told otherwise.
    public static let standard = ImagePlatform(os: "linux", architecture: "amd64")

    public var description: String {
        variant.map { "\(os)/\(architecture)/\($0)" } ?? "\(os)/\(architecture)"
    }

    /// Whether an image for `other` serves a request for `self`. The variant counts only when both
    /// name one, except that arm64's default variant is v8 and arm's is v7 (as containerd's matcher
    /// normalises them).
    public func accepts(_ other: ImagePlatform) -> Bool {
        guard os == other.os, architecture == other.architecture else { return false }
        guard let wanted = normalizedVariant, let offered = other.normalizedVariant else { return true }
        return wanted == offered
    }

    private var normalizedVariant: String? {
        if let variant { return variant }
        switch architecture {
        case "arm64": return "v8"
        default: return nil
        }
    }
}
