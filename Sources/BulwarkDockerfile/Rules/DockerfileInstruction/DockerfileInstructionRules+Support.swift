import BulwarkCore

/// Tables of the instruction rules: the archives ADD unpacks, the packages that install an SSH server.
extension DockerfileInstructionRules {
    static let archiveSuffixes = [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".gz", ".bz2", ".xz", ".zst"]

    static let sshPackages: Set<String> = ["openssh-server", "openssh", "dropbear", "ssh", "openssh-server-pam", "tinyssh"]
}
