import Synchronization

/// Lets the rules of one RBAC rule set share one `RBACAssessment` per scan.
///
/// The engine runs each whole-inventory rule with the same `InventoryIndex`; building the
/// analyser (roles, aggregation, bindings, workloads) and joining bindings to roles once instead
/// of once per rule keeps the RBAC rules linear in one pass. The memo holds the assessment of the
/// last inventory it saw, recognised by the identity of its objects' YAML trees and files (held
/// strongly, so an identity cannot be reused while it is cached). A different inventory, or two
/// scans running at once, only means recomputing; a result never leaks between inventories.
final class RBACAssessmentMemo: Sendable {
    private struct Entry: Sendable {
        let objects: [KubeObject]
        let assessment: RBACAssessment
    }

    private let last = Mutex<Entry?>(nil)
    let subject: RBACSubject?
    let reportsWorkloadClusterAdmin: Bool

    init(subject: RBACSubject?, reportsWorkloadClusterAdmin: Bool) {
        self.subject = subject
        self.reportsWorkloadClusterAdmin = reportsWorkloadClusterAdmin
    }

    func assessment(of index: InventoryIndex) -> RBACAssessment {
        let cached = last.withLock { entry -> RBACAssessment? in
            guard let entry, RBACAssessmentMemo.same(entry.objects, index.objects) else { return nil }
            return entry.assessment
        }
        if let cached { return cached }
        let assessment = RBACAssessment(analyzer: RBACAnalyzer(index: index), subject: subject,
                                        reportsWorkloadClusterAdmin: reportsWorkloadClusterAdmin)
        last.withLock { $0 = Entry(objects: index.objects, assessment: assessment) }
        return assessment
    }

    static func same(_ lhs: [KubeObject], _ rhs: [KubeObject]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for position in lhs.indices where lhs[position].root !== rhs[position].root || lhs[position].file != rhs[position].file {
            return false
        }
        return true
    }
}
