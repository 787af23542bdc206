import BulwarkCore

/// The findings of one object (a Kubernetes object, a Dockerfile, an image, a model file), for the
/// per-object sections of the HTML report.
struct ObjectSection {
    /// What a finding is about: its Kubernetes object (without the container), else its file,
    /// named by the domain of its rule.
    struct Subject: Hashable {
        var kind: String
        var name: String

        init(_ finding: Finding) {
            if let object = finding.object {
                kind = object.kind
                name = object.namespace.map { $0.isEmpty ? object.name : "\($0)/\(object.name)" } ?? object.name
                return
            }
            name = finding.location.file
            switch finding.ruleId.prefix(while: { $0 != "/" }) {
            case "dockerfile": kind = "Dockerfile"
            case "image", "vuln": kind = "Image"
            case "model": kind = "Model file"
            default: kind = "File"
            }
        }

        var display: String { "\(kind) \(name)" }
    }

    /// The sections shown, and what the limits left out.
    struct Plan {
        var shown: [ObjectSection] = []
        var objectsLeftOut = 0
        var findingsLeftOut = 0
    }

    var subject: Subject
    /// Indices of the subject's unsuppressed findings, the most severe first, then in report order.
    var all: [Int]
    /// The ones listed in the section (the first `findingsPerObject`).
    var listed: [Int]
    var worst: Severity

    /// Objects with unsuppressed findings, the worst first (highest severity, then most findings,
    /// then name), cut at `limits.objectSections`.
    static func sections(of findings: [Finding], limits: HTMLReporter.Limits) -> Plan {
        var order: [Subject] = []
        var members: [Subject: [Int]] = [:]
        for (index, finding) in findings.enumerated() where !finding.suppressed {
            let subject = Subject(finding)
            if members[subject] == nil { order.append(subject) }
            members[subject, default: []].append(index)
        }
        var sections = order.map { subject in
            // The most severe first, then in report order.
            let indices = (members[subject] ?? []).enumerated().sorted { lhs, rhs in
                let (a, b) = (findings[lhs.element].severity, findings[rhs.element].severity)
                return a != b ? a > b : lhs.offset < rhs.offset
            }.map(\.element)
            return ObjectSection(
                subject: subject, all: indices, listed: Array(indices.prefix(max(0, limits.findingsPerObject))),
                worst: indices.map { findings[$0].severity }.max() ?? .info)
        }
        sections.sort { lhs, rhs in
            if lhs.worst != rhs.worst { return lhs.worst > rhs.worst }
            if lhs.all.count != rhs.all.count { return lhs.all.count > rhs.all.count }
            return (lhs.subject.kind, lhs.subject.name) < (rhs.subject.kind, rhs.subject.name)
        }
        var plan = Plan()
        let kept = max(0, limits.objectSections)
        plan.shown = Array(sections.prefix(kept))
        plan.objectsLeftOut = max(0, sections.count - kept)
        plan.findingsLeftOut = sections.dropFirst(kept).reduce(0) { $0 + $1.all.count }
        return plan
    }
}
