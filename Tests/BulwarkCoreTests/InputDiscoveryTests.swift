import BulwarkCore
import Foundation
import Testing

/// Which folders the walk leaves out: build and dependency folders only when they are what their
/// name says, each named with the reason; folders that merely start like one are walked.
@Suite struct InputDiscoveryTests {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-discovery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func write(_ relative: String, in root: URL, _ text: String = "apiVersion: v1\nkind: Pod\n") throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func relative(_ paths: [String], to root: URL) -> [String] {
        paths.map { String($0.dropFirst(root.path.count + 1)) }
    }

    /// A CI folder named `.buildkite` (or `.build-config`) holding manifests is walked.
    @Test func foldersThatOnlyStartLikeABuildFolderAreWalked() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(".buildkite/privileged-pod.yaml", in: root)
        try write(".build-config/pod.yaml", in: root)
        try write(".build/pod.yaml", in: root)  // a `.build` without SwiftPM's files: someone's manifests
        let found = InputDiscovery.files(under: [root.path])
        #expect(relative(found.files.map(\.path), to: root) == [".build/pod.yaml", ".build-config/pod.yaml", ".buildkite/privileged-pod.yaml"])
        #expect(found.skipped.isEmpty)
    }

    @Test func buildAndDependencyFoldersAreSkippedWhenTheirMarkersHold() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(".build/workspace-state.json", in: root, "{}")
        try write(".build/checkouts/dep/pod.yaml", in: root)
        try write(".build-linux/debug.yaml", in: root, "client: {}\n")
        try write(".git/HEAD", in: root, "ref: refs/heads/main\n")
        try write("node_modules/x/pod.yaml", in: root)
        try write(".venv/pyvenv.cfg", in: root, "home = /usr/bin\n")
        try write("venv/pod.yaml", in: root)  // no pyvenv.cfg: not a virtualenv
        try write("k8s/pod.yaml", in: root)
        let found = InputDiscovery.files(under: [root.path])
        #expect(relative(found.files.map(\.path), to: root) == ["k8s/pod.yaml", "venv/pod.yaml"])
        let skipped = Dictionary(uniqueKeysWithValues: found.skipped.map { (String($0.path.dropFirst(root.path.count + 1)), $0.reason) })
        #expect(skipped == [
            ".build": "SwiftPM build folder (holds workspace-state.json), not walked (name it to scan it)",
            ".build-linux": "SwiftPM build folder (holds debug.yaml), not walked (name it to scan it)",
            ".git": "version control folder, not walked (name it to scan it)",
            ".venv": "Python virtualenv folder (holds pyvenv.cfg), not walked (name it to scan it)",
            "node_modules": "installed dependencies folder, not walked (name it to scan it)",
        ])
    }

    /// A skipped folder named on the command line is read.
    @Test func aSkippedFolderNamedOnTheCommandLineIsWalked() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(".build/workspace-state.json", in: root, "{}")
        try write(".build/pod.yaml", in: root)
        let found = InputDiscovery.files(under: [root.appendingPathComponent(".build").path])
        #expect(found.files.map(\.fileName) == ["pod.yaml", "workspace-state.json"])
    }
}
