@testable import BulwarkKubernetes
import Testing

/// `netpol generate` verifies every port of the intent; its cost must follow the ports.
@Suite struct NetworkPolicyGeneratorCostTests {
    /// Each rule of the generated policies lists every serving port, and the generator asks about
    /// each of them: the work of verifying 2n ports is about twice that of n ports (the previous
    /// pass evaluated the pair again for every port, which quadrupled it).
    @Test func generatorVerificationGrowsWithThePorts() throws {
        func work(_ ports: Int) throws -> Int {
            let list = (0..<ports).map { "\(10_000 + 3 * $0)" + ($0 % 5 == 4 ? "/UDP" : "") }
            let intent = try NetworkIntent.parse("""
            namespace: ml-inference
            modelServer: {selector: {app: model-server}, ports: [\(list.map { "\"\($0)\"" }.joined(separator: ", "))]}
            gateway: {namespace: gateway, selector: {app: api-gateway}}
            registry: {cidr: 10.20.30.0/24, ports: [443]}
            """)
            var work = 0
            let checks = NetworkPolicyGenerator.verify(intent, policies: NetworkPolicyGenerator.yaml(intent), work: &work)
            let failures = checks.filter { !$0.passed }.map(\.summary)
            #expect(failures.isEmpty, "\(failures.prefix(3))")
            #expect(checks.count > ports)
            return work
        }
        let small = try work(400)
        let large = try work(800)
        #expect(Double(large) / Double(small) <= 2.5, "work \(small) → \(large)")
    }
}
