/// What an OS package (apt or apk) is for, as far as the final image is concerned.
enum PackageRole: Sendable, Hashable {
    /// Compilers, headers and VCS: needed to build wheels, not to run them.
    case build
    /// Downloaders (`curl`, `wget`): kept in the builder only when a build step calls them.
    case download
    /// Editors, shells and network tools "handy for debugging": not part of a hardened image.
    case debug
    /// Anything else: a runtime dependency until proven otherwise.
    case runtime

    /// The role of a package name as written (`gcc=4:12.2.0-3`, `libpq-dev:amd64`).
    init(package word: String) {
        let name = Self.baseName(word)
        if Self.buildNames.contains(name) || Self.buildPrefixes.contains(where: { name.hasPrefix($0) })
            || Self.buildSuffixes.contains(where: { name.hasSuffix($0) })
        {
            self = .build
        } else if Self.downloadNames.contains(name) {
            self = .download
        } else if Self.debugNames.contains(name) || Self.debugPrefixes.contains(where: { name.hasPrefix($0) }) {
            self = .debug
        } else {
            self = .runtime
        }
    }

    /// The package name without a version (`=…`), release (`/…`) or architecture (`:…`).
    static func baseName(_ word: String) -> String {
        var name = Substring(word)
        for separator: Character in ["=", "/", ":"] {
            if let index = name.firstIndex(of: separator) { name = name[..<index] }
        }
        return name.lowercased()
    }

    /// The programs a package installs under another name (`build-essential` → `make`, `gcc`).
    static func programs(of package: String) -> [String] {
        switch baseName(package) {
        case "build-essential", "build-base": ["gcc", "g++", "make", "cc", "c++"]
        case "vim", "vim-tiny", "vim-nox": ["vim", "vi"]
        case "iputils-ping", "inetutils-ping": ["ping"]
        case "netcat", "netcat-openbsd", "netcat-traditional": ["nc", "netcat"]
        case "dnsutils", "bind9-dnsutils", "bind-tools": ["dig", "nslookup", "host"]
        case "net-tools": ["ifconfig", "netstat", "route"]
        case "openssh-client": ["ssh", "scp", "sftp"]
        case "openssh-server": ["sshd"]
        case "emacs", "emacs-nox": ["emacs"]
        case "procps": ["ps", "top", "kill"]
        case let name: [name]
        }
    }

    static let buildNames: Set<String> = [
        "build-essential", "build-base", "gcc", "g++", "cpp", "c++", "make", "cmake", "ninja-build", "ninja", "meson", "autoconf",
        "automake", "libtool", "libtool-bin", "pkg-config", "pkgconf", "pkgconfig", "git", "git-lfs", "subversion", "mercurial",
        "clang", "llvm", "gfortran", "swig", "bison", "flex", "patch", "cargo", "rustc", "golang", "golang-go", "go", "nasm",
        "yasm", "ccache", "python3-dev", "python-dev", "python3-pip", "python3-venv", "python3-setuptools", "python3-wheel",
        "dpkg-dev", "devscripts", "debhelper", "fakeroot", "musl-dev", "linux-headers", "libc-dev", "libc6-dev",
    ]
    static let buildPrefixes = ["gcc-", "g++-", "clang-", "llvm-", "cpp-", "linux-headers-", "cuda-toolkit", "cuda-nvcc", "cuda-compiler"]
    static let buildSuffixes = ["-dev", "-devel", "-headers"]
    static let downloadNames: Set<String> = ["curl", "wget"]
    static let debugNames: Set<String> = [
        "vim", "vim-tiny", "vim-nox", "neovim", "nano", "emacs", "emacs-nox", "less", "htop", "strace", "ltrace", "gdb",
        "tcpdump", "iputils-ping", "inetutils-ping", "net-tools", "telnet", "netcat", "netcat-openbsd", "netcat-traditional",
        "ncat", "nmap", "dnsutils", "bind9-dnsutils", "bind-tools", "openssh-client", "openssh-server", "ssh", "sudo", "man-db",
        "manpages", "tmux", "screen", "tree", "lsof", "sysstat", "iotop", "mc",
    ]
    static let debugPrefixes = ["emacs"]
}
