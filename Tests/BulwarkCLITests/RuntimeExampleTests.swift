import BulwarkTestSupport
import Foundation
import Testing

/// `scripts/runtime-example`: the policy `bulwark runtime policy` derives from the hardened example's
/// manifests lets the example app serve `/predict` under `bulwark runtime run`, and refuses a shell, a copy
/// of it and a connection to 127.0.0.2:4444 from inside the app's cgroup. Needs root and, the first time,
/// PyPI (the app's dependencies go into .build/runtime-example-venv): in CI both hold and it must run.
@Suite struct RuntimeExampleTests {
    @Test func derivedPolicyServesTheAppAndRefusesTheAttacks() throws {
        _ = try CommandRunner.run(["--version"])
        let script = CommandRunner.packageRoot.appendingPathComponent("scripts/runtime-example").path
        let result = try CommandRunner.runTool("/usr/bin/env", ["BULWARK=\(CommandRunner.executable.path)", "/bin/bash", script])
        let output = result.stdout + result.stderr
        if result.status == 77 || result.status == 78 {
            let why = result.status == 77 ? "PyPI was not reachable to install the app's dependencies" : "it needs root"
            if ProcessInfo.processInfo.environment["CI"] != nil {
                print("SKIPPED-IN-CI: the runtime example could not run: \(why):\n\(output)")
                Issue.record("the runtime example must run in CI, but \(why):\n\(output)")
            } else {
                print("skipped: the runtime example could not run: \(why)")
            }
            return
        }
        #expect(result.status == 0, "\(output)")
        #expect(output.contains(", 0 failed"), "\(output)")
    }
}
