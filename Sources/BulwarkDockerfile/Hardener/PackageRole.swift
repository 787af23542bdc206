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

    /// The programs a package installs or brings in (`build-essential` → `make`, `gcc` …; any
    /// other package → its own name). Where the table comes from, and which entries were checked
    /// against a package's file list: docs/facts.md, "Packages and the commands they provide".
    static func programs(of package: String) -> [String] {
        let name = baseName(package)
        if let programs = providedPrograms[name] { return programs }
        for (prefix, programs) in providedPrefixes where name.hasPrefix(prefix) { return programs + [name] }
        return [name]
    }

    static let providedPrograms: [String: [String]] = [
        "build-essential": ["gcc", "g++", "cc", "c++", "cpp", "make", "dpkg-buildpackage"],
        "build-base": ["gcc", "g++", "cc", "c++", "cpp", "make"],
        "gcc": ["gcc", "cc", "cpp", "gcc-ar", "gcc-nm", "gcc-ranlib", "gcov", "c89-gcc", "c99-gcc"], "g++": ["g++", "c++"], "clang": ["clang", "clang++", "cc", "c++"],
        "make": ["make", "gmake"], "cmake": ["cmake", "ctest", "cpack"], "ninja-build": ["ninja"],
        "pkg-config": ["pkg-config"], "pkgconf": ["pkg-config", "pkgconf"],
        "git": ["git", "git-receive-pack", "git-shell", "git-upload-archive", "git-upload-pack", "scalar"], "git-lfs": ["git-lfs", "git"], "subversion": ["svn"], "mercurial": ["hg"],
        "curl": ["curl"], "wget": ["wget"], "aria2": ["aria2c"],
        "unzip": ["unzip", "funzip", "unzipsfx", "zipgrep", "zipinfo"], "zip": ["zip"], "xz-utils": ["xz", "unxz", "xzcat", "xzgrep", "xzless", "xzdiff", "lzmainfo"], "bzip2": ["bzip2", "bunzip2", "bzcat", "bzgrep", "bzless", "bzdiff", "bzip2recover"],
        "zstd": ["zstd", "unzstd", "zstdcat", "zstdgrep", "zstdmt", "pzstd"], "p7zip-full": ["7z", "7za"], "tar": ["tar"], "gzip": ["gzip", "gunzip", "zcat", "zgrep", "zless", "zdiff", "uncompress"],
        "gnupg": ["gpg", "gpg-agent", "gpgv", "gpgconf", "dirmngr"], "gnupg2": ["gpg", "gpg2", "gpgv"], "gpg": ["gpg"], "gpgv": ["gpgv"],
        "openssl": ["openssl", "c_rehash"], "jq": ["jq"], "yq": ["yq"],
        "vim": ["vim", "vi"], "vim-tiny": ["vim", "vi"], "vim-nox": ["vim", "vi"], "neovim": ["nvim"],
        "iputils-ping": ["ping"], "inetutils-ping": ["ping"],
        "netcat": ["nc", "netcat"], "netcat-openbsd": ["nc", "netcat"], "netcat-traditional": ["nc", "netcat"], "ncat": ["ncat", "nc"],
        "dnsutils": ["dig", "nslookup", "host"], "bind9-dnsutils": ["dig", "nslookup", "host"], "bind-tools": ["dig", "nslookup", "host"],
        "net-tools": ["ifconfig", "netstat", "route", "arp"], "iproute2": ["ip", "ss", "tc", "bridge"],
        "openssh-client": ["ssh", "scp", "sftp", "ssh-keygen", "ssh-keyscan", "ssh-add", "ssh-agent", "ssh-copy-id"], "openssh-server": ["sshd"],
        "emacs": ["emacs"], "emacs-nox": ["emacs"], "procps": ["ps", "top", "kill", "pgrep", "pkill", "free", "watch", "pmap", "sysctl", "uptime", "vmstat", "w"],
        "psmisc": ["killall", "pstree", "fuser", "peekfd", "prtstat"], "less": ["less", "lesspipe", "lessfile"], "file": ["file"], "rsync": ["rsync"],
        "sudo": ["sudo"], "tini": ["tini"], "dumb-init": ["dumb-init"], "gosu": ["gosu"], "su-exec": ["su-exec"],
        "python3": ["python3", "python"], "python3-pip": ["pip", "pip3"], "python3-venv": ["python3"],
        "nodejs": ["node", "nodejs"], "npm": ["npm", "npx"], "default-jre": ["java"], "default-jre-headless": ["java"],
        "golang": ["go", "gofmt"], "golang-go": ["go", "gofmt"], "go": ["go", "gofmt"], "cargo": ["cargo"], "rustc": ["rustc"],
        "ffmpeg": ["ffmpeg", "ffprobe"], "libcap2-bin": ["setcap", "getcap", "capsh"], "passwd": ["useradd", "groupadd", "usermod"],
        "shadow": ["useradd", "groupadd", "usermod"], "coreutils": ["cp", "mv", "ln", "cat", "chmod", "chown", "sha256sum"],
        "ca-certificates": ["update-ca-certificates"],
    ]
    static let providedPrefixes: [(String, [String])] = [("gcc-", ["gcc", "cc"]), ("g++-", ["g++", "c++"]), ("clang-", ["clang", "cc"])]

    /// Packages no command names but that programs use: `ca-certificates` holds the trust store
    /// curl, wget, git, pip and Python's `urllib` read for https. Kept while any of them is.
    static let implicitDependencies: [String: Set<String>] = [
        "ca-certificates": ["curl", "wget", "git", "pip", "pip3", "python", "python3", "uv", "aria2c", "openssl", "conda", "apt-get", "apk"],
    ]

    /// True when a package is needed because of the programs in `used`: it provides one of them,
    /// or one of them reads its files.
    static func isUsed(_ package: String, by used: Set<String>) -> Bool {
        if programs(of: package).contains(where: used.contains) { return true }
        if let readers = implicitDependencies[baseName(package)], !readers.isDisjoint(with: used) { return true }
        return false
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
