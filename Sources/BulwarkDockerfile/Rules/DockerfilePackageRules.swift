import BulwarkCore

/// OS and Python package-manager hygiene. Rules about size and attack surface (recommends, caches,
/// build tools, upgrades) look only at stages whose layers end up in the final image; rules about
/// correctness and integrity look at every stage.
///
/// The rules live in `DockerfilePackage/DockerfilePackageRules+<Topic>.swift`, their helpers next
/// to them; this is the one list of them.
public enum DockerfilePackageRules {
    public static let all: [DockerfileRule] = [
        updateAlone, noInstallRecommends, aptListsNotRemoved, aptUpgrade, aptInsteadOfAptGet, missingAssumeYes,
        apkWithoutNoCache, rpmCacheNotCleaned, pipNoCacheDir, pipWithoutHashes, buildToolsInFinalStage,
    ]
}
