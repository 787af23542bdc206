/// Who reaches whom on which ports: every source × destination pair of a `NetworkReachability`.
public struct ReachabilityMatrix: Sendable {
    public struct Entry: Sendable {
        public let from: NetworkEndpoint
        public let to: NetworkEndpoint
        public let ports: PortSet

        public var allowed: Bool { !ports.isEmpty }
    }

    public let sources: [NetworkEndpoint]
    public let destinations: [NetworkEndpoint]
    /// Source-major, one per pair with at least one pod (two addresses outside the cluster are
    /// none of NetworkPolicy's business).
    public let entries: [Entry]

    /// The entry of a pair, by endpoint ids.
    public func entry(from source: String, to destination: String) -> Entry? {
        entries.first { $0.from.id == source && $0.to.id == destination }
    }
}

extension NetworkReachability {
    /// The default sources: every workload, then the addresses outside the cluster except the
    /// metadata service. The default destinations: every workload, the cluster DNS, then every
    /// address outside the cluster (internet, ipBlock addresses, the metadata service).
    public func matrix(sources: [NetworkEndpoint]? = nil, destinations: [NetworkEndpoint]? = nil) -> ReachabilityMatrix {
        let pods = workloads.map(\.endpoint)
        let sourceList = sources ?? (pods + externals.filter { $0.kind != .metadata })
        var destinationList = destinations ?? pods
        if destinations == nil {
            if let dns, !destinationList.contains(where: { $0.id == dns.id }) { destinationList.append(dns) }
            destinationList += externals
        }
        // Selection is computed once per endpoint; the pair loop only walks the selecting policies' rules.
        let sourceSelecting = sourceList.map(selectingIndices(of:))
        let destinationSelecting = destinationList.map(selectingIndices(of:))
        var entries: [ReachabilityMatrix.Entry] = []
        entries.reserveCapacity(sourceList.count * destinationList.count)
        for (i, source) in sourceList.enumerated() {
            for (j, destination) in destinationList.enumerated() where source.isPod || destination.isPod {
                let egress = evaluate(.egress, subject: source, peer: destination, selecting: sourceSelecting[i]).allowed
                let ports = egress.isEmpty ? egress
                    : egress.intersection(evaluate(.ingress, subject: destination, peer: source, selecting: destinationSelecting[j]).allowed)
                entries.append(ReachabilityMatrix.Entry(from: source, to: destination, ports: ports))
            }
        }
        return ReachabilityMatrix(sources: sourceList, destinations: destinationList, entries: entries)
    }
}
