@testable import BulwarkRuntime
import Testing

/// `--alert-only` and the fanotify plan's tracepoint backstop are transformations of a compiled policy.
@Suite struct PolicyModeTests {
    static let policy = CompiledPolicy(
        name: "p", ruleIDs: ["a", "b"],
        exec: CompiledExec(defaultAction: .deny, entries: [
            .init(identity: FileIdentity(device: 1, inode: 2), path: "/bin/sh", action: .deny, ruleIndex: 0),
            .init(identity: FileIdentity(device: 1, inode: 3), path: "/usr/bin/python3", action: .allow, inlineCode: .alert,
                  ruleIndex: 1),
            .init(identity: FileIdentity(device: 1, inode: 4), path: "/usr/bin/curl", action: .alert, ruleIndex: 1),
        ]),
        network: CompiledNetwork(defaultAction: .deny, prefixes: [
            .init(address: Array(repeating: 0, count: 16), prefixLength: 0,
                  ports: [.init(ports: 443...443, protocols: [.tcp], action: .deny, ruleIndex: 0),
                          .init(ports: 53...53, protocols: [.udp], action: .allow, ruleIndex: 1)]),
        ]))

    @Test func alertOnlyTurnsEveryDenyIntoAnAlertAndKeepsTheRest() {
        let soft = Self.policy.alertOnly
        #expect(soft.exec?.defaultAction == .alert)
        #expect(soft.exec?.entries.map(\.action) == [.alert, .allow, .alert])
        #expect(soft.exec?.entries[1].inlineCode == .alert)
        #expect(soft.network?.defaultAction == .alert)
        #expect(soft.network?.prefixes[0].ports.map(\.action) == [.alert, .allow])
    }

    @Test func backstopKeepsDenialsAndDropsAlerts() {
        let backstop = RuntimeAgent.backstop(Self.policy)
        #expect(backstop.exec?.defaultAction == .deny)
        #expect(backstop.exec?.entries.map(\.action) == [.deny, .allow, .allow])
        #expect(backstop.exec?.entries[1].inlineCode == .allow)
        #expect(backstop.network == Self.policy.network)
    }
}
