import BulwarkCore

/// One scan rule per Pod Security Standards check. Each rule runs the evaluator's own check (not a
/// copy) at the `latest` policy version and reports one finding per offending field, so that
/// findings land on the line to fix. `bulwark pss` gives the aggregated verdicts per level.
///
/// The rules live in `PodSecurity/PodSecurityRules+<Topic>.swift`, their helpers next to them; this
/// is the one list of them.
public enum PodSecurityRules {
    public static let all: [KubernetesRule] = [
        hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, appArmorProfile, seLinuxOptions,
        procMount, seccompProfileBaseline, sysctls, windowsHostProcess, hostProbesAndHostLifecycle,
        restrictedVolumes, allowPrivilegeEscalation, capabilitiesRestricted, runAsNonRoot, seccompProfileRestricted,
        runAsUser, procMountRestricted,
    ]
}
