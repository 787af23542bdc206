/// Who reaches whom on which ports: every source × destination pair of a `NetworkReachability`.
///
/// The pairs are not stored. They are computed from classes of endpoints (see
/// `ReachabilityClasses`) when they are read: `rows`, which the table and the JSON are made of,
/// cost what each source reaches plus the destinations its policies relate it to, so that the
/// matrix of thousands of workloads costs what they reach, not the square of their number.
/// `entries` still offers every pair, one at a time.
///
/// ```swift
/// let matrix = network.matrix()
/// for row in matrix.rows {
///     row.source.id                    // "ml-inference/model-server"
///     row.reached.map(\.to.id)         // ["kube-system/kube-dns", "10.20.30.1"]
///     row.denied                       // the other destinations of the row
/// }
/// matrix.entry(from: "gateway/api", to: "ml-inference/model-server")?.ports
/// ```
public struct ReachabilityMatrix: Sendable {
    public struct Entry: Sendable {
        public let from: NetworkEndpoint
        public let to: NetworkEndpoint
        public let ports: PortSet

        public var allowed: Bool { !ports.isEmpty }
    }

    /// One source and the destinations it reaches.
    public struct Row: Sendable {
        public let source: NetworkEndpoint
        /// The allowed entries, in the order of `destinations`.
        public let reached: [Entry]
        /// How many destinations of the row the source cannot reach.
        public let denied: Int
        /// How many destinations the row has: all of them, or only the pods for a source outside the cluster.
        public var count: Int { reached.count + denied }
    }

    /// Every pair with at least one pod (two addresses outside the cluster are none of
    /// NetworkPolicy's business), source-major; each entry is computed when it is read.
    public struct Entries: RandomAccessCollection, Sendable {
        let classes: ReachabilityClasses
        /// The position of each source's first entry, then the number of entries.
        let starts: [Int]

        public var startIndex: Int { 0 }
        public var endIndex: Int { starts.last ?? 0 }

        public subscript(position: Int) -> Entry {
            precondition(position >= 0 && position < endIndex, "entry \(position) is out of range")
            var low = 0
            var high = starts.count - 1
            while low + 1 < high {
                let middle = (low + high) / 2
                if starts[middle] <= position { low = middle } else { high = middle }
            }
            let offset = position - starts[low]
            let destination = classes.sources[low].isPod ? offset : classes.podDestinations[offset]
            return Entry(from: classes.sources[low], to: classes.destinations[destination],
                         ports: classes.ports(from: low, to: destination) ?? .none)
        }
    }

    /// The rows in source order, each computed when the sequence reaches it.
    public struct Rows: Sequence, Sendable {
        let classes: ReachabilityClasses

        public struct Iterator: IteratorProtocol {
            let classes: ReachabilityClasses
            var position = 0
            var scratch = ReachabilityClasses.RowScratch()

            public mutating func next() -> Row? {
                guard position < classes.sources.count else { return nil }
                defer { position += 1 }
                let (reached, count) = classes.row(position, scratch: &scratch)
                let source = classes.sources[position]
                return Row(source: source, reached: reached.map { Entry(from: source, to: classes.destinations[$0.destination], ports: $0.ports) },
                           denied: count - reached.count)
            }
        }

        public func makeIterator() -> Iterator { Iterator(classes: classes) }
        public var underestimatedCount: Int { classes.sources.count }
    }

    public let sources: [NetworkEndpoint]
    public let destinations: [NetworkEndpoint]
    public let entries: Entries
    let classes: ReachabilityClasses

    init(classes: ReachabilityClasses) {
        self.classes = classes
        sources = classes.sources
        destinations = classes.destinations
        var starts = [0]
        starts.reserveCapacity(classes.sources.count + 1)
        for source in classes.sources {
            starts.append((starts.last ?? 0) + (source.isPod ? classes.destinations.count : classes.podDestinations.count))
        }
        entries = Entries(classes: classes, starts: starts)
    }

    /// The rows, in source order.
    public var rows: Rows { Rows(classes: classes) }

    /// The entry of a pair, by endpoint ids (the first source and destination with those ids).
    public func entry(from source: String, to destination: String) -> Entry? {
        guard let from = sources.firstIndex(where: { $0.id == source }),
              let to = destinations.firstIndex(where: { $0.id == destination }),
              let ports = classes.ports(from: from, to: to) else { return nil }
        return Entry(from: sources[from], to: destinations[to], ports: ports)
    }

    /// Steps the classes took so far (see `ReachabilityClasses.work`).
    var work: Int { classes.work }
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
        return ReachabilityMatrix(classes: ReachabilityClasses(self, sources: sourceList, destinations: destinationList))
    }
}
