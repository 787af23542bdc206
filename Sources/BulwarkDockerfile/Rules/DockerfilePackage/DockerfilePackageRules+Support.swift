import BulwarkCore

/// Helpers shared by the package rules: the package-manager commands of a RUN, cache removal and
/// cache mounts, package lists for messages, build tools.
extension DockerfilePackageRules {
    static func packageCommands(_ view: InstructionView) -> [PackageCommand] {
        view.commands.compactMap(PackageCommand.init)
    }

    /// `rm` of a path under one of the prefixes in the commands.
    static func removes(_ commands: [SimpleCommand], under prefixes: [String]) -> Bool {
        commands.contains { command in
            guard command.program == "rm" else { return false }
            return command.operands.contains { word in prefixes.contains { word.value.hasPrefix($0) } }
        }
    }

    static func hasCacheMount(_ view: InstructionView, under prefixes: [String]) -> Bool {
        view.cacheMountTargets.contains { target in prefixes.contains { target.hasPrefix($0) } }
    }

    static func packages(_ command: PackageCommand, limit: Int = 6) -> String {
        let names = command.packageNames.map(\.word.value)
        guard !names.isEmpty else { return command.command.excerpt(limit: 60) }
        let shown = names.prefix(limit).joined(separator: " ")
        return names.count > limit ? shown + " …" : shown
    }

    static func pipInstalls(_ view: InstructionView) -> [PackageCommand] {
        packageCommands(view).filter { $0.manager == .pip && $0.action == "install" }
    }

    static let buildTools: Set<String> = [
        "gcc", "g++", "gcc-c++", "cpp", "clang", "llvm", "make", "cmake", "build-essential", "build-base", "alpine-sdk", "autoconf",
        "automake", "libtool", "pkg-config", "pkgconf", "gfortran", "gcc-gfortran", "git", "cargo", "rustc", "golang", "golang-go",
        "ninja-build", "ninja", "bison", "flex", "@development-tools", "development tools",
    ]

    static func isBuildTool(_ name: String) -> Bool {
        if buildTools.contains(name) { return true }
        if name.hasSuffix("-dev") || name.hasSuffix("-devel") { return true }
        for family in ["gcc-", "g++-", "clang-", "llvm-"] where name.hasPrefix(family) {
            if name.dropFirst(family.count).allSatisfy({ $0.isNumber || $0 == "." }) { return true }
        }
        return false
    }
}
