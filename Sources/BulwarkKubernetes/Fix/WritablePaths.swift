import BulwarkCore

/// Paths that images are known to write at run time, which need a volume once the root
/// filesystem is read-only. Deliberately short: a path missing here makes the workload fail
/// loudly at start; a wrong guess would hide image content under an empty directory.
enum WritablePaths {
    /// `/tmp` for every container, plus what the image is known to write.
    static func paths(for container: ContainerView) -> [String] {
        var paths = ["/tmp"]
        guard let image = container.image else { return paths }
        let last = ServingImage(image).lastComponent
        // The official nginx image writes its caches and pid file there (nginx-unprivileged uses /tmp).
        if last == "nginx" || last == "openresty" {
            paths += ["/var/cache/nginx", "/var/run"]
        }
        // Text Generation Inference keeps the hub cache in /data (HF_HOME=/data in the image).
        if ModelServer.defaultKind(ofImage: image) == .textGenerationInference {
            paths.append("/data")
        }
        return paths
    }

    /// Model servers that download from the Hugging Face hub into `~/.cache` (root's home is
    /// `/root`; an unknown UID's is `/`, read-only after the fix).
    static func usesHomeCache(_ container: ContainerView) -> Bool {
        guard let image = container.image else { return false }
        let last = ServingImage(image).lastComponent
        return ModelServer.defaultKind(ofImage: image) == .vllm || last.contains("sglang")
    }

    /// Whether a path lies on one of the mounts.
    static func isCovered(_ path: String, by mounts: [String]) -> Bool {
        mounts.contains { mount in
            let base = mount.hasSuffix("/") && mount.count > 1 ? String(mount.dropLast()) : mount
            return path == base || base == "/" || path.hasPrefix(base + "/")
        }
    }

    /// `tmp` for `/tmp`, `var-cache-nginx` for `/var/cache/nginx` (a DNS-1123 label).
    static func volumeName(for path: String) -> String {
        let name = label(path.split(separator: "/").joined(separator: "-"))
        return name.isEmpty ? "scratch" : name
    }

    /// Lower-case letters, digits and `-`, at most 63 characters, no `-` at either end.
    static func label(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasPrefix("-") { out.removeFirst() }
        if out.count > 63 { out = String(out.prefix(63)) }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}
