import BulwarkCore
import Foundation

/// A command of a container that downloads files (`wget`, `curl -o`, `gsutil cp`, `aws s3 cp`,
/// `huggingface-cli download` …), read from the words of one invocation
/// (`ContainerCommandLine.invocations`, so `sh -c` scripts are split into their commands).
struct ModelDownload: Sendable {
    /// `wget`, `aws s3 cp`, `huggingface-cli download`.
    let tool: String
    /// The URL or repository it fetches, when one is written.
    let source: String?
    /// The word naming the program: where a finding lands.
    let word: CommandWord
    /// Absolute paths on the command line (where it writes, among others); empty when it writes
    /// to a relative path or to a default directory.
    let paths: [String]
    /// Pinned to content: `--revision` with a 40-hex commit for the Hugging Face CLI, a
    /// `@sha256:` reference for `oras pull`.
    let isPinned: Bool

    /// `wget https://…` / `huggingface-cli download org/model`, for messages.
    var summary: String { source.map { "\(tool) \(Self.redacted($0))" } ?? tool }

    /// A URL as a message may show it: without user information (`user:token@`), query or
    /// fragment, where presigned URLs and tokens live.
    static func redacted(_ url: String) -> String {
        var text = Substring(url)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        if let scheme = text.range(of: "://") {
            let authorityEnd = text[scheme.upperBound...].firstIndex(of: "/") ?? text.endIndex
            if let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@") {
                text = text[..<scheme.upperBound] + text[text.index(after: at)...]
            }
        }
        return String(text)
    }

    /// Whether it may write into a directory mounted at one of `mountPaths`: an absolute path
    /// on its command line lies there, or it names none (a relative path or a default directory,
    /// which Bulwark cannot place, so it may).
    func mayWrite(into mountPaths: [String]) -> Bool {
        if paths.isEmpty { return true }
        return paths.contains { path in
            mountPaths.contains { mount in
                let base = mount.hasSuffix("/") && mount.count > 1 ? String(mount.dropLast()) : mount
                return ModelVolumes.covers(base, path)
            }
        }
    }

    /// Options whose absolute-path value is read, not written (certificates, configuration).
    static let inputOptions: Set<String> = [
        "--cacert", "--capath", "--cert", "--key", "--config", "-K", "--ca-certificate", "--certificate", "--private-key",
        "--ca-directory", "--load-cookies", "--netrc-file", "--ca-bundle", "--token-file", "--credentials-file",
    ]

    /// Recognises a download in one invocation; `extracts` says whether the same container unpacks
    /// an archive (`curl URL | tar -x -C /models` writes through a pipe).
    static func recognize(_ words: [CommandWord], extracts: Bool) -> ModelDownload? {
        var start = ContainerCommandLine.programIndex(words)
        // `sudo CMD`, `timeout [-s SIG] 600 CMD`: the command they run.
        while start < words.count, ["sudo", "timeout"].contains(words[start].basename) {
            start += 1
            while start < words.count, words[start].text.hasPrefix("-") || words[start].text.first?.isNumber == true { start += 1 }
        }
        guard start < words.count else { return nil }
        let programWord = words[start]
        let rest = words[(start + 1)...].map(\.text)
        let positionals = rest.filter { !$0.hasPrefix("-") }
        let tool: String
        var pinned = false
        var source = rest.first { $0.contains("://") }
        switch programWord.basename {
        case "wget":
            guard !rest.contains("--spider") else { return nil }
            tool = "wget"
        case "curl":
            let writes = rest.contains { word in
                ["--output", "--remote-name", "--remote-name-all", "--output-dir"].contains(word.split(separator: "=").first.map(String.init) ?? word)
                    || (word.hasPrefix("-") && !word.hasPrefix("--") && (word.contains("o") || word.contains("O")))
            }
            guard writes || extracts else { return nil }
            tool = "curl"
        case "gsutil":
            guard let verb = positionals.first, ["cp", "rsync", "mv"].contains(verb) else { return nil }
            tool = "gsutil \(verb)"
        case "gcloud":
            guard let verb = verb(after: "storage", in: positionals, among: ["cp", "rsync"]) else { return nil }
            tool = "gcloud storage \(verb)"
        case "aws":
            // Global options may take values (`--region eu-west-1`): find `s3` and the word after it.
            guard let verb = verb(after: "s3", in: positionals, among: ["cp", "sync", "mv"]) else { return nil }
            tool = "aws s3 \(verb)"
        case "s5cmd", "azcopy", "rclone", "mc":
            let verbs: Set<String> = ["cp", "copy", "sync", "copyto", "copyurl", "mirror"]
            guard let verb = positionals.first(where: verbs.contains) else { return nil }
            tool = "\(programWord.basename) \(verb)"
        case "huggingface-cli", "hf":
            guard positionals.first == "download" else { return nil }
            tool = "\(programWord.basename) download"
            source = source ?? positionals.dropFirst().first
            pinned = ServerFlags(words: Array(words[(start + 1)...])).option("--revision")?.value.map(isCommit) ?? false
        case "oras":
            guard positionals.first == "pull" else { return nil }
            tool = "oras pull"
            source = positionals.dropFirst().first
            pinned = source.map(hasDigest) ?? false
        default:
            if ModelServer.isPython(programWord.basename) { return recognizePython(words, program: start) }
            return nil
        }
        var paths: [String] = []
        var previous = ""
        for word in rest {
            defer { previous = word }
            guard !inputOptions.contains(previous), word != source else { continue }
            if let path = ModelVolumes.absolutePath(word) {
                paths.append(path)
            } else if let equals = word.firstIndex(of: "="), word.hasPrefix("-"),
                      !inputOptions.contains(String(word[..<equals])),
                      let path = ModelVolumes.absolutePath(String(word[word.index(after: equals)...])) {
                paths.append(path)
            } else if word.hasPrefix("-"), !word.hasPrefix("--"), word.count > 2,
                      let slash = word.firstIndex(of: "/"), word.index(word.startIndex, offsetBy: 2) == slash {
                paths.append(String(word[slash...]))  // `-O/models/x`, `-P/models`
            }
        }
        return ModelDownload(tool: tool, source: source, word: programWord, paths: paths, isPinned: pinned)
    }

    /// `python -c "from huggingface_hub import snapshot_download; snapshot_download(…)"` (also
    /// `hf_hub_download`): pinned by a `revision="<40-hex commit>"` argument; the paths are the
    /// absolute paths quoted in the code (`local_dir="/models"`).
    static func recognizePython(_ words: [CommandWord], program: Int) -> ModelDownload? {
        guard let flag = words[(program + 1)...].firstIndex(where: { $0.text == "-c" }), flag + 1 < words.count else { return nil }
        let code = words[flag + 1].text
        guard let function = ["snapshot_download", "hf_hub_download"].first(where: { code.contains($0 + "(") }) else { return nil }
        let literals = code.split(whereSeparator: { $0 == "\"" || $0 == "'" }).map(String.init)
        var pinned = false
        var repository: String?
        for (index, literal) in literals.enumerated() {
            guard index > 0 else { continue }
            let before = literals[index - 1].filter { !$0.isWhitespace }
            if before.hasSuffix("revision="), isCommit(literal) { pinned = true }
            if repository == nil, before.hasSuffix("repo_id=") || before.hasSuffix(function + "(") { repository = literal }
        }
        let paths = literals.compactMap { $0.contains(" ") ? nil : ModelVolumes.absolutePath($0) }
        return ModelDownload(tool: "python \(function)", source: repository, word: words[program], paths: paths, isPinned: pinned)
    }

    /// The word after `group` among the positional words when it is one of `verbs` (`s3` `cp`).
    private static func verb(after group: String, in positionals: [String], among verbs: Set<String>) -> String? {
        guard let index = positionals.firstIndex(of: group), index + 1 < positionals.count, verbs.contains(positionals[index + 1]) else { return nil }
        return positionals[index + 1]
    }

    /// Whether an invocation unpacks an archive (`tar -x`, `unzip`, `gunzip`, `zstd -d`).
    static func isExtraction(_ words: [CommandWord]) -> Bool {
        let start = ContainerCommandLine.programIndex(words)
        guard start < words.count else { return false }
        return ["tar", "unzip", "gunzip", "zstd", "xz", "bsdtar"].contains(words[start].basename)
    }

    /// Whether an invocation checks a digest or a signature: `sha256sum -c` (also sha384sum,
    /// sha512sum, b2sum, b3sum, `shasum -a 256 -c`; not md5sum or sha1sum), `bulwark model verify`,
    /// `model_signing verify` (also `python -m model_signing verify`), `cosign verify…`,
    /// `gpg --verify`, `gpgv`, `notation verify`, `sigstore verify`, `openssl dgst -verify`.
    static func isVerification(_ words: [CommandWord]) -> Bool {
        let start = ContainerCommandLine.programIndex(words)
        guard start < words.count else { return false }
        let names = words[start...].map { $0.basename.lowercased() }
        guard let program = names.first else { return false }
        let rest = names.dropFirst()
        if ["sha256sum", "sha384sum", "sha512sum", "b2sum", "b3sum", "shasum"].contains(program) {
            return rest.contains { $0 == "--check" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("c")) }
        }
        if program == "gpgv" { return true }
        if program == "gpg" { return rest.contains("--verify") }
        if program == "openssl" { return rest.contains { $0 == "-verify" || $0 == "-verifyrecover" } }
        for (index, name) in names.enumerated() where index + 1 < names.count {
            let next = names[index + 1]
            switch name {
            case "model_signing", "model-signing", "notation", "sigstore":
                if next == "verify" { return true }
            case "cosign":
                if next.hasPrefix("verify") { return true }
            case "bulwark":
                if next == "model", index + 2 < names.count, names[index + 2] == "verify" { return true }
            default:
                break
            }
        }
        return false
    }

    /// A full 40-hex commit id (what pins a Hugging Face revision; branch and tag names move).
    static func isCommit(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { ASCII.isHexDigit($0) }
    }

    /// An OCI reference pinned by digest (`…@sha256:<64 hex>`, `@sha512:<128 hex>`).
    static func hasDigest(_ reference: String) -> Bool {
        guard let at = reference.lastIndex(of: "@") else { return false }
        let digest = reference[reference.index(after: at)...]
        for (algorithm, length) in [("sha256:", 64), ("sha512:", 128)] where digest.hasPrefix(algorithm) {
            let hex = digest.dropFirst(algorithm.count)
            return hex.utf8.count == length && hex.utf8.allSatisfy { ASCII.isHexDigit($0) }
        }
        return false
    }

    /// Why a KServe `storageUri` (or `STORAGE_URI`) names content that can change under the same
    /// URI; nil when it is pinned or not judged here.
    ///
    /// Only two schemes can carry a content pin: `oci://` (a modelcar image by `@sha256:` digest,
    /// which the kubelet checks) and `hf://ORG/MODEL:REVISION` (KServe's syntax; `@` is accepted
    /// too) with a 40-hex commit, which names an immutable Git tree. `s3://`, `gs://`, Azure
    /// Blob/File/Data Lake URLs, `pvc://`, `hdfs://` and `webhdfs://` name a path whose objects
    /// anyone with write access replaces (object versions and generations are not part of KServe's
    /// URI syntax). Plain `http(s)://` URLs on other hosts are left to
    /// `serving/kserve-storage-uri-insecure`; local paths and templates are not judged.
    static func unpinnedStorageURI(_ uri: String) -> String? {
        let trimmed = uri.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        guard let schemeEnd = lower.range(of: "://") else { return nil }
        let scheme = String(lower[..<schemeEnd.lowerBound])
        let rest = trimmed[schemeEnd.upperBound...]
        switch scheme {
        case "oci":
            return hasDigest(String(rest)) ? nil : "an OCI reference by tag, which anyone who can push to the repository can move"
        case "hf":
            let revision = rest.lastIndex { $0 == ":" || $0 == "@" }.map { String(rest[rest.index(after: $0)...]) }
            if let revision, isCommit(revision) { return nil }
            return revision.map { "a Hugging Face revision \"\($0)\" that is not a commit id, so the repository's owners can change it" }
                ?? "a Hugging Face repository without a revision, whose main branch its owners can change"
        case "s3", "gs", "pvc", "hdfs", "webhdfs":
            return "a \(scheme):// path, which carries no digest: whoever can write there replaces the model"
        case "https":
            let host = lower[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != ":" }
            let azure = [".blob.core.windows.net", ".dfs.core.windows.net", ".file.core.windows.net"]
            guard azure.contains(where: host.hasSuffix) else { return nil }
            return "an Azure storage path, which carries no digest: whoever can write there replaces the model"
        default:
            return nil
        }
    }
}
