import BulwarkCore

/// Matches installed packages against advisories: which OSV records affect which package, merged
/// where records alias each other, with the fixed versions and the severity.
///
/// For each package with an `ecosystem`, the source is asked for (ecosystem, name) and — for deb
/// and apk, whose OSV advisories (Debian, Ubuntu, Alpine) name source packages — also for
/// (ecosystem, `sourceName`), compared with `sourceVersion ?? version`. Versions are ordered by
/// `VersionScheme.of(ecosystem:)` (`SEMVER` ranges by `.semver`); see `AffectedVersions` for the
/// range walk. Nothing is dropped silently: an installed version that does not parse, an advisory
/// range that does not, and a failed lookup are errors naming the package (and the advisory).
public enum AdvisoryMatcher {
    public static func match(_ packages: [InstalledPackage], source: any AdvisorySource)
        -> (matches: [VulnerabilityMatch], errors: [InputError])
    {
        var matches: [VulnerabilityMatch] = []
        var errors: [InputError] = []
        for package in packages {
            let result = match(package, source: source)
            matches += result.matches
            errors += result.errors
        }
        return (matches, errors)
    }

    /// One advisory that matched one package, before merging.
    struct Candidate {
        var advisory: Advisory
        var fixed: [String]
        var severity: AdvisorySeverity
        /// The id and its aliases.
        var ids: Set<String>
    }

    static func match(_ package: InstalledPackage, source: any AdvisorySource) -> (matches: [VulnerabilityMatch], errors: [InputError]) {
        guard let ecosystem = package.ecosystem else { return ([], []) }
        let scheme = VersionScheme.of(ecosystem: ecosystem)
        let label = "package \(package.name) \(package.version) (\(ecosystem))"
        var errors: [InputError] = []
        var queries = [(name: package.name, version: package.version)]
        if package.kind == .deb || package.kind == .apk, let sourceName = package.sourceName, sourceName != package.name {
            queries.append((sourceName, package.sourceVersion ?? package.version))
        }
        let key = EcosystemKey(ecosystem)
        var candidates: [Candidate] = []
        for query in queries {
            guard scheme.compare(query.version, query.version) != nil else {
                errors.append(InputError(file: package.path, message: "\(label): version \"\(query.version)\" does not parse as a \(scheme.rawValue) version; not matched against advisories"))
                continue
            }
            let advisories: [Advisory]
            do {
                advisories = try source.advisories(ecosystem: ecosystem, package: query.name)
            } catch let error as InputError {
                errors.append(error)
                continue
            } catch {
                errors.append(InputError(file: package.path, message: "\(label): advisories could not be read: \(error)"))
                continue
            }
            let wanted = key.normalizedName(query.name)
            for advisory in advisories where advisory.withdrawn == nil {
                var hit: (entry: AffectedPackage, fixed: [String])?
                for entry in advisory.affected {
                    let entryKey = EcosystemKey(entry.ecosystem)
                    guard entryKey == key, entryKey.normalizedName(entry.name) == wanted else { continue }
                    let evaluation = AffectedVersions.evaluate(entry, version: query.version, scheme: scheme)
                    for problem in evaluation.problems {
                        errors.append(InputError(file: package.path, message: "\(label): advisory \(advisory.id): \(problem)"))
                    }
                    if evaluation.affected {
                        hit = (entry, (hit?.fixed ?? []) + evaluation.fixed)
                    }
                }
                guard let hit else { continue }
                candidates.append(Candidate(advisory: advisory, fixed: AffectedVersions.sortedUnique(hit.fixed, scheme: scheme),
                                            severity: AdvisorySeverity.of(advisory, entry: hit.entry),
                                            ids: Set([advisory.id] + advisory.aliases)))
            }
        }
        let matches = merge(candidates, scheme: scheme).map { group -> VulnerabilityMatch in
            let primary = group[0]
            let others = Set(group.flatMap(\.ids)).subtracting([primary.advisory.id])
            let fixed = AffectedVersions.sortedUnique(group.flatMap(\.fixed), scheme: scheme)
            let severity = group.map(\.severity).filter { $0.basis != .assumed }.max { $0.severity < $1.severity } ?? primary.severity
            return VulnerabilityMatch(package: package, advisory: primary.advisory, ids: [primary.advisory.id] + sortedIDs(others),
                                      fixedVersions: fixed, severity: severity.severity, cvssScore: severity.score, cvssVector: severity.vector)
        }
        return (matches, Array(Set(errors)).sorted(by: InputError.inputOrder))
    }

    /// Groups candidates that share an id or alias (PYSEC-2018-66 and GHSA-562c-5r94-xh97 both
    /// alias CVE-2018-1000656), the same record found twice (by binary and by source name) once.
    /// In each group the primary (first) is the record with a fix, then the lowest id; groups are
    /// ordered by their primary's id.
    static func merge(_ candidates: [Candidate], scheme: VersionScheme) -> [[Candidate]] {
        var parent = Array(candidates.indices)
        func root(_ index: Int) -> Int {
            var index = index
            while parent[index] != index {
                parent[index] = parent[parent[index]]
                index = parent[index]
            }
            return index
        }
        var owner: [String: Int] = [:]
        for (index, candidate) in candidates.enumerated() {
            for id in candidate.ids {
                if let other = owner[id] {
                    parent[root(index)] = root(other)
                } else {
                    owner[id] = index
                }
            }
        }
        var groups: [Int: [Candidate]] = [:]
        for index in candidates.indices {
            groups[root(index), default: []].append(candidates[index])
        }
        return groups.values.map { group in
            var seen = Set<String>()
            return group.filter { seen.insert($0.advisory.id).inserted }.sorted { lhs, rhs in
                if lhs.fixed.isEmpty != rhs.fixed.isEmpty { return !lhs.fixed.isEmpty }
                return lhs.advisory.id < rhs.advisory.id
            }
        }.sorted { $0[0].advisory.id < $1[0].advisory.id }
    }

    /// CVE, then GHSA, then PYSEC, then the others; alphabetical within each.
    static func sortedIDs(_ ids: Set<String>) -> [String] {
        func rank(_ id: String) -> Int {
            if id.hasPrefix("CVE-") { return 0 }
            if id.hasPrefix("GHSA-") { return 1 }
            if id.hasPrefix("PYSEC-") { return 2 }
            return 3
        }
        return ids.sorted { (rank($0), $0) < (rank($1), $1) }
    }
}
