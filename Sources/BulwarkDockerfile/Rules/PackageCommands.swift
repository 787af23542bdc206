import BulwarkCore

/// A call of an OS or language package manager, read from a simple command.
struct PackageCommand {
    enum Manager: String {
        case aptGet = "apt-get"
        case apt
        case apk
        case yum
        case dnf
        case microdnf
        case tdnf
        case zypper
        case pip
        case conda

        var isRPM: Bool { [.yum, .dnf, .microdnf, .tdnf].contains(self) }
        var isAPT: Bool { self == .aptGet || self == .apt }
    }

    let invocation: ToolInvocation
    let manager: Manager
    /// `install`, `update`, `add` … (normalised: zypper's `in` is `install`, apk's `add` stays `add`).
    let action: String
    let actionWord: ShellWord
    /// The operands after the action: package names (with versions) or files.
    let operands: [ShellWord]

    var command: SimpleCommand { invocation.command }

    /// True for the actions that install packages (apt `install`, apk `add`, pip `install` …).
    var installs: Bool {
        switch manager {
        case .apk: return action == "add"
        case .zypper: return action == "install"
        default: return action == "install" || action == "localinstall" || (action == "create" && manager == .conda)
        }
    }

    /// The package names installed, versions and extras removed, lower-cased; variables skipped.
    var packageNames: [(name: String, word: ShellWord)] {
        guard installs else { return [] }
        return operands.compactMap { word in
            guard !word.hasExpansion || !word.value.hasPrefix("$") else { return nil }
            let name = Self.packageName(word.value, manager: manager)
            return name.isEmpty ? nil : (name, word)
        }
    }

    static func packageName(_ text: String, manager: Manager) -> String {
        var name = Substring(text)
        let stops: Set<Character> = manager == .pip || manager == .conda ? ["=", "<", ">", "!", "~", "[", ";", "@", " "] : ["=", "~", "<", ">"]
        if let stop = name.firstIndex(where: { stops.contains($0) }) { name = name[..<stop] }
        return name.lowercased()
    }

    static let aptValueOptions: Set<String> = ["-o", "-c", "-t", "--target-release", "--default-release", "-a", "--host-architecture", "--option", "--config-file"]
    static let apkValueOptions: Set<String> = ["-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--keys-dir", "-t", "--virtual", "--repositories-file", "--timeout", "--cache-max-age"]
    static let rpmValueOptions: Set<String> = ["-c", "--config", "--installroot", "--releasever", "--enablerepo", "--disablerepo", "--repo", "--repoid", "-x", "--exclude", "-d", "--debuglevel", "-e", "--errorlevel", "--downloaddir", "--destdir", "--forcearch", "--setopt", "--repofrompath", "--comment"]
    static let zypperValueOptions: Set<String> = ["-r", "--repo", "--root", "-R", "--reposd-path", "--cache-dir", "-t", "--type", "-c", "--config", "--from"]
    static let pipValueOptions: Set<String> = [
        "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host",
        "-t", "--target", "--prefix", "--root", "--platform", "--python-version", "--implementation", "--abi", "--only-binary",
        "--no-binary", "--progress-bar", "--src", "--upgrade-strategy", "--cache-dir", "--config-settings", "-C", "--global-option",
        "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert", "--report", "--root-user-action",
        "--python", "--use-feature", "--use-deprecated", "--keyring-provider", "--group",
    ]
    static let condaValueOptions: Set<String> = ["-c", "--channel", "-n", "--name", "-p", "--prefix", "--file"]

    init?(_ command: SimpleCommand) {
        guard let invocation = ToolInvocation(command), let manager = Manager(rawValue: invocation.tool) else { return nil }
        let valueOptions: Set<String>
        switch manager {
        case .aptGet, .apt: valueOptions = Self.aptValueOptions
        case .apk: valueOptions = Self.apkValueOptions
        case .yum, .dnf, .microdnf, .tdnf: valueOptions = Self.rpmValueOptions
        case .zypper: valueOptions = Self.zypperValueOptions
        case .pip: valueOptions = Self.pipValueOptions
        case .conda: valueOptions = Self.condaValueOptions
        }
        guard let (word, rest) = invocation.subcommand(valueOptions: valueOptions) else { return nil }
        var action = word.value.lowercased()
        if manager == .zypper {
            let aliases = ["in": "install", "ref": "refresh", "up": "update", "dup": "dist-upgrade", "rm": "remove", "rpm": "rpm"]
            action = aliases[action] ?? action
        }
        if manager == .conda, action == "env" { return nil }
        self.invocation = invocation
        self.manager = manager
        self.action = action
        self.actionWord = word
        self.operands = rest
    }
}

/// A `curl` or `wget` call that fetches URLs.
struct Download {
    let invocation: ToolInvocation
    /// The URL operands (with `://`).
    let urls: [ShellWord]
    /// The command the output is piped into, if any.
    let pipedInto: SimpleCommand?
    /// The output is written to a file (`-o`, `-O`, `>`, wget's default).
    let writesFile: Bool

    var command: SimpleCommand { invocation.command }

    static let curlValueOptions: Set<String> = [
        "-o", "--output", "-H", "--header", "-u", "--user", "-d", "--data", "--data-binary", "--data-raw", "-X", "--request",
        "-A", "--user-agent", "-e", "--referer", "-T", "--upload-file", "-w", "--write-out", "-x", "--proxy", "--retry",
        "--retry-delay", "--retry-max-time", "-m", "--max-time", "--connect-timeout", "-b", "--cookie", "-c", "--cookie-jar",
        "--cacert", "--capath", "-E", "--cert", "--key", "-r", "--range", "-C", "--continue-at", "--output-dir", "-K", "--config",
        "--resolve", "--limit-rate", "-F", "--form", "--proto", "--proto-redir", "-z", "--time-cond", "--create-file-mode",
    ]
    static let wgetValueOptions: Set<String> = [
        "-O", "--output-document", "-P", "--directory-prefix", "-o", "--output-file", "-a", "--append-output", "-t", "--tries",
        "-T", "--timeout", "-U", "--user-agent", "--header", "--user", "--password", "-e", "--execute", "--ca-certificate",
        "--certificate", "--private-key", "-i", "--input-file", "--limit-rate", "-w", "--wait", "--progress",
    ]

    /// The downloads among commands, with what each is piped into.
    static func all(in commands: [SimpleCommand]) -> [Download] {
        var result: [Download] = []
        for (index, command) in commands.enumerated() {
            guard let invocation = ToolInvocation(command), invocation.tool == "curl" || invocation.tool == "wget" else { continue }
            let valueOptions = invocation.tool == "curl" ? curlValueOptions : wgetValueOptions
            let urls = invocation.operands(valueOptions: valueOptions).filter { $0.value.contains("://") }
            guard !urls.isEmpty else { continue }
            let next = pipeSuccessor(of: index, in: commands)
            let redirected = command.redirections.contains { $0.op == ">" || $0.op == ">>" || $0.op == ">|" }
            let writesFile: Bool
            if invocation.tool == "curl" {
                writesFile = redirected || invocation.has("-o", "--output", "-O", "--remote-name", "--remote-name-all", "-J")
                    && !invocation.values("-o", "--output").contains("-")
            } else {
                let outputs = invocation.values("-O", "--output-document") + Self.clusteredWgetOutput(invocation)
                writesFile = redirected || !outputs.contains("-")
            }
            result.append(Download(invocation: invocation, urls: urls, pipedInto: next, writesFile: writesFile))
        }
        return result
    }

    /// `-qO-` and the like: the value of `O` at the end of a cluster.
    private static func clusteredWgetOutput(_ invocation: ToolInvocation) -> [String] {
        invocation.arguments.compactMap { word in
            let value = word.value
            guard value.hasPrefix("-"), !value.hasPrefix("--"), let o = value.firstIndex(of: "O"), o != value.index(after: value.startIndex) else { return nil }
            let after = value[value.index(after: o)...]
            return after.isEmpty ? nil : String(after)
        }
    }

    /// The command a pipe after `commands[index]` feeds (the next command at the same depth).
    static func pipeSuccessor(of index: Int, in commands: [SimpleCommand]) -> SimpleCommand? {
        let command = commands[index]
        guard command.separator == .pipe || command.separator == .pipeAll else { return nil }
        var next = index + 1
        while next < commands.count {
            if commands[next].depth == command.depth { return commands[next] }
            if commands[next].depth < command.depth { return nil }
            next += 1
        }
        return nil
    }
}

/// Integrity checks a RUN can make on what it downloaded.
enum IntegrityCheck {
    static let checksumPrograms: Set<String> = ["sha256sum", "sha512sum", "sha384sum", "sha224sum", "sha1sum", "md5sum", "b2sum", "shasum", "sha3sum", "cksum"]

    /// A checksum comparison (`sha256sum -c`, `[ "$(sha256sum f …)" = … ]`, `sha256sum f | grep -q …`)
    /// or a signature verification (`gpg --verify`, `gpgv`, `cosign verify-blob`, `minisign -V`,
    /// `openssl dgst -verify`) among the commands.
    static func present(in commands: [SimpleCommand]) -> Bool {
        for (index, command) in commands.enumerated() {
            guard let invocation = ToolInvocation(command) else { continue }
            let tool = invocation.tool
            if checksumPrograms.contains(tool) {
                if invocation.has("-c", "--check") { return true }
                if let next = Download.pipeSuccessor(of: index, in: commands), let program = next.program, ["grep", "diff", "cmp"].contains(program) { return true }
            }
            if ["[", "[[", "test"].contains(tool), command.words.contains(where: { word in checksumPrograms.contains { word.value.contains($0) } }) {
                return true
            }
            switch tool {
            case "gpg", "gpg2": if invocation.has("--verify") { return true }
            case "gpgv", "gpgv2", "slsa-verifier", "sigstore-verify": return true
            case "cosign": if let sub = invocation.arguments.first?.value, sub.hasPrefix("verify") { return true }
            case "minisign", "signify": if invocation.has("-V") { return true }
            case "openssl": if invocation.arguments.first?.value == "dgst", invocation.has("-verify", "-prverify", "-signature") { return true }
            case "rpm": if invocation.has("-K", "--checksig") { return true }
            default: break
            }
        }
        return false
    }
}
