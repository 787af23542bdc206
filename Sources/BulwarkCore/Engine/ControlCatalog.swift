/// The controls of the compliance frameworks rules map to: each framework's title, the title of each
/// control, and for the frameworks listed in full, every control in document order (so a control
/// no rule checks shows up as `manual` in `--compliance`). Every control a rule names must be here
/// (the catalogue test checks it), so a typo in a control id cannot pass unnoticed.
public enum ControlCatalog {
    /// The frameworks, with their display titles.
    public static let frameworks: [String: String] = [
        "pss-baseline": "Pod Security Standards (baseline)",
        "pss-restricted": "Pod Security Standards (restricted)",
        "cis-k8s": "CIS Kubernetes Benchmark",
        "cis-docker": "CIS Docker Benchmark",
        "nist-800-190": "NIST SP 800-190",
        "nsa-k8s": "NSA/CISA Kubernetes Hardening Guide",
        "owasp-k8s": "OWASP Kubernetes Top 10",
        "mitre-atlas": "MITRE ATLAS",
        "owasp-ml": "OWASP Machine Learning Security Top 10",
    ]

    /// Whether the catalogue lists the control.
    public static func contains(_ control: ControlID) -> Bool {
        title(framework: control.framework, control: control.control) != nil
    }

    /// The title of a control, or nil when it is not in the tables.
    public static func title(framework: String, control: String) -> String? {
        tables[framework]?.titles[control]
    }

    /// `CIS Kubernetes Benchmark 5.2.2: Minimize the admission of privileged containers`; unknown
    /// controls give the framework's display name and the id.
    public static func describe(_ control: ControlID) -> String {
        let framework = frameworks[control.framework] ?? control.framework
        if let title = title(framework: control.framework, control: control.control) {
            return "\(framework) \(control.control): \(title)"
        }
        return "\(framework) \(control.control)"
    }

    /// Every control of a framework that Bulwark knows in full (CIS Kubernetes §5, NIST SP 800-190 §4,
    /// OWASP Kubernetes Top 10), in document order; empty for the others.
    public static func allControls(of framework: String) -> [String] {
        guard let table = tables[framework], table.complete else { return [] }
        return table.order
    }

    struct Table {
        let order: [String]
        let titles: [String: String]
        /// Whether `order` is the framework's whole control list (not only the ones rules cite).
        let complete: Bool

        /// `also`: controls outside the listed sections that rules cite (titled, not listed in full).
        init(_ entries: [(String, String)], complete: Bool, also: [(String, String)] = []) {
            order = entries.map(\.0)
            titles = Dictionary(entries + also, uniquingKeysWith: { first, _ in first })
            self.complete = complete
        }
    }

    static let tables: [String: Table] = [
        "cis-k8s": Table(cisKubernetes, complete: true, also: [("1.2.1", "Ensure that the --anonymous-auth argument is set to false")]),
        "nist-800-190": Table(nist800190, complete: true),
        "owasp-k8s": Table(owaspKubernetes, complete: true),
        "cis-docker": Table(cisDocker, complete: false),
        "nsa-k8s": Table(nsaKubernetes, complete: false),
        "pss-baseline": Table(pssBaseline, complete: false),
        "pss-restricted": Table(pssRestricted, complete: false),
        "mitre-atlas": Table(mitreAtlas, complete: false),
        "owasp-ml": Table(owaspMachineLearning, complete: false),
    ]

    /// MITRE ATLAS techniques that model rules address (https://atlas.mitre.org/techniques).
    static let mitreAtlas: [(String, String)] = [
        ("AML.T0010.003", "AI Supply Chain Compromise: Model"),
        ("AML.T0010.004", "AI Supply Chain Compromise: Container Registry"),
        ("AML.T0011.000", "User Execution: Unsafe AI Artifacts"),
        ("AML.T0018", "Manipulate AI Model"),
        ("AML.T0040", "AI Model Inference API Access"),
        ("AML.T0049", "Exploit Public-Facing Application"),
        ("AML.T0055", "Unsecured Credentials"),
        ("AML.T0076", "Corrupt AI Model"),
    ]

    /// OWASP Machine Learning Security Top 10 (2023), the items model rules address
    /// (https://owasp.org/www-project-machine-learning-security-top-10/).
    static let owaspMachineLearning: [(String, String)] = [
        ("ML06", "AI Supply Chain Attacks"),
        ("ML10", "Model Poisoning"),
    ]

    /// CIS Kubernetes Benchmark v1.9.0, section 5 (Policies); one control of section 1 (API server)
    /// is cited too.
    static let cisKubernetes: [(String, String)] = [
        ("5.1.1", "Ensure that the cluster-admin role is only used where required"),
        ("5.1.2", "Minimize access to secrets"),
        ("5.1.3", "Minimize wildcard use in Roles and ClusterRoles"),
        ("5.1.4", "Minimize access to create pods"),
        ("5.1.5", "Ensure that default service accounts are not actively used"),
        ("5.1.6", "Ensure that Service Account Tokens are only mounted where necessary"),
        ("5.1.7", "Avoid use of system:masters group"),
        ("5.1.8", "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster"),
        ("5.1.9", "Minimize access to create persistent volumes"),
        ("5.1.10", "Minimize access to the proxy sub-resource of nodes"),
        ("5.1.11", "Minimize access to the approval sub-resource of certificatesigningrequests objects"),
        ("5.1.12", "Minimize access to webhook configuration objects"),
        ("5.1.13", "Minimize access to the service account token creation"),
        ("5.2.1", "Ensure that the cluster has at least one active policy control mechanism in place"),
        ("5.2.2", "Minimize the admission of privileged containers"),
        ("5.2.3", "Minimize the admission of containers wishing to share the host process ID namespace"),
        ("5.2.4", "Minimize the admission of containers wishing to share the host IPC namespace"),
        ("5.2.5", "Minimize the admission of containers wishing to share the host network namespace"),
        ("5.2.6", "Minimize the admission of containers with allowPrivilegeEscalation"),
        ("5.2.7", "Minimize the admission of root containers"),
        ("5.2.8", "Minimize the admission of containers with the NET_RAW capability"),
        ("5.2.9", "Minimize the admission of containers with added capabilities"),
        ("5.2.10", "Minimize the admission of containers with capabilities assigned"),
        ("5.2.11", "Minimize the admission of Windows HostProcess containers"),
        ("5.2.12", "Minimize the admission of HostPath volumes"),
        ("5.2.13", "Minimize the admission of containers which use HostPorts"),
        ("5.3.1", "Ensure that the CNI in use supports NetworkPolicies"),
        ("5.3.2", "Ensure that all Namespaces have NetworkPolicies defined"),
        ("5.4.1", "Prefer using Secrets as files over Secrets as environment variables"),
        ("5.4.2", "Consider external secret storage"),
        ("5.5.1", "Configure Image Provenance using ImagePolicyWebhook admission controller"),
        ("5.7.1", "Create administrative boundaries between resources using namespaces"),
        ("5.7.2", "Ensure that the seccomp profile is set to docker/default in your Pod definitions"),
        ("5.7.3", "Apply SecurityContext to your Pods and Containers"),
        ("5.7.4", "The default namespace should not be used"),
    ]

    /// CIS Docker Benchmark v1.6.0, section 4 (Container Images and Build File) and the controls of
    /// section 5 (Container Runtime) a Dockerfile can show.
    static let cisDocker: [(String, String)] = [
        ("4.1", "Ensure that a user for the container has been created"),
        ("4.2", "Ensure that containers use only trusted base images"),
        ("4.3", "Ensure that unnecessary packages are not installed in the container"),
        ("4.4", "Ensure images are scanned and rebuilt to include security patches"),
        ("4.5", "Ensure Content trust for Docker is Enabled"),
        ("4.6", "Ensure that HEALTHCHECK instructions have been added to container images"),
        ("4.7", "Ensure update instructions are not used alone in the Dockerfile"),
        ("4.8", "Ensure setuid and setgid permissions are removed"),
        ("4.9", "Ensure that COPY is used instead of ADD in Dockerfiles"),
        ("4.10", "Ensure secrets are not stored in Dockerfiles"),
        ("4.11", "Ensure only verified packages are installed"),
        ("4.12", "Ensure all signed artifacts are validated"),
        ("5.7", "Ensure sshd is not run within containers"),
    ]

    /// NSA/CISA Kubernetes Hardening Guide v1.2: the sections rules cite, by a short name.
    static let nsaKubernetes: [(String, String)] = [
        ("non-root-containers", "Kubernetes Pod security: non-root containers and rootless container engines"),
        ("immutable-containers", "Kubernetes Pod security: immutable container file systems"),
        ("secure-container-images", "Kubernetes Pod security: building secure container images"),
        ("pod-security", "Kubernetes Pod security: Pod security enforcement"),
        ("service-account-tokens", "Kubernetes Pod security: protecting Pod service account tokens"),
        ("container-environments", "Kubernetes Pod security: hardening container environments"),
        ("namespaces", "Network separation and hardening: namespaces"),
        ("network-separation", "Network separation and hardening: network policies"),
        ("resource-policies", "Network separation and hardening: resource policies"),
        ("encryption", "Network separation and hardening: encryption"),
        ("secrets", "Network separation and hardening: secrets"),
        ("cloud-infrastructure", "Network separation and hardening: protecting sensitive cloud infrastructure"),
        ("authentication-authorization", "Authentication and authorization"),
        ("rbac", "Authentication and authorization: role-based access control"),
        ("rbac-least-privilege", "Authentication and authorization: least privilege for users and service accounts"),
    ]

    /// NIST SP 800-190 (Application Container Security Guide), section 4 (countermeasures).
    static let nist800190: [(String, String)] = [
        ("4.1.1", "Image vulnerabilities"),
        ("4.1.2", "Image configuration defects"),
        ("4.1.3", "Embedded malware"),
        ("4.1.4", "Embedded clear text secrets"),
        ("4.1.5", "Use of untrusted images"),
        ("4.2.1", "Insecure connections to registries"),
        ("4.2.2", "Stale images in registries"),
        ("4.2.3", "Insufficient authentication and authorization restrictions"),
        ("4.3.1", "Unbounded administrative access"),
        ("4.3.2", "Unauthorized access"),
        ("4.3.3", "Poorly separated inter-container network traffic"),
        ("4.3.4", "Mixing of workload sensitivity levels"),
        ("4.3.5", "Orchestrator node trust"),
        ("4.4.1", "Vulnerabilities within the runtime software"),
        ("4.4.2", "Unbounded network access from containers"),
        ("4.4.3", "Insecure container runtime configurations"),
        ("4.4.4", "App vulnerabilities"),
        ("4.4.5", "Rogue containers"),
        ("4.5.1", "Large attack surface"),
        ("4.5.2", "Shared kernel"),
        ("4.5.3", "Host OS component vulnerabilities"),
        ("4.5.4", "Improper user access rights"),
        ("4.5.5", "Host OS file system tampering"),
    ]

    /// OWASP Kubernetes Top Ten (2022).
    static let owaspKubernetes: [(String, String)] = [
        ("K01", "Insecure Workload Configurations"),
        ("K02", "Supply Chain Vulnerabilities"),
        ("K03", "Overly Permissive RBAC Configurations"),
        ("K04", "Lack of Centralized Policy Enforcement"),
        ("K05", "Inadequate Logging and Monitoring"),
        ("K06", "Broken Authentication Mechanisms"),
        ("K07", "Missing Network Segmentation Controls"),
        ("K08", "Secrets Management Failures"),
        ("K09", "Misconfigured Cluster Components"),
        ("K10", "Outdated and Vulnerable Kubernetes Components"),
    ]

    /// Pod Security Standards, baseline level: the pod-security-admission check ids.
    static let pssBaseline: [(String, String)] = [
        ("hostNamespaces", "Host Namespaces"),
        ("privileged", "Privileged Containers"),
        ("capabilities_baseline", "Capabilities"),
        ("hostPathVolumes", "HostPath Volumes"),
        ("hostPorts", "Host Ports"),
        ("appArmorProfile", "AppArmor"),
        ("seLinuxOptions", "SELinux"),
        ("procMount", "/proc Mount Type"),
        ("seccompProfile_baseline", "Seccomp"),
        ("sysctls", "Sysctls"),
        ("windowsHostProcess", "HostProcess"),
        ("hostProbesAndHostLifecycle", "Host Probes / Lifecycle Hooks"),
    ]

    /// Pod Security Standards, restricted level (on top of baseline).
    static let pssRestricted: [(String, String)] = [
        ("restrictedVolumes", "Volume Types"),
        ("allowPrivilegeEscalation", "Privilege Escalation"),
        ("runAsNonRoot", "Running as Non-root"),
        ("runAsUser", "Running as Non-root user"),
        ("seccompProfile_restricted", "Seccomp"),
        ("capabilities_restricted", "Capabilities"),
        ("procMount_restricted", "/proc Mount Type"),
    ] + pssBaseline
}
