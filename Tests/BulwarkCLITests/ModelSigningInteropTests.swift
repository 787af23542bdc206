import BulwarkTestSupport
import Foundation
import Testing

/// `scripts/model-signing-interop`: the built `bulwark` and the reference (PyPI model-signing,
/// pinned) verify each other's signatures on every curve, and refuse each other's tampered models.
/// Needs PyPI the first time (the reference is installed into .build/interop-venv): in CI it must
/// run; elsewhere, when pip cannot reach PyPI (the script exits 77), the test says why and skips.
@Suite struct ModelSigningInteropTests {
    @Test func bulwarkAndTheReferenceVerifyEachOthersSignatures() throws {
        // Refuses a stale binary, as every test of the executable does.
        _ = try CommandRunner.run(["--version"])
        let script = CommandRunner.packageRoot.appendingPathComponent("scripts/model-signing-interop").path
        let result = try CommandRunner.runTool("/usr/bin/env", ["BULWARK=\(CommandRunner.executable.path)", "/bin/bash", script])
        let output = result.stdout + result.stderr
        if result.status == 77 {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                print("SKIPPED-IN-CI: model-signing interop could not install the reference from PyPI:\n\(output)")
                Issue.record("the model-signing interop test must run in CI, but PyPI was not reachable:\n\(output)")
            } else {
                print("skipped: model-signing interop needs PyPI to install the reference once, and pip could not reach it:\n\(output)")
            }
            return
        }
        #expect(result.status == 0, "\(output)")
        #expect(output.contains(", 0 failed"), "\(output)")
    }
}
