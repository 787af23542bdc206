import BulwarkCore

extension InPlaceHardener {
    /// Well-known accounts and their UIDs: the images that have them (empty: every Debian and
    /// Alpine image).
    static let knownUsers: [String: (uid: Int, images: [String])] = [
        "nobody": (65534, []), "daemon": (1, []), "node": (1000, ["node"]), "nginx": (101, ["nginx"]),
        "nonroot": (65532, ["gcr.io/distroless/", "cgr.dev/"]), "jovyan": (1000, ["jupyter/", "quay.io/jupyter/"]),
        "triton-server": (1000, ["nvcr.io/nvidia/tritonserver"]), "model-server": (1000, ["pytorch/torchserve"]),
        "postgres": (999, ["postgres"]), "redis": (999, ["redis"]),
    ]

    /// The UID of a well-known account in the final stage's base image, nil when unknown there.
    func knownUID(_ name: String) -> Int? {
        if name == "www-data" {
            switch ImageFamily(stage: finalStage, in: dockerfile) {
            case .debian: return 33
            case .alpine: return 82
            default: return nil
            }
        }
        guard let entry = Self.knownUsers[name] else { return nil }
        if entry.images.isEmpty { return entry.uid }
        let image = dockerfile.rootStage(of: finalStage).baseReference?.familiarName.lowercased() ?? ""
        return entry.images.contains { image == $0 || image.hasPrefix($0) } ? entry.uid : nil
    }

    /// Makes the final stage run as a numeric non-root user: a named USER becomes its UID; root
    /// (or no USER) becomes the non-root account the stage (or a stage it is built FROM) already
    /// creates, else `USER uid:gid` with the account created in the final stage without a
    /// lastlog entry. The user is always one that exists in the final stage.
    mutating func runAsNonRoot() {
        let body = finalBody
        let lastUser = body.last { instructions[$0].keyword == .user }
        if let lastUser, let spec = instructions[lastUser].user, !spec.isRoot {
            if !spec.isNumeric { numericUser(for: lastUser, spec) }
            return
        }
        if lastUser == nil, inheritsNonRootUser() { return }
        if reuseAccount() { return }
        if let image = ownAccountImage, !copiesOwnFiles {
            // These images run their service as an account of their own, whose UID owns the data
            // directories: UID 10001, with no account and no files of its own, would break them.
            warnings.append("""
                Not applied, as it could not be proven safe: a non-root USER. \(image) runs its service as an account of its own \
                that owns its data directories; set USER to that account's numeric UID (the image's Dockerfile creates it with useradd or adduser).
                """)
            return
        }
        addUser()
    }

    /// The final stage's base image when it is a service image that ships an account of its own
    /// (the official database, cache, queue and web-server images), else nil.
    var ownAccountImage: String? {
        guard let reference = dockerfile.chain(from: finalStage).last?.baseReference else { return nil }
        let name = reference.familiarName.lowercased()
        let short = name.split(separator: "/").last.map(String.init) ?? name
        return ImageFamily.serviceImagesWithOwnAccount.contains(short) ? reference.description : nil
    }

    /// Whether the final stage copies files with `--chown` (they then belong to the user the
    /// fixer sets, so a numeric USER owns what the application needs).
    var copiesOwnFiles: Bool {
        finalBody.contains { [.copy, .add].contains(instructions[$0].keyword) && instructions[$0].flag("chown") != nil }
    }

    /// The final stage and the stages it is built FROM, nearest first.
    var finalChain: [Stage] { dockerfile.chain(from: finalStage) }

    /// The commands of the RUNs of the final stage's chain, in build order (ancestors first).
    var finalChainCommands: [SimpleCommand] {
        finalChain.reversed().flatMap { stage in
            dockerfile.instructions(of: stage).filter { $0.keyword == .run }.flatMap(\.shellCommands)
        }
    }

    /// An account a useradd/adduser of the final stage's chain creates.
    struct Account {
        var name: String
        var uid: Int?
        var gid: Int?
        /// The command, when it is at the top level of its RUN (so `-u` can be added to it).
        var command: SimpleCommand?
    }

    /// The accounts the final stage's chain creates, in build order.
    var finalChainAccounts: [Account] {
        let commands = finalChainCommands
        return commands.compactMap { command -> Account? in
            guard command.program == "useradd" || command.program == "adduser", let name = command.operands.last?.value,
                !name.hasPrefix("-"), !name.contains("$")
            else { return nil }
            let uid = command.optionValue("-u", "--uid").flatMap { Int($0) }
            var gid: Int?
            // useradd: -g is the primary group (-G lists supplementary ones); BusyBox adduser: -G;
            // Debian adduser: --ingroup, --gid.
            let group = command.program == "useradd" ? command.optionValue("-g", "--gid") : command.optionValue("-G", "--ingroup", "--gid")
            if let group {
                gid = Int(group) ?? groupID(named: group)
            }
            return Account(name: name, uid: uid, gid: gid, command: command.depth == 0 ? command : nil)
        }
    }

    /// `USER uid[:gid]` for the non-root account the final stage's chain already creates (adding
    /// `-u uid` to its useradd/adduser when it names none). False when there is none to reuse.
    private mutating func reuseAccount() -> Bool {
        guard let account = finalChainAccounts.last(where: { $0.name != "root" && $0.uid != 0 }) else { return false }
        var uid = account.uid
        if uid == nil, let command = account.command, command.words.indices.contains(command.commandIndex) {
            let option = command.program == "adduser" && ImageFamily(stage: finalStage, in: dockerfile) != .alpine ? "--uid" : "-u"
            patch.insert(at: command.words[command.commandIndex].range.end, " \(option) \(options.uid)")
            uid = options.uid
        }
        guard let uid else { return false }
        let value = account.gid.map { "\(uid):\($0)" } ?? "\(uid)"
        let body = finalBody
        let builders: Set<Keyword> = [.run, .copy, .add, .user, .workdir]
        let anchor = body.last { builders.contains(instructions[$0].keyword) } ?? finalStage.fromIndex
        patch.insertLines(before: instructions[anchor].endLine + 1, ["", "USER \(value)"])
        addedUser = true
        runAs = (uid, account.gid ?? uid)
        changes.append("""
            Runs as the non-root user \(account.name) (\(value)) that the Dockerfile creates; a numeric USER lets the kubelet verify \
            runAsNonRoot.
            """)
        return true
    }

    /// True when the final stage's base is known to run as non-root (distroless `nonroot`, an
    /// earlier stage that set a non-root USER).
    private func inheritsNonRootUser() -> Bool {
        var stage = finalStage
        var steps = 0
        while let base = stage.baseStage, dockerfile.stages.indices.contains(base), steps < dockerfile.stages.count {
            stage = dockerfile.stages[base]
            steps += 1
            if let user = dockerfile.instructions(of: stage).last(where: { $0.keyword == .user })?.user { return !user.isRoot }
        }
        let tag = stage.baseReference?.tag ?? ""
        return tag.contains("nonroot")
    }

    /// `USER appuser` → `USER 1001[:gid]`: from the useradd/adduser that created the account
    /// (adding `-u 10001` when it names no UID), or from the table of well-known accounts.
    private mutating func numericUser(for index: Int, _ spec: UserSpec) {
        let user = instructions[index]
        guard let word = user.user?.word, word.isResolved else { return }
        let name = spec.user
        if let creation = accountCreation(named: name) {
            var uid = creation.uid
            if uid == nil, let command = creation.command {
                let option = command.program == "adduser" && ImageFamily(stage: finalStage, in: dockerfile) != .alpine ? "--uid" : "-u"
                if let program = command.words.indices.contains(command.commandIndex) ? command.words[command.commandIndex] : nil {
                    patch.insert(at: program.range.end, " \(option) \(options.uid)")
                    uid = options.uid
                }
            }
            if let uid {
                let group = spec.group.flatMap { Int($0) != nil ? $0 : groupID(named: $0).map(String.init) }
                let value = group.map { "\(uid):\($0)" } ?? "\(uid)"
                patch.replace(word.range, with: value)
                changes.append("USER \(word.raw) → USER \(value): the kubelet can only verify runAsNonRoot for a numeric user.")
                return
            }
        }
        if let uid = knownUID(name) {
            patch.replace(word.range, with: "\(uid)")
            changes.append("USER \(word.raw) → USER \(uid): the kubelet can only verify runAsNonRoot for a numeric user.")
            return
        }
        if let other = otherStageCreating(name) {
            warnings.append("""
                USER \(word.raw) (line \(user.startLine)): the account is created in \(other), not in the final stage or a stage it \
                is built FROM, so it does not exist in the final image; create it in the final stage.
                """)
            return
        }
        warnings.append("USER \(word.raw) (line \(user.startLine)) names an account of the base image: replace it with its numeric UID.")
    }

    /// The useradd/adduser of the final stage's chain (the final stage and the stages it is built
    /// FROM) that creates `name`, with its `-u`/`--uid` when given: an account created in another
    /// stage does not exist in the final image.
    private func accountCreation(named name: String) -> (command: SimpleCommand?, uid: Int?)? {
        guard let account = finalChainAccounts.last(where: { $0.name == name }) else { return nil }
        return (account.command, account.uid)
    }

    /// The stage outside the final stage's chain whose useradd/adduser creates `name`, as a label.
    private func otherStageCreating(_ name: String) -> String? {
        let chain = Set(finalChain.map(\.index))
        for stage in dockerfile.stages where !chain.contains(stage.index) {
            for instruction in dockerfile.instructions(of: stage) where instruction.keyword == .run {
                if instruction.shellCommands.contains(where: { ($0.program == "useradd" || $0.program == "adduser") && $0.operands.last?.value == name }) {
                    return stage.name.map { "stage \"\($0)\"" } ?? "stage \(stage.index)"
                }
            }
        }
        return nil
    }

    /// The GID a groupadd/addgroup of the final stage's chain gives `name`.
    func groupID(named name: String) -> Int? {
        for command in finalChainCommands.reversed() where command.program == "groupadd" || command.program == "addgroup" {
            if command.operands.last?.value == name, let gid = command.optionValue("-g", "--gid").flatMap({ Int($0) }) { return gid }
        }
        return nil
    }

    /// Creates the user (when the image has the tools) and switches to it after the last step
    /// that builds the filesystem.
    private mutating func addUser() {
        let body = finalBody
        let builders: Set<Keyword> = [.run, .copy, .add, .user, .workdir]
        let anchor = body.last { builders.contains(instructions[$0].keyword) } ?? finalStage.fromIndex
        let family = ImageFamily(stage: finalStage, in: dockerfile)
        var lines = [""]
        if let creation = family.userCreation(uid: options.uid, gid: options.gid) { lines.append(creation) }
        lines.append("USER \(options.uid):\(options.gid)")
        patch.insertLines(before: instructions[anchor].endLine + 1, lines)
        addedUser = true
        runAs = (options.uid, options.gid)
        switch family {
        case .debian, .alpine:
            changes.append("""
                Runs as the non-root user \(options.uid):\(options.gid), created without a lastlog entry or home directory; a numeric USER \
                lets the kubelet verify runAsNonRoot.
                """)
        case .shellless:
            changes.append("Runs as the non-root user \(options.uid):\(options.gid); a numeric USER lets the kubelet verify runAsNonRoot.")
        case .unknown:
            changes.append("""
                Runs as the non-root user \(options.uid):\(options.gid), created with the image's own tools (useradd, else \
                BusyBox adduser); a numeric USER lets the kubelet verify runAsNonRoot.
                """)
            warnings.append("""
                The base image's tools are not known: the account for UID \(options.uid) is created with useradd when the image \
                has it, else with adduser; if the image runs as an account of its own, use that account's UID instead.
                """)
        }
        for index in body {
            let instruction = instructions[index]
            if [.copy, .add].contains(instruction.keyword), let destination = instruction.fileTransfer?.destination?.resolved,
                destination == "/root" || destination.hasPrefix("/root/")
            {
                warnings.append("Line \(instruction.startLine) copies into /root, which user \(options.uid) cannot read: copy to another directory.")
            }
        }
    }

    /// A warning when a non-root final image exposes or serves a port below 1024.
    mutating func checkPrivilegedPorts() {
        let lastUser = finalBody.last { instructions[$0].keyword == .user }.flatMap { instructions[$0].user }
        guard addedUser || lastUser.map({ !$0.isRoot }) == true else { return }
        let ports = finalBody.flatMap { instructions[$0].exposedPorts.compactMap(\.port) } + (serverPort.map { [$0] } ?? [])
        if let low = ports.first(where: { $0 > 0 && $0 < 1024 }) {
            warnings.append("""
                Port \(low) is below 1024: a non-root user may bind it under Docker, but not by default on Kubernetes; \
                serve on 8080 or another high port.
                """)
        }
    }

    /// `COPY --chown=uid:gid` for the files copied into the working directory once the image
    /// runs as the new user.
    mutating func chownApplicationFiles() {
        guard addedUser, let runAs else { return }
        let owner = "\(runAs.uid):\(runAs.gid)"
        let directories = dockerfile.workingDirectories(of: finalStage).before
        var count = 0
        var paths: [String] = []
        for index in finalBody where [.copy, .add].contains(instructions[index].keyword) {
            let instruction = instructions[index]
            guard instruction.flag("chown") == nil, let transfer = instruction.fileTransfer, let destination = transfer.destination,
                destination.isResolved, let workdir = directories[index] ?? nil, workdir != "/"
            else { continue }
            let path = HardenPath.join(workdir, destination.resolved)
            guard HardenPath.isInside(path, workdir) else { continue }
            patch.insert(at: instruction.arguments.range.start, "--chown=\(owner) ")
            count += 1
            if !paths.contains(workdir) { paths.append(workdir) }
        }
        if count > 0 {
            changes.append("COPY --chown=\(owner) for the application files in \(paths.joined(separator: ", ")).")
        }
    }
}
