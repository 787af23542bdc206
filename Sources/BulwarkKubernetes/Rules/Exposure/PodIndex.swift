import BulwarkCore
import Foundation

extension ExposureRules {
    /// Pods of the inventory indexed by namespace and label, so that selecting the pods of a Service
    /// costs a lookup plus the candidates sharing one of its labels, not a pass over the inventory.
    struct PodIndex {
        struct Entry {
            let pod: PodSpecView
            let labels: [String: String]
            /// The object it is judged through: the top of its controllers in the input, else itself
            /// (see `Ownership`); the Pods of a Deployment count as the Deployment.
            let judgedAs: Int
            let isJudged: Bool
        }

        private(set) var entries: [Entry] = []
        private var byLabel: [String: [String: [Int]]] = [:]  // namespace → "key=value" → entries

        init(_ index: InventoryIndex) {
            for (objectPosition, pods) in index.podSpecsByObject.enumerated() {
                let top = index.ownership.judgedThrough[objectPosition]
                for pod in pods where pod.describesRunningPods {
                    add(Entry(pod: pod, labels: pod.runningPodLabels, judgedAs: top ?? objectPosition, isJudged: top == nil))
                }
            }
            // The pods operators create from custom resources of the input (Prometheus …).
            for (number, pod) in OperatorPods.views(in: index).enumerated() {
                add(Entry(pod: pod, labels: pod.podLabels, judgedAs: index.objects.count + number, isJudged: true))
            }
        }

        private mutating func add(_ entry: Entry) {
            let position = entries.count
            entries.append(entry)
            let namespace = entry.pod.object.effectiveNamespace ?? "default"
            for (key, value) in entry.labels {
                byLabel[namespace, default: [:]]["\(key)=\(value)", default: []].append(position)
            }
        }

        /// The pods in `namespace` whose labels include every pair of a Service-style selector map;
        /// none for a missing or empty selector (a Service without selector selects no pods).
        func selected(by selector: YAMLNode?, namespace: String) -> [PodSpecView] {
            let wanted = selector?.stringMap ?? [:]
            guard !wanted.isEmpty, let labels = byLabel[namespace] else { return [] }
            // Start from the rarest pair of the selector.
            var candidates: [Int]?
            for (key, value) in wanted {
                let list = labels["\(key)=\(value)"] ?? []
                if candidates.map({ list.count < $0.count }) ?? true { candidates = list }
            }
            guard let candidates else { return [] }
            let matched = candidates.lazy.map { entries[$0] }.filter { entry in wanted.allSatisfy { entry.labels[$0.key] == $0.value } }
            // One pod spec per object judged (and role): the controller's own when it is selected
            // too, else the first of the objects judged through it.
            struct Key: Hashable {
                let object: Int
                let role: String?
            }
            var chosen: [Key: Entry] = [:]
            var order: [Key] = []
            for entry in matched {
                let key = Key(object: entry.judgedAs, role: entry.pod.role)
                if let previous = chosen[key] {
                    if !previous.isJudged && entry.isJudged { chosen[key] = entry }
                } else {
                    chosen[key] = entry
                    order.append(key)
                }
            }
            let ranked = order.enumerated().sorted { ($0.element.object, $0.offset) < ($1.element.object, $1.offset) }
            return ranked.compactMap { chosen[$0.element]?.pod }
        }
    }
}
