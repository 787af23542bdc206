import BulwarkCore

/// Plans the edits that harden one pod spec. Reads the original tree, writes into the
/// `DocumentPatch`; every edit is conditional on the field not being right already, so a
/// second run plans nothing.
final class PodHardener {
    let pod: PodSpecView
    let options: ManifestFixOptions
    let patch: DocumentPatch
    let log: FixLog
    /// Which ServiceAccounts the input binds to roles (they keep their API token).
    let access: APIAccessIndex
    /// Whether the pod spec has a pod-level `securityContext` and `automountServiceAccountToken`
    /// (KServe ServingRuntimes and Knative Services restrict them to containers).
    let podLevel: Bool
    /// Volume names of the pod, with those this run adds.
    var volumeNames: Set<String>
    /// Mount paths this run adds, per container node.
    var addedMounts: [ObjectIdentifier: [String]] = [:]
    /// What the run may change: everything (`bulwark fix manifests`) or only add (admission mutation).
    let mode: Mode

    /// `fix` plans every change of `bulwark fix manifests`. `additions` (the mutating webhook,
    /// `HardeningPatch`) plans only fields that are missing: nothing is removed or replaced (the
    /// validating webhook denies what would need that), and an addition that only works together
    /// with a replacement the fixer would make is left out (see `runsAsRootExplicitly`,
    /// `forbidsNoEscalation`).
    enum Mode: Equatable {
        case fix
        /// `readOnlyRoot`: also `readOnlyRootFilesystem: true` with its writable paths;
        /// `tokenAutomount`: also `automountServiceAccountToken: false`.
        case additions(readOnlyRoot: Bool, tokenAutomount: Bool)
    }

    var additionsOnly: Bool { mode != .fix }

    static let review = "bulwark: review these defaults"

    /// Kinds whose pod spec has no pod-level securityContext (or gates it behind a feature flag).
    static let containerLevelOnly: Set<String> = [
        "serving.kserve.io/ServingRuntime", "serving.kserve.io/ClusterServingRuntime", "serving.knative.dev/Service",
    ]

    init(pod: PodSpecView, options: ManifestFixOptions, patch: DocumentPatch, log: FixLog, access: APIAccessIndex = APIAccessIndex(),
         mode: Mode = .fix) {
        self.pod = pod
        self.mode = mode
        self.access = access
        self.options = options
        self.patch = patch
        self.log = log
        podLevel = !Self.containerLevelOnly.contains("\(pod.object.group)/\(pod.object.kind)")
        volumeNames = Set(pod.volumes.compactMap { $0["name"]?.string })
    }

    var spec: YAMLNode { pod.spec }
    var subject: String { pod.displayName }
    var isWindows: Bool { spec["os"]?["name"]?.string == "windows" }

    func run() {
        guard !patch.isShared(spec) else {
            log.warn(spec, "\(subject): the pod spec is shared through a YAML anchor and alias (or merge key); left unchanged")
            return
        }
        // Windows pods keep their own path (only the baseline settings change), node agents or not.
        let nodeReasons = isWindows ? [] : NodeAccess.reasons(pod)
        guard nodeReasons.isEmpty else {
            keepNodeAccess(nodeReasons)
            return
        }
        if !additionsOnly {
            removeHostNamespaces()
            removeHostProcess(spec["securityContext"], subject: subject)
            for container in pod.containers {
                removePrivileged(container)
                removeHostProcess(container.securityContext, subject: "\(container.displayName) of \(subject)")
            }
        }
        if isWindows {
            log.warn(spec, "\(subject) is a Windows pod: only the baseline settings (privileged, host namespaces, hostProcess) were changed")
            warnAboutKeptSettings()
            return
        }
        if podLevel {
            hardenPodSecurityContext()
            if disablesTokenAutomount { disableTokenAutomount() }
        }
        // Regular containers first, so that they get the plain volume names (`tmp`).
        let order: [ContainerView.Kind] = [.container, .embedded, .initContainer, .ephemeral]
        for kind in order {
            for container in pod.containers where container.kind == kind { hardenContainer(container) }
        }
        if !additionsOnly { makeModelMountsReadOnly() }
        warnAboutKeptSettings()
    }

    // MARK: - Node agents

    /// A pod that needs its node is left as it is (hardening it would make a pod that cannot do its
    /// work and still fails the restricted level): only the API token rule applies. Its namespace
    /// is proposed for a Pod Security Admission exemption.
    func keepNodeAccess(_ reasons: [String]) {
        let namespace = pod.object.effectiveNamespace ?? "default"
        log.warn(spec, "\(subject) needs access to its node (\(reasons.joined(separator: "; "))): its host settings, privileges and security contexts are left as they are, because hardening them would break it; \(NodeAccess.exemption(namespace: namespace))")
        if podLevel && disablesTokenAutomount { disableTokenAutomount() }
    }

    /// Whether the run sets `automountServiceAccountToken: false` (the fixer always may).
    var disablesTokenAutomount: Bool {
        if case .additions(_, let tokenAutomount) = mode { return tokenAutomount }
        return true
    }

    /// Whether the run makes root filesystems read-only (the fixer always does).
    var makesRootReadOnly: Bool {
        if case .additions(let readOnlyRoot, _) = mode { return readOnlyRoot }
        return true
    }

    /// A pod or container that sets `runAsUser: 0`. The fixer replaces the 0; with additions only
    /// it stays, and an added `runAsNonRoot: true` next to it would keep the container from
    /// starting (the kubelet refuses a non-root requirement with UID 0), so none is added.
    func runsAsRootExplicitly(_ context: YAMLNode?) -> Bool {
        context?["runAsUser"]?.int == 0
    }

    /// The API server rejects `allowPrivilegeEscalation: false` next to `privileged: true` or an added
    /// `CAP_SYS_ADMIN` (core validation of SecurityContext). The fixer removes those first; with
    /// additions only they stay, so no `allowPrivilegeEscalation` is added to such a container.
    static func forbidsNoEscalation(_ context: YAMLNode?) -> Bool {
        guard let context else { return false }
        if context["privileged"]?.bool == true { return true }
        return (context["capabilities"]?["add"]?.items ?? []).contains { $0.string == "CAP_SYS_ADMIN" || $0.string == "SYS_ADMIN" }
    }

    // MARK: - Baseline: privileged, host namespaces, hostProcess

    func removeHostNamespaces() {
        let meaning = [
            "hostNetwork": "the node's network namespace", "hostPID": "the node's process namespace", "hostIPC": "the node's IPC namespace",
        ]
        for key in ["hostNetwork", "hostPID", "hostIPC"] {
            guard let node = spec[key], node.bool == true else { continue }
            let comment = "bulwark: removed \(key): true (\(meaning[key] ?? key); Pod Security Standards baseline forbids it)"
            if patch.remove(spec, key, comment: comment, fallback: .bool(false)) {
                log.change(node, "\(subject): removed \(key): true")
                log.warn(node, "\(subject) no longer uses \(meaning[key] ?? key) (\(key): true removed); check that it does not depend on it")
            } else {
                log.warn(node, "\(subject) sets \(key): true in YAML shared through an anchor and alias; left unchanged")
            }
        }
    }

    func removePrivileged(_ container: ContainerView) {
        guard let context = container.securityContext, let node = context["privileged"], node.bool == true else { return }
        let label = "\(container.displayName) of \(subject)"
        let comment = "bulwark: removed privileged: true (all devices and capabilities of the node; Pod Security Standards baseline forbids it)"
        if patch.remove(context, "privileged", comment: comment, fallback: .bool(false)) {
            log.change(node, "\(label): removed privileged: true")
            log.warn(node, "\(label) no longer runs privileged; if it needs a device or a capability, grant that one explicitly")
        } else {
            log.warn(node, "\(label) sets privileged: true in YAML shared through an anchor and alias; left unchanged")
        }
    }

    func removeHostProcess(_ context: YAMLNode?, subject: String) {
        guard let options = context?["windowsOptions"], let node = options["hostProcess"], node.bool == true else { return }
        if patch.remove(options, "hostProcess", comment: "bulwark: removed hostProcess: true (a process on the Windows node; Pod Security Standards baseline forbids it)",
                        fallback: .bool(false)) {
            log.change(node, "\(subject): removed windowsOptions.hostProcess: true")
        }
    }

    // MARK: - Pod securityContext

    func hardenPodSecurityContext() {
        let current = spec["securityContext"]
        guard let context = securityContext(of: spec, current: current, label: subject) else { return }
        let existing = current?.isMapping == true ? current : nil
        if !additionsOnly || !(runsAsRootExplicitly(existing) || pod.containers.contains(where: { runsAsRootExplicitly($0.securityContext) })) {
            requireTrue(context, existing, "runAsNonRoot", label: subject)
        }
        requireID(context, existing, "runAsUser", options.runAsUser, label: subject)
        requireID(context, existing, "runAsGroup", options.runAsGroup, label: subject)
        requireID(context, existing, "fsGroup", options.fsGroup, label: subject)
        requireSeccomp(context, existing, label: subject, addWhenMissing: true)
        fixAppArmor(context, existing, label: subject)
        fixSELinux(existing, label: subject)
    }

    /// The `securityContext` mapping of a pod spec or container, created when missing.
    func securityContext(of owner: YAMLNode, current: YAMLNode?, label: String) -> MapRef? {
        if let current, !current.isNull, !current.isMapping {
            log.warn(current, "\(label): securityContext is not a mapping; left unchanged")
            return nil
        }
        guard let context = patch.child(.node(owner), "securityContext") else {
            log.warn(current ?? owner, "\(label): securityContext is shared through a YAML anchor and alias (or merge key); left unchanged")
            return nil
        }
        return context
    }

    /// `key: true`, replacing false or anything that is not a boolean.
    func requireTrue(_ context: MapRef, _ existing: YAMLNode?, _ key: String, label: String) {
        let node = existing?[key]
        if node?.bool == true { return }
        let was = node.flatMap { $0.isNull ? nil : $0.scalar }
        if set(context, key, .bool(true), comment: was.map { "bulwark: was \(key): \($0)" }) {
            log.change(node ?? existing, "\(label): set securityContext.\(key): true")
        }
    }

    /// A non-zero numeric ID: kept when set, else `value` (replacing 0 with a comment).
    func requireID(_ context: MapRef, _ existing: YAMLNode?, _ key: String, _ value: Int, label: String) {
        let node = existing?[key]
        if let id = node?.int, id != 0 { return }
        var comment: String?
        if node?.int == 0 {
            comment = "bulwark: was \(key): 0 (root); \(value) is an unprivileged ID, check that the image's files allow it"
        } else if let node, !node.isNull {
            comment = "bulwark: was \(key): \(node.scalar ?? "a non-numeric value")"
        }
        if set(context, key, .int(value), comment: comment) {
            log.change(node ?? existing, "\(label): set securityContext.\(key): \(value)\(node?.int == 0 ? " (was 0)" : "")")
        }
    }

    /// `seccompProfile.type` RuntimeDefault unless it is RuntimeDefault or Localhost.
    func requireSeccomp(_ context: MapRef, _ existing: YAMLNode?, label: String, addWhenMissing: Bool) {
        let profile = existing?["seccompProfile"]
        if let profile, profile.isMapping {
            let type = profile["type"]?.string
            if type == "RuntimeDefault" || type == "Localhost" { return }
            guard let ref = patch.child(context, "seccompProfile") else { return }
            if set(ref, "type", .string("RuntimeDefault"), comment: type.map { "bulwark: was seccompProfile.type: \($0)" }) {
                log.change(profile, "\(label): set securityContext.seccompProfile.type: RuntimeDefault\(type.map { " (was \($0))" } ?? "")")
            }
        } else if profile == nil || profile?.isNull == true {
            guard addWhenMissing, let ref = patch.child(context, "seccompProfile") else { return }
            if set(ref, "type", .string("RuntimeDefault")) {
                log.change(existing, "\(label): set securityContext.seccompProfile.type: RuntimeDefault")
            }
        } else {
            log.warn(profile, "\(label): seccompProfile is not a mapping; left unchanged")
        }
    }

    /// `appArmorProfile.type: Unconfined` (or anything unknown) becomes RuntimeDefault.
    func fixAppArmor(_ context: MapRef, _ existing: YAMLNode?, label: String) {
        guard let profile = existing?["appArmorProfile"], profile.isMapping else { return }
        let type = profile["type"]?.string ?? ""
        guard type != "RuntimeDefault", type != "Localhost", let ref = patch.child(context, "appArmorProfile") else { return }
        if set(ref, "type", .string("RuntimeDefault"), comment: "bulwark: was appArmorProfile.type: \(type.isEmpty ? "(empty)" : type)") {
            log.change(profile, "\(label): set securityContext.appArmorProfile.type: RuntimeDefault (was \(type.isEmpty ? "empty" : type))")
        }
    }

    /// Removes the SELinux options Pod Security Standards baseline forbids: a type other than the
    /// container types, and any user or role.
    func fixSELinux(_ existing: YAMLNode?, label: String) {
        guard let context = existing, let options = context["seLinuxOptions"], options.isMapping else { return }
        var bad: [String] = []
        if let type = options["type"]?.string, !PSSChecks.seLinuxTypesV1Dot31.contains(type) { bad.append("type") }
        for key in ["user", "role"] where !(options[key]?.string ?? "").isEmpty { bad.append(key) }
        guard !bad.isEmpty else { return }
        let described = bad.map { "\($0): \(options[$0]?.string ?? "")" }.joined(separator: ", ")
        let present = (options.pairs ?? []).filter { !$0.value.isNull }.compactMap(\.key.scalar)
        if Set(present).isSubset(of: bad) {
            if patch.remove(context, "seLinuxOptions", comment: "bulwark: removed seLinuxOptions (\(described)); Pod Security Standards baseline forbids them") {
                log.change(options, "\(label): removed securityContext.seLinuxOptions (\(described))")
            }
        } else {
            for key in bad where patch.remove(options, key, comment: "bulwark: removed seLinuxOptions.\(key): \(options[key]?.string ?? "") (Pod Security Standards baseline forbids it)") {
                log.change(options[key], "\(label): removed securityContext.seLinuxOptions.\(key)")
            }
        }
    }

    /// `set` that reports a refusal (alias, collection in the way) as a warning.
    @discardableResult
    func set(_ parent: MapRef, _ key: String, _ value: NewScalar, comment: String? = nil) -> Bool {
        if patch.set(parent, key, value, comment: comment) { return true }
        log.warn(nil, "\(subject): cannot set \(key) (a YAML alias or an unexpected value is in the way); left unchanged")
        return false
    }

    // MARK: - Service account token

    func disableTokenAutomount() {
        let node = spec["automountServiceAccountToken"]
        if node?.bool == false { return }
        if node?.bool == true {
            log.warn(node, "\(subject) sets automountServiceAccountToken: true explicitly; left as is (make sure its ServiceAccount has only the permissions it needs)")
            return
        }
        let projectedToken = pod.volumes.contains { volume in
            (volume["projected"]?["sources"]?.items ?? []).contains { $0["serviceAccountToken"] != nil }
        }
        if projectedToken {
            log.warn(spec["volumes"], "\(subject) mounts a projected serviceAccountToken volume; automountServiceAccountToken left unset (review which containers need the token)")
            return
        }
        // The verifier: a workload that calls the API keeps its token (it would crash-loop without it).
        let namespace = pod.object.effectiveNamespace ?? "default"
        let account = pod.serviceAccountName
        let bindings = access.bindings(namespace: namespace, serviceAccount: account)
        let readers = APIAccessIndex.tokenReferences(pod)
        var reason: String?
        if !bindings.isEmpty {
            reason = "ServiceAccount \(namespace)/\(account) is bound by \(bindings.joined(separator: "; ")), so the workload calls the Kubernetes API; make sure the role grants only what it uses"
        } else if !readers.isEmpty {
            reason = "\(readers.joined(separator: ", ")) \(readers.count == 1 ? "reads" : "read") \(APIAccessIndex.tokenPath)"
        }
        if let reason {
            if options.projectedServiceAccountToken, projectToken(automount: node, reason: reason) { return }
            log.warn(spec, "\(subject) keeps its API token (automountServiceAccountToken left unset): \(reason)")
            return
        }
        if set(.node(spec), "automountServiceAccountToken", .bool(false)) {
            log.change(node ?? spec, "\(subject): set automountServiceAccountToken: false")
        }
    }

    /// `automountServiceAccountToken: false` and a projected token volume mounted where the kubelet
    /// mounts the token, in every container: the same files (`token`, `ca.crt`, `namespace`), with a
    /// token for the API server's own audience (no `audience`: the API server fills in its own)
    /// that expires after `tokenExpirationSeconds` and that the kubelet renews.
    func projectToken(automount node: YAMLNode?, reason: String) -> Bool {
        let containers = pod.containers.filter { $0.kind != .ephemeral && $0.kind != .embedded }
        let isList = { (node: YAMLNode?) in node == nil || node?.isNull == true || node?.isSequence == true }
        // Everything is checked before anything is planned: the token moves completely or not at all.
        guard !containers.isEmpty, isList(spec["volumes"]), containers.allSatisfy({ !patch.isShared($0.node) && isList($0.node["volumeMounts"]) }),
              !containers.contains(where: { WritablePaths.isCovered(APIAccessIndex.tokenPath, by: mountPaths($0)) })
        else {
            log.warn(spec, "\(subject): the API token cannot be projected (volumes or volumeMounts is not a list, is shared through a YAML alias, or a volume is already mounted at \(APIAccessIndex.tokenPath))")
            return false
        }
        guard let volumes = patch.childSequence(.node(spec), "volumes") else { return false }
        var mountLists: [SeqRef] = []
        for container in containers {
            guard let mounts = patch.childSequence(.node(container.node), "volumeMounts") else { return false }
            mountLists.append(mounts)
        }
        var name = "kube-api-access"
        var suffix = 2
        while volumeNames.contains(name) {
            name = "kube-api-access-\(suffix)"
            suffix += 1
        }
        let seconds = options.tokenExpirationSeconds
        let token = PendingMap([("path", .scalar(.string("token"))), ("expirationSeconds", .scalar(.int(seconds)))])
        let ca = PendingMap([
            ("name", .scalar(.string("kube-root-ca.crt"))),
            ("items", .seq(PendingSeq([.map(PendingMap([("key", .scalar(.string("ca.crt"))), ("path", .scalar(.string("ca.crt")))]))]))),
        ])
        let field = PendingMap([("apiVersion", .scalar(.string("v1"))), ("fieldPath", .scalar(.string("metadata.namespace")))])
        let namespaceFile = PendingMap([
            ("items", .seq(PendingSeq([.map(PendingMap([("path", .scalar(.string("namespace"))), ("fieldRef", .map(field))]))]))),
        ])
        let sources = PendingSeq([
            .map(PendingMap([("serviceAccountToken", .map(token))])),
            .map(PendingMap([("configMap", .map(ca))])),
            .map(PendingMap([("downwardAPI", .map(namespaceFile))])),
        ])
        let volume = PendingMap([("name", .scalar(.string(name))), ("projected", .map(PendingMap([("sources", .seq(sources))])))])
        volume.entry("name")?.comment = "bulwark: the API token, projected: expires after \(seconds) s (the kubelet renews it; clients must re-read the file)"
        guard set(.node(spec), "automountServiceAccountToken", .bool(false)) else { return false }
        patch.append(volumes, .map(volume))
        for mounts in mountLists {
            patch.append(mounts, .map(PendingMap([
                ("name", .scalar(.string(name))), ("mountPath", .scalar(.string(APIAccessIndex.tokenPath))), ("readOnly", .scalar(.bool(true))),
            ])))
        }
        volumeNames.insert(name)
        log.change(node ?? spec, "\(subject): set automountServiceAccountToken: false and mounted a projected service-account token (volume \"\(name)\", expirationSeconds \(seconds)) at \(APIAccessIndex.tokenPath)")
        log.warn(spec, "\(subject) keeps API access through a projected token that expires after \(seconds) s (automountServiceAccountToken: false): \(reason); its clients must re-read the token file (client-go does)")
        return true
    }

    // MARK: - Containers

    func hardenContainer(_ container: ContainerView) {
        let label = "\(container.displayName) of \(subject)"
        guard !patch.isShared(container.node) else {
            log.warn(container.node, "\(label) is shared through a YAML anchor and alias (or merge key); left unchanged")
            return
        }
        let current = container.securityContext
        guard let context = securityContext(of: container.node, current: current, label: label) else { return }
        let existing = current?.isMapping == true ? current : nil
        let userBefore = effectiveUser(container)

        let escalation = existing?["allowPrivilegeEscalation"]
        if escalation?.bool != false, !(additionsOnly && Self.forbidsNoEscalation(existing)) {
            let was = escalation.flatMap { $0.isNull ? nil : $0.scalar }
            if set(context, "allowPrivilegeEscalation", .bool(false), comment: was.map { "bulwark: was allowPrivilegeEscalation: \($0)" }) {
                log.change(escalation ?? existing ?? container.node, "\(label): set securityContext.allowPrivilegeEscalation: false")
            }
        }
        hardenCapabilities(context, existing, label: label)
        if podLevel {
            if existing?["runAsNonRoot"]?.bool == false { requireTrue(context, existing, "runAsNonRoot", label: label) }
            for key in ["runAsUser", "runAsGroup"] where existing?[key]?.int == 0 {
                requireID(context, existing, key, key == "runAsUser" ? options.runAsUser : options.runAsGroup, label: label)
            }
            requireSeccomp(context, existing, label: label, addWhenMissing: false)
        } else {
            if !additionsOnly || !runsAsRootExplicitly(existing) { requireTrue(context, existing, "runAsNonRoot", label: label) }
            requireID(context, existing, "runAsUser", options.runAsUser, label: label)
            requireID(context, existing, "runAsGroup", options.runAsGroup, label: label)
            requireSeccomp(context, existing, label: label, addWhenMissing: true)
        }
        if let existing, let procMount = existing["procMount"], !procMount.isNull, procMount.string != "Default" {
            if patch.remove(existing, "procMount", comment: "bulwark: removed procMount: \(procMount.scalar ?? "") (unmasked /proc; Pod Security Standards forbid it)") {
                log.change(procMount, "\(label): removed securityContext.procMount: \(procMount.scalar ?? "")")
            }
        }
        fixSELinux(existing, label: label)
        fixAppArmor(context, existing, label: label)
        if container.kind != .ephemeral {
            if makesRootReadOnly { requireReadOnlyRoot(container, context, existing, label: label) }
            // With additions only a UID of 0 stays, so the user changes only where none was set.
            setModelCacheEnvironment(container, userChanged: userBefore == nil || (userBefore == 0 && !additionsOnly), label: label)
        }
        if container.kind != .ephemeral && container.kind != .embedded {
            addResources(container, label: label)
        }
    }

    /// serving/model-volume-writable: a model server's mount of a model volume that outlives the pod
    /// or that another container fills becomes `readOnly: true`, so a compromised server cannot
    /// replace the weights its next start loads, when the server is told to load its model from the
    /// mount and no cache or download directory of it lies there (`ModelMount.loadsFrom`); a mount
    /// found by its name alone, or a hub cache, is left writable with a warning (the server may write
    /// there). The fixer only: the mutating webhook adds no mount options.
    func makeModelMountsReadOnly() {
        for found in ModelVolumes.writableModelMounts(pod) {
            let mount = found.mount
            let label = "\(found.server.displayName) of \(subject)"
            guard mount.loadsFrom else {
                log.warn(mount.mount, "\(label) keeps model volume \"\(mount.volume)\" at \(mount.mountPath) writable: the server may write there (a cache or download directory, or no model path is declared); once an init container or a pipeline fills it, mount it readOnly: true")
                continue
            }
            guard !patch.isShared(mount.mount) else {
                log.warn(mount.mount, "\(label): the mount of model volume \"\(mount.volume)\" is shared through a YAML anchor and alias; left writable")
                continue
            }
            let field = mount.mount["readOnly"]
            let was = field.flatMap { $0.isNull ? nil : $0.scalar }
            guard set(.node(mount.mount), "readOnly", .bool(true), comment: was.map { "bulwark: was readOnly: \($0)" }) else { continue }
            let who = found.writer.map { "\($0.displayName) fills it" } ?? "the \(found.sourceType) volume outlives the pod"
            log.change(field ?? mount.mount, "\(label): mounted model volume \"\(mount.volume)\" at \(mount.mountPath) read-only (\(mount.why); \(who), the server only reads it)")
        }
    }

    /// The UID a container ran as before the fix (its own or the pod's `runAsUser`), if set.
    func effectiveUser(_ container: ContainerView) -> Int? {
        container.securityContext?["runAsUser"]?.int ?? spec["securityContext"]?["runAsUser"]?.int
    }

    func hardenCapabilities(_ context: MapRef, _ existing: YAMLNode?, label: String) {
        let capabilities = existing?["capabilities"]
        if let capabilities, !capabilities.isNull, !capabilities.isMapping {
            log.warn(capabilities, "\(label): capabilities is not a mapping; left unchanged")
            return
        }
        let drop = capabilities?["drop"]
        if !(drop?.items.contains { $0.string == "ALL" } ?? false) {
            if let drop, drop.isSequence {
                if patch.append(.node(drop), .scalar(.string("ALL"))) {
                    log.change(drop, "\(label): added ALL to securityContext.capabilities.drop")
                }
            } else if drop == nil || drop?.isNull == true {
                if let ref = patch.child(context, "capabilities"), let sequence = patch.childSequence(ref, "drop"),
                   patch.append(sequence, .scalar(.string("ALL"))) {
                    log.change(drop ?? capabilities ?? existing, "\(label): set securityContext.capabilities.drop: [ALL]")
                }
            } else {
                log.warn(drop, "\(label): capabilities.drop is not a list; left unchanged")
            }
        }
        guard let capabilities, let add = capabilities["add"], add.isSequence else { return }
        let removable = add.items.filter { $0.string != "NET_BIND_SERVICE" }
        guard !removable.isEmpty else { return }
        let names = removable.map { $0.scalar ?? "?" }
        let why = "the restricted level allows adding only NET_BIND_SERVICE"
        if removable.count == add.items.count {
            if patch.remove(capabilities, "add", comment: "bulwark: removed capabilities.add: [\(names.joined(separator: ", "))] (\(why))") {
                log.change(add, "\(label): removed securityContext.capabilities.add \(names.joined(separator: ", "))")
                log.warn(add, "\(label) no longer adds \(names.joined(separator: ", ")); check that it does not need \(names.count == 1 ? "it" : "them")")
            }
        } else {
            for item in removable where patch.removeItem(add, item, comment: "bulwark: removed capability \(item.scalar ?? "?") (\(why))") {
                log.change(item, "\(label): removed capability \(item.scalar ?? "?") from securityContext.capabilities.add")
            }
            log.warn(add, "\(label) no longer adds \(names.joined(separator: ", ")); check that it does not need \(names.count == 1 ? "it" : "them")")
        }
    }

    // MARK: - Settings that stay (they would change what the workload does)

    func warnAboutKeptSettings() {
        for volume in pod.volumes where volume.isMapping {
            let name = volume["name"]?.string ?? "(unnamed)"
            if let hostPath = volume["hostPath"], !hostPath.isNull {
                let path = hostPath["path"]?.string.map { " (\($0))" } ?? ""
                log.warn(volume.keyNode("hostPath"), "\(subject) keeps hostPath volume \"\(name)\"\(path): removing it would change what the workload does; replace it with a PersistentVolumeClaim, configMap, secret or emptyDir to pass Pod Security Standards")
                continue
            }
            if let type = PSSChecks.restrictedVolumeSources.first(where: { volume[$0].map { !$0.isNull } ?? false }) {
                log.warn(volume.keyNode(type), "\(subject) keeps volume \"\(name)\" of type \(type), which the restricted level forbids; use a PersistentVolumeClaim or a CSI volume instead")
            }
        }
        for container in pod.containers {
            for port in container.node["ports"]?.items ?? [] {
                guard let node = port["hostPort"], let value = node.int, value != 0 else { continue }
                log.warn(node, "\(container.displayName) of \(subject) keeps hostPort \(value): removing it would change how the workload is reached; use a Service instead to pass Pod Security Standards baseline")
            }
        }
        guard !isWindows else { return }
        for sysctl in spec["securityContext"]?["sysctls"]?.items ?? [] {
            let name = sysctl["name"]?.string ?? ""
            guard !PSSChecks.sysctlsV1Dot32.contains(name) else { continue }
            log.warn(sysctl, "\(subject) keeps sysctl \"\(name)\", which is not in the safe set of Pod Security Standards baseline; set it on the node instead")
        }
        if let groups = spec["securityContext"]?["supplementalGroups"], groups.items.contains(where: { $0.int == 0 }) {
            log.warn(groups, "\(subject) keeps the root group (0) in securityContext.supplementalGroups; remove it unless the workload needs files of group 0")
        }
        for pair in pod.podMetadata?["annotations"]?.pairs ?? [] {
            guard let key = pair.key.scalar, key.hasPrefix("container.apparmor.security.beta.kubernetes.io/"),
                  let value = pair.value.string, value != "runtime/default", !value.hasPrefix("localhost/"), !value.isEmpty
            else { continue }
            log.warn(pair.value, "\(subject) keeps the AppArmor annotation \(key): \(value); use securityContext.appArmorProfile.type: RuntimeDefault instead")
        }
    }
}
