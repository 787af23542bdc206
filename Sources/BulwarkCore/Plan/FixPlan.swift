import Foundation

/// A fix plan: the findings of a report grouped by the one change that resolves them (one
/// securityContext block, one set of resource limits, one package upgrade, one Dockerfile
/// hardening …), the changes ordered by the risk they remove, each with the `bulwark fix` command
/// that makes it where one does. `--format plan`, the JSON report's `plan` and the HTML report's
/// plan section are all this value.
public struct FixPlan: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        public var kind: FixChangeKind
        /// What to change, where: `Set a hardened securityContext on Deployment ml/model-server`.
        public var title: String
        /// The file the change is made in (the image or model file for those kinds).
        public var file: String
        /// The object it is made on, when there is one.
        public var object: ObjectReference?
        /// The `bulwark fix …` command that makes the change, when one does.
        public var command: String?
        /// What to do by hand otherwise, or in addition.
        public var advice: String
        /// `FixPlanner.risk`: the sum of the severity weights of the unsuppressed findings it resolves.
        public var risk: Int
        /// Indices into the report's findings, in report order.
        public var findings: [Int]
        public var highestSeverity: Severity

        /// The rules of the change's findings with how many each has, by rule id.
        public func ruleCounts(in findings: [Finding]) -> [(rule: String, count: Int)] {
            var counts: [String: Int] = [:]
            for index in self.findings { counts[findings[index].ruleId, default: 0] += 1 }
            return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }

    public var changes: [Change]

    /// Unsuppressed findings the plan covers (every one of them: no finding is left out).
    public var findingCount: Int { changes.reduce(0) { $0 + $1.findings.count } }
}

/// The kinds of change a plan groups findings by. Each rule belongs to one kind
/// (`FixPlanner.kind(ofRule:)`); the kind decides the scope (object, namespace, file, image
/// package) and the command.
public enum FixChangeKind: String, Sendable, CaseIterable, Codable {
    /// Pod and container securityContext settings, service account token: `bulwark fix manifests`.
    case securityContext = "security-context"
    /// Resource requests and limits, emptyDir size limits: `bulwark fix manifests`.
    case resources
    /// Host namespaces, host paths, host ports and other access to the node: by hand.
    case hostAccess = "host-access"
    /// Image references: tag, digest, pull policy, registry.
    case imageReference = "image-reference"
    /// Credentials in manifests: into (sealed) Secrets.
    case secrets
    /// RBAC roles and bindings: narrow them.
    case rbac
    /// NetworkPolicies of a namespace.
    case networkPolicy = "network-policy"
    /// Serving configuration of a model server (authentication, APIs, debug modes).
    case serving
    /// Probes, namespaces and other workload settings.
    case workload
    /// A Dockerfile: `bulwark fix dockerfile`.
    case dockerfile
    /// One package of one image: upgrade it.
    case packageUpgrade = "package-upgrade"
    /// An image's own configuration and contents: rebuild it.
    case imageRebuild = "image-rebuild"
    /// A model file: replace or convert it.
    case model
}

/// Builds a `FixPlan` from findings. Pure and deterministic.
///
/// Order: by `risk` (descending), then by the number of findings (descending), then by title and file.
/// Risk weights per severity: critical 10, high 5, medium 2, low 1, info 0 — a change that removes
/// one critical finding ranks above one that removes four medium ones.
public enum FixPlanner {
    public static func weight(_ severity: Severity) -> Int {
        switch severity {
        case .critical: 10
        case .high: 5
        case .medium: 2
        case .low: 1
        case .info: 0
        }
    }

    /// The change kind of a rule, by id.
    public static func kind(ofRule ruleId: String) -> FixChangeKind {
        if let kind = byRule[ruleId] { return kind }
        switch ruleId.prefix(while: { $0 != "/" }) {
        case "pss": return .securityContext
        case "rbac": return .rbac
        case "netpol": return .networkPolicy
        case "secret": return .secrets
        case "serving": return .serving
        case "dockerfile": return .dockerfile
        case "vuln": return .packageUpgrade
        case "image": return .imageRebuild
        case "model": return .model
        default: return .workload
        }
    }

    /// The rules whose kind is not their domain's default.
    static let byRule: [String: FixChangeKind] = {
        var table: [String: FixChangeKind] = [:]
        for id in ["pss/host-namespaces", "pss/host-path-volumes", "pss/host-ports", "pss/host-probes-and-host-lifecycle",
                    "pss/windows-host-process", "pss/restricted-volumes", "k8s/sensitive-host-path", "k8s/writable-host-path",
                    "k8s/share-process-namespace", "serving/host-ipc-nccl", "serving/model-cache-host-path"] {
            table[id] = .hostAccess
        }
        for id in ["k8s/no-security-context", "k8s/privilege-escalation-capabilities", "k8s/read-only-root-filesystem",
                   "k8s/run-as-high-uid", "k8s/run-as-root-group", "k8s/automount-service-account-token",
                   "serving/privileged-gpu", "serving/model-volume-writable"] {
            table[id] = .securityContext
        }
        for id in ["k8s/cpu-limits", "k8s/cpu-requests", "k8s/memory-limits", "k8s/memory-requests", "k8s/ephemeral-storage-limits",
                   "k8s/memory-volume-exceeds-limit", "serving/gpu-without-limit", "serving/shm-without-size-limit",
                   "serving/model-volume-memory-without-size-limit"] {
            table[id] = .resources
        }
        for id in ["k8s/image-digest", "k8s/latest-tag", "k8s/image-pull-policy", "k8s/image-registry"] {
            table[id] = .imageReference
        }
        table["k8s/default-service-account"] = .rbac
        return table
    }()

    /// Dockerfile rules `bulwark fix dockerfile` does not resolve in every case (the test suite runs
    /// the hardener on every failing example of every other Dockerfile rule and requires the finding
    /// gone): the hardener keeps what the build does (its base, its downloads, its packages) and
    /// changes how.
    static let dockerfileByHand: Set<String> = [
        "dockerfile/add-local-file", "dockerfile/add-remote-url", "dockerfile/apt-instead-of-apt-get",
        "dockerfile/apt-update-alone", "dockerfile/apt-upgrade", "dockerfile/base-image-eol",
        "dockerfile/base-image-latest", "dockerfile/base-image-not-pinned", "dockerfile/chmod-world-writable",
        "dockerfile/copy-context-without-dockerignore", "dockerfile/copy-from-unknown-stage",
        "dockerfile/curl-pipe-shell", "dockerfile/download-without-checksum", "dockerfile/full-base-image",
        "dockerfile/maintainer-deprecated", "dockerfile/missing-assume-yes", "dockerfile/model-download-unpinned",
        "dockerfile/no-healthcheck", "dockerfile/notebook-server", "dockerfile/package-signature-check-disabled",
        "dockerfile/pip-without-hashes", "dockerfile/pipefail-missing",
        "dockerfile/repeated-cmd-entrypoint-healthcheck", "dockerfile/rpm-cache-not-cleaned", "dockerfile/run-cd",
        "dockerfile/secret-file-copied", "dockerfile/secret-in-command", "dockerfile/ssh-server", "dockerfile/sudo",
        "dockerfile/tls-verification-disabled", "dockerfile/torchserve-eol",
        "dockerfile/torchserve-token-auth-disabled", "dockerfile/trust-remote-code", "dockerfile/vllm-dev-mode",
        "dockerfile/workdir-relative",
    ]

    /// Rules of the security-context and resources kinds that `bulwark fix manifests` does not
    /// resolve in every case (same test, with the manifest fixer): values it cannot know (GPU
    /// counts, AppArmor profiles, sysctls) or will not change without proof (API tokens in use, a
    /// model volume the server may write because it is a cache or download directory).
    static let manifestFixerByHand: Set<String> = [
        "k8s/automount-service-account-token", "k8s/cpu-requests", "k8s/memory-limits",
        "k8s/memory-volume-exceeds-limit", "k8s/privilege-escalation-capabilities", "k8s/run-as-high-uid",
        "k8s/run-as-root-group", "pss/app-armor-profile", "pss/sysctls", "serving/gpu-without-limit",
        "serving/model-volume-memory-without-size-limit", "serving/model-volume-writable",
        "serving/shm-without-size-limit",
    ]

    /// Whether `bulwark fix manifests` resolves the rule's findings.
    public static func resolvedByManifestFixer(_ ruleId: String) -> Bool {
        [.securityContext, .resources].contains(kind(ofRule: ruleId)) && !manifestFixerByHand.contains(ruleId)
    }

    /// Rules whose findings the object pass of `bulwark fix manifests` resolves (a published model
    /// server's Service becomes ClusterIP, a workload identity leaves cluster-admin, a namespace gets
    /// its Pod Security labels) when the run holds the workloads it needs to see (otherwise it leaves
    /// the object with a warning), so the plan's command names the directory of the finding's file.
    /// (`secret/plaintext-secret` needs a certificate and has its own command.)
    public static let objectFixerRules: Set<String> = [
        "k8s/service-exposed", "rbac/workload-cluster-admin", "k8s/namespace-pss-enforce",
    ]

    /// The directory of a file, for a command that must see the files around it.
    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    /// Whether `bulwark fix dockerfile` resolves the rule's findings.
    public static func resolvedByDockerfileHardener(_ ruleId: String) -> Bool {
        ruleId.hasPrefix("dockerfile/") && !dockerfileByHand.contains(ruleId)
    }

    public static func plan(_ findings: [Finding]) -> FixPlan {
        struct Key: Hashable {
            var kind: FixChangeKind
            var file: String
            var object: String
            var detail: String
        }
        var groups: [Key: [Int]] = [:]
        var order: [Key] = []
        for (index, finding) in findings.enumerated() where !finding.suppressed {
            let kind = kind(ofRule: finding.ruleId)
            var key = Key(kind: kind, file: finding.location.file, object: "", detail: "")
            switch kind {
            case .networkPolicy:
                // One set of policies per namespace, wherever the findings sit.
                key.file = ""
                key.object = namespace(of: finding)
            case .packageUpgrade:
                key.detail = VulnerablePackage(message: finding.message)?.package ?? finding.message
            case .dockerfile, .imageRebuild, .model:
                break
            default:
                if let object = finding.object {
                    key.object = [object.kind, object.namespace ?? "", object.name].joined(separator: "\u{1F}")
                }
            }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        var changes: [FixPlan.Change] = order.map { key in
            let members = groups[key] ?? []
            let first = findings[members[0]]
            let risk = members.reduce(0) { $0 + weight(findings[$1].severity) }
            let highest = members.map { findings[$0].severity }.max() ?? .info
            let (title, command, advice) = describe(key.kind, first: first, members: members.map { findings[$0] }, file: key.file)
            return FixPlan.Change(kind: key.kind, title: title, file: key.kind == .networkPolicy ? "" : first.location.file,
                                  object: key.kind == .networkPolicy || key.object.isEmpty ? nil : first.object.map(Self.withoutContainer),
                                  command: command, advice: advice, risk: risk, findings: members, highestSeverity: highest)
        }
        changes.sort { lhs, rhs in
            if lhs.risk != rhs.risk { return lhs.risk > rhs.risk }
            if lhs.findings.count != rhs.findings.count { return lhs.findings.count > rhs.findings.count }
            if lhs.title != rhs.title { return lhs.title < rhs.title }
            return lhs.file < rhs.file
        }
        return FixPlan(changes: changes)
    }

    /// The namespace a finding is about: a Namespace object's own name, else the object's namespace.
    static func namespace(of finding: Finding) -> String {
        guard let object = finding.object else { return "" }
        return object.kind == "Namespace" ? object.name : object.namespace ?? ""
    }

    static func withoutContainer(_ object: ObjectReference) -> ObjectReference {
        var object = object
        object.container = nil
        return object
    }

    /// `bulwark fix manifests --write` over the directory of the file: the object pass needs the workloads.
    static func objectFixerCommand(_ file: String) -> String {
        "bulwark fix manifests --write \(quoted(directory(of: file)))"
    }

    /// Shell-quotes a path for a command line shown to the user.
    static func quoted(_ path: String) -> String {
        let plain = path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:@".contains($0) }
        return plain && !path.isEmpty ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func describe(_ kind: FixChangeKind, first: Finding, members: [Finding], file: String)
        -> (title: String, command: String?, advice: String) {
        let target = first.object.map { withoutContainer($0).displayName } ?? first.location.file
        let rules = Set(members.map(\.ruleId)).sorted()
        switch kind {
        case .securityContext, .resources:
            let byHand = rules.filter { !resolvedByManifestFixer($0) }
            var advice = kind == .securityContext
                ? "runAsNonRoot, a non-root UID/GID, allowPrivilegeEscalation: false, all capabilities dropped, RuntimeDefault seccomp, a read-only root filesystem with emptyDirs for the paths the app writes, and no API token unless the pod calls the API."
                : "CPU and memory requests and limits, an ephemeral-storage limit, and size limits on memory-backed volumes."
            if !byHand.isEmpty { advice += " The command does not resolve these in every case; check them after it: " + byHand.joined(separator: ", ") + "." }
            let title = kind == .securityContext ? "Set a hardened securityContext on \(target)" : "Set resource requests and limits on \(target)"
            return (title, byHand.count == rules.count ? nil : "bulwark fix manifests --write \(quoted(file))", advice)
        case .hostAccess:
            return ("Remove access to the node from \(target)", nil,
                    "Drop host namespaces, hostPath volumes and host ports the workload does not need; where it does need them (node agents), exempt its namespace from Pod Security Admission instead.")
        case .imageReference:
            return ("Pin the images of \(target) by digest", nil,
                    "Reference each image by a digest from a trusted registry, with imagePullPolicy: IfNotPresent.")
        case .secrets:
            let sealable = rules == ["secret/plaintext-secret"]
            return ("Move the credentials of \(target) into a sealed Secret",
                    sealable ? "bulwark fix manifests --write --seal-cert CERT.pem \(quoted(file))" : nil,
                    "Keep credentials out of manifests, images and command lines: reference a Secret (sealed for Git with bulwark seal) from env valueFrom or a mounted file.")
        case .rbac:
            let advice = "Grant only the verbs and resources the subject uses; bind workloads to their own ServiceAccount, never to cluster-admin or the default account."
            guard rules.allSatisfy(objectFixerRules.contains) else { return ("Narrow the permissions of \(target)", nil, advice) }
            return ("Take the workload identities of \(target) out of cluster-admin", objectFixerCommand(file),
                    "The command removes the ServiceAccounts of the workloads it is given from the binding (and comments out a binding left without subjects); give it the workloads' manifests in the same run. " + advice)
        case .networkPolicy:
            let namespace = namespace(of: first)
            return ("Isolate namespace \(namespace.isEmpty ? "default" : namespace) with NetworkPolicies", nil,
                    "A default-deny policy for ingress and egress, then allow only DNS, the model store and the callers the server needs (bulwark netpol shows what reaches what).")
        case .serving:
            return ("Lock down the serving configuration of \(target)", nil,
                    "Turn on the model server's authentication, keep management and debug APIs off or bound to localhost, and pin what it downloads.")
        case .workload:
            guard rules.allSatisfy(objectFixerRules.contains) else { return ("Fix the workload settings of \(target)", nil, first.remediation) }
            let title = rules == ["k8s/service-exposed"] ? "Stop exposing \(target) outside the cluster"
                : rules == ["k8s/namespace-pss-enforce"] ? "Enforce Pod Security Standards on \(target)" : "Fix \(target)"
            return (title, objectFixerCommand(file),
                    "The command fixes this object when it is given the workloads around it in the same run. " + first.remediation)
        case .dockerfile:
            let byHand = rules.filter { !resolvedByDockerfileHardener($0) }
            var advice = "A pinned slim base, a non-root numeric USER, exec-form entrypoint, a HEALTHCHECK and clean package installs; secrets move to build secrets."
            if !byHand.isEmpty { advice += " The command does not resolve these in every case; check them after it: " + byHand.joined(separator: ", ") + "." }
            return ("Harden Dockerfile \(first.location.file)",
                    byHand.count == rules.count ? nil : "bulwark fix dockerfile --write \(quoted(file))", advice)
        case .packageUpgrade:
            let package = VulnerablePackage(message: first.message)
            let fixed = Set(members.compactMap { VulnerablePackage(message: $0.message)?.fixedIn }).sorted()
            let name = package?.package ?? "a package"
            let upgrade = fixed.isEmpty ? "no fixed version is known yet" : "upgrade to \(fixed.joined(separator: " or "))"
            return ("Upgrade \(name) in \(first.location.file)", nil,
                    "\(members.count) advisor\(members.count == 1 ? "y" : "ies"): \(upgrade); rebuild the image.")
        case .imageRebuild:
            return ("Rebuild image \(first.location.file)", nil,
                    "Rebuild from a hardened Dockerfile (bulwark fix dockerfile): no credentials in layers or config, a non-root user, an exec-form entrypoint.")
        case .model:
            return ("Replace model file \(first.location.file)", nil,
                    "Convert the weights to safetensors, or allowlist the globals the pickle really needs, and sign the result (bulwark model sign).")
        }
    }
}

/// The package and fixed versions of a vulnerability finding, read back from its message
/// (`VulnerabilityMessage` in BulwarkImage writes `NAME VERSION (KIND…) is affected by ID…: fixed in X, Y; …`).
struct VulnerablePackage {
    let package: String
    let fixedIn: String?

    init?(message: String) {
        guard let affected = message.range(of: " is affected by ") else { return nil }
        package = String(message[..<affected.lowerBound])
        if let fixed = message.range(of: ": fixed in ", range: affected.upperBound..<message.endIndex) {
            let rest = message[fixed.upperBound...]
            fixedIn = String(rest.prefix { $0 != ";" })
        } else {
            fixedIn = nil
        }
    }
}
