import BulwarkCore
import Foundation

extension ExposureRules {
    /// Pods of the inventory indexed by namespace and label, so that selecting the pods of a Service
    /// costs a lookup plus the candidates sharing one of its labels, not a pass over the inventory.
    struct PodIndex {
        struct Entry {
            let pod: PodSpecView
            let labels: [String: String]
        }

        private(set) var entries: [Entry] = []
        private var byLabel: [String: [String: [Int]]] = [:]  // namespace → "key=value" → entries

        init(_ index: InventoryIndex) {
            for pod in index.podSpecs where pod.describesRunningPods {
                let labels = pod.runningPodLabels
                let position = entries.count
                entries.append(Entry(pod: pod, labels: labels))
                let namespace = pod.object.effectiveNamespace ?? "default"
                for (key, value) in labels {
                    byLabel[namespace, default: [:]]["\(key)=\(value)", default: []].append(position)
                }
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
            return candidates.lazy.map { entries[$0] }
                .filter { entry in wanted.allSatisfy { entry.labels[$0.key] == $0.value } }
                .map(\.pod)
        }
    }
}
