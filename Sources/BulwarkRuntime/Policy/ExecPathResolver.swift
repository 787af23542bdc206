import Crypto
import Glibc

/// Turns the paths and bare program names of exec rules into files: an absolute path is resolved under
/// `root` (symlinks followed, never leaving `root`: a container's `/usr/bin/python3 -> /etc/alternatives/…`
/// stays inside the container's tree), a bare name (`python3`) on `searchPath`, where every match counts
/// (the image's `/usr/local/bin/python3` and a venv's `python3` are both what "python3" means) and matches
/// that are one file (a venv's symlink to `/usr/bin/python3.11`, `/bin` → `/usr/bin`) are kept once.
///
/// It also reads what the kernel executes besides the named file: an ELF's `PT_INTERP` (the dynamic
/// loader, which the kernel maps and runs) and a `#!` script's interpreter (and `/usr/bin/env NAME`'s NAME).
public struct ExecPathResolver: Sendable {
    /// The tree the paths live in (`/` on a host, a container's root filesystem otherwise).
    public var root: String
    /// Directories searched for bare names, in the tree's terms (`/usr/bin`, not `ROOT/usr/bin`).
    public var searchPath: [String]

    public init(root: String = "/", searchPath: [String]) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.searchPath = searchPath
    }

    /// The process's own `PATH` (what `bulwark runtime run` searches), or the usual directories.
    public static func environmentSearchPath() -> [String] {
        guard let value = getenv("PATH") else { return ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"] }
        return String(cString: value).split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
    }

    /// One file a rule names: the path as the tree sees it, where it is on this machine, and its identity.
    public struct ResolvedFile: Sendable, Hashable {
        /// The path the match was found under (`/opt/venv/bin/python3`), in the tree's terms.
        public var path: String
        /// The symlink-free path in the tree's terms (`/usr/bin/python3.11`).
        public var canonicalPath: String
        /// `root` + `canonicalPath`: where to open it from here.
        public var hostPath: String
        public var identity: FileIdentity
    }

    /// Every file `name` stands for: one for an absolute path, every distinct search-path match for a
    /// bare name; empty when nothing is found (or the file is not a regular file).
    public func resolve(_ name: String) -> [ResolvedFile] {
        if name.hasPrefix("/") { return resolveAbsolute(name).map { [$0] } ?? [] }
        var found: [ResolvedFile] = []
        var seen: Set<FileIdentity> = []
        for directory in searchPath where directory.hasPrefix("/") {
            guard let file = resolveAbsolute(directory + "/" + name), seen.insert(file.identity).inserted else { continue }
            found.append(file)
        }
        return found
    }

    /// An absolute path in the tree's terms, symlinks followed within `root`.
    public func resolveAbsolute(_ path: String) -> ResolvedFile? {
        guard let canonical = canonicalize(path) else { return nil }
        let host = hostPath(canonical)
        var status = stat()
        guard stat(host, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return ResolvedFile(path: path, canonicalPath: canonical, hostPath: host, identity: FileIdentity(status))
    }

    func hostPath(_ canonical: String) -> String {
        root == "/" ? canonical : root + canonical
    }

    /// Resolves `.`, `..` and symlinks component by component as the kernel would with `root` as `/`
    /// (at most 40 links, like `MAXSYMLINKS`); nil when a component is missing or links loop.
    func canonicalize(_ path: String) -> String? {
        var pending = path.split(separator: "/").map(String.init).reversed() as [String]
        var resolved: [String] = []
        var links = 0
        while let component = pending.popLast() {
            if component.isEmpty || component == "." { continue }
            if component == ".." {
                _ = resolved.popLast()  // `..` at the root stays at the root
                continue
            }
            let candidate = "/" + (resolved + [component]).joined(separator: "/")
            var status = stat()
            guard lstat(hostPath(candidate), &status) == 0 else { return nil }
            guard (status.st_mode & S_IFMT) == S_IFLNK else {
                resolved.append(component)
                continue
            }
            links += 1
            guard links <= 40, let target = readLink(hostPath(candidate)) else { return nil }
            if target.hasPrefix("/") { resolved = [] }
            pending += target.split(separator: "/").map(String.init).reversed()
        }
        return "/" + resolved.joined(separator: "/")
    }

    private func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, Int(PATH_MAX))
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - What else the kernel executes

    /// What the kernel runs besides the file itself when it is exec'd.
    public enum Companion: Sendable, Hashable {
        /// An ELF's `PT_INTERP` (`/lib64/ld-linux-x86-64.so.2`).
        case loader(String)
        /// A script's `#!` interpreter (`/opt/venv/bin/python3`).
        case interpreter(String)
        /// The program `#!/usr/bin/env NAME` runs: looked up on the search path.
        case envProgram(String)
    }

    /// The loader or interpreter of the file at `hostPath` (nothing for a static ELF or an unknown format).
    public func companions(ofHostPath hostPath: String) -> [Companion] {
        guard let head = Self.readHead(hostPath, count: 256) else { return [] }
        if head.starts(with: [0x7F, 0x45, 0x4C, 0x46]) {
            return Self.elfInterpreter(hostPath).map { [.loader($0)] } ?? []
        }
        guard head.starts(with: [0x23, 0x21]) else { return [] }  // "#!"
        // The kernel reads the interpreter line up to the first newline (BINPRM_BUF_SIZE 256 on 6.x).
        let line = head.dropFirst(2).prefix { $0 != 0x0A }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let interpreter = words.first else { return [] }
        var result: [Companion] = [.interpreter(interpreter)]
        if interpreter.hasSuffix("/env"), let program = words.dropFirst().first(where: { !$0.hasPrefix("-") }) {
            result.append(.envProgram(program))
        }
        return result
    }

    static func readHead(_ path: String, count: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, count) }
        guard got > 0 else { return nil }
        return Array(buffer[0..<got])
    }

    /// The `PT_INTERP` string of an ELF file (32- or 64-bit, either byte order). Written by hand: it is
    /// two fixed headers, and no mirrored package reads ELF.
    static func elfInterpreter(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        func readAt(_ offset: UInt64, _ count: Int) -> [UInt8]? {
            guard count > 0, count <= 1 << 16, offset < UInt64(Int64.max) else { return nil }
            var buffer = [UInt8](repeating: 0, count: count)
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
            return got == count ? buffer : nil
        }
        guard let header = readAt(0, 64), header[4] == 1 || header[4] == 2, header[5] == 1 || header[5] == 2 else { return nil }
        let is64 = header[4] == 2
        let little = header[5] == 1
        func integer(_ bytes: [UInt8], _ at: Int, _ width: Int) -> UInt64 {
            guard at + width <= bytes.count else { return 0 }
            var value: UInt64 = 0
            for index in 0..<width {
                let byte = UInt64(bytes[at + (little ? width - 1 - index : index)])
                value = value << 8 | byte
            }
            return value
        }
        let phoff = is64 ? integer(header, 32, 8) : integer(header, 28, 4)
        let phentsize = Int(integer(header, is64 ? 54 : 42, 2))
        let phnum = Int(integer(header, is64 ? 56 : 44, 2))
        guard phentsize >= (is64 ? 56 : 32), phnum > 0, phnum < 4096,
              let table = readAt(phoff, phentsize * phnum) else { return nil }
        for index in 0..<phnum {
            let base = index * phentsize
            guard integer(table, base, 4) == 3 else { continue }  // PT_INTERP
            let offset = is64 ? integer(table, base + 8, 8) : integer(table, base + 4, 4)
            let size = Int(clamping: is64 ? integer(table, base + 32, 8) : integer(table, base + 16, 4))
            guard size > 1, size <= 4096, let bytes = readAt(offset, size) else { return nil }
            let text = bytes.prefix { $0 != 0 }
            return text.isEmpty ? nil : String(decoding: text, as: UTF8.self)
        }
        return nil
    }

    /// Lower-case hex SHA-256 of a file's contents; nil when it cannot be read.
    public static func sha256(ofHostPath path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if got == 0 { break }
            hasher.update(data: buffer[0..<got])
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
