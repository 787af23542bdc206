import Foundation
import BulwarkCore

/// What applying VEX documents to one image's matches gave: the matches with `vex` set, and a
/// warning for each statement about this image (or a package in it) that no finding answered.
public struct VEXApplication: Sendable {
    public var matches: [VulnerabilityMatch]
    public var warnings: [InputWarning]
}

/// Applies VEX statements to an image's vulnerability matches.
///
/// A statement applies to a match when its vulnerability (or one of its aliases) is one of the
/// match's ids, compared case-insensitively, and one of its products is
/// - the package: a purl that covers the package's purl (or its source package's), ignoring
///   qualifier order and whatever the statement leaves out (`pkg:pypi/flask` is every flask,
///   `pkg:pypi/flask@0.12.2` only that version); or
/// - the image (`pkg:oci/…` or `pkg:docker/…` purl, `sha256:` digest, or an image reference) with
///   the package among its `subcomponents`, or with no subcomponents (then every package of it).
/// When several statements apply, the newest wins (the statement's timestamp, else its document's;
/// then the later document, then the later statement): OpenVEX's "later statements win".
public enum VEX {
    public static func apply(_ documents: [VEXDocument], to matches: [VulnerabilityMatch], imageReferences: [String],
                             imageDigest: String) -> [VulnerabilityMatch] {
        evaluate(documents, to: matches, imageReferences: imageReferences, imageDigest: imageDigest).matches
    }

    /// `apply`, with warnings. A statement that matches no finding is warned about only when it
    /// names this image or a package of `packages` (or of the matches): it is stale, or the
    /// database does not know the vulnerability for that version. Statements about other images
    /// and packages are expected in a VEX file shared by many images and are not warned about.
    public static func evaluate(_ documents: [VEXDocument], to matches: [VulnerabilityMatch], imageReferences: [String],
                                imageDigest: String, packages: [InstalledPackage] = []) -> VEXApplication {
        let image = ImageIdentity(references: imageReferences, digest: imageDigest)
        var ordered: [(statement: VEXStatement, order: Order)] = []
        for (documentIndex, document) in documents.enumerated() {
            for (index, statement) in document.statements.enumerated() {
                let time = statement.timestamp.flatMap(RFC3339.seconds)
                ordered.append((statement, Order(time: time, document: documentIndex, index: index)))
            }
        }
        var used = Set<Int>()
        var result = matches
        for position in result.indices {
            let match = result[position]
            let ids = Set((match.ids + [match.advisory.id] + match.advisory.aliases).map { $0.lowercased() })
            let purls = packageURLs(match.package)
            var best: (index: Int, order: Order)?
            for (index, entry) in ordered.enumerated()
            where entry.statement.ids.contains(where: { ids.contains($0.lowercased()) })
                && applies(entry.statement, to: purls, image: image) {
                if best.map({ $0.order < entry.order }) ?? true { best = (index, entry.order) }
            }
            if let best {
                used.insert(best.index)
                // Every applying statement counts as used: an older one overridden is not stale.
                for (index, entry) in ordered.enumerated() where entry.statement.ids.contains(where: { ids.contains($0.lowercased()) })
                    && applies(entry.statement, to: purls, image: image) {
                    used.insert(index)
                }
                result[position].vex = ordered[best.index].statement.decision
            }
        }
        let present = (packages + matches.map(\.package)).map(packageURLs)
        var warnings: [InputWarning] = []
        for (index, entry) in ordered.enumerated() where !used.contains(index) {
            let statement = entry.statement
            let aboutThisImage = statement.products.contains { product in
                product.identifiers.contains(where: image.isIdentified)
                    || present.contains { applies(statement, to: $0, image: ImageIdentity(references: [], digest: "")) }
            }
            if aboutThisImage {
                warnings.append(InputWarning(file: statement.file, line: statement.line, message: """
                    VEX statement (\(statement.status.rawValue)) for \(statement.vulnerability) matches no finding of this \
                    image: the vulnerability is not found in the package it names (stale statement, or the database \
                    does not list it for that version)
                    """))
            }
        }
        return VEXApplication(matches: result, warnings: warnings)
    }

    /// Whether one of the statement's products covers a package with these purls.
    static func applies(_ statement: VEXStatement, to purls: [PackageURLParts], image: ImageIdentity) -> Bool {
        statement.products.contains { product in
            if product.identifiers.contains(where: image.isIdentified) {
                return product.subcomponents.isEmpty || product.subcomponents.contains { covers($0, purls) }
            }
            return covers(product.identifiers, purls)
        }
    }

    private static func covers(_ identifiers: [String], _ purls: [PackageURLParts]) -> Bool {
        identifiers.contains { id in
            guard let product = PackageURLParts(id), !ImageIdentity.imageTypes.contains(product.type) else { return false }
            return purls.contains { product.covers($0) }
        }
    }

    /// The package's purl and, when it was built from a differently named source package (dpkg
    /// `Source:`, apk `o:`), the source's: Debian and Alpine advisories, and VEX about them, name
    /// source packages.
    static func packageURLs(_ package: InstalledPackage) -> [PackageURLParts] {
        var purls = PackageURLParts(package.purl).map { [$0] } ?? []
        if let sourceName = package.sourceName, var source = purls.first {
            source.name = PackageURLParts.normalizedName(sourceName, type: source.type)
            source.version = package.sourceVersion ?? package.version
            purls.append(source)
        }
        return purls
    }

    struct Order: Comparable {
        var time: Double?
        var document: Int
        var index: Int

        static func < (lhs: Order, rhs: Order) -> Bool {
            let left = lhs.time ?? -.infinity, right = rhs.time ?? -.infinity
            if left != right { return left < right }
            return (lhs.document, lhs.index) < (rhs.document, rhs.index)
        }
    }
}

/// The image a statement's product may name: by digest, by purl (`pkg:oci/app@sha256%3A…?repository_url=…&tag=…`,
/// `pkg:docker/org/app@1.0`), or by reference (`ghcr.io/org/app:1.0`, `app@sha256:…`).
struct ImageIdentity {
    static let imageTypes: Set<String> = ["oci", "docker"]

    let references: [ImageReference]
    let digest: String

    init(references: [String], digest: String) {
        self.references = references.compactMap { ImageReference($0) }
        self.digest = digest.lowercased()
    }

    func isIdentified(by identifier: String) -> Bool {
        let id = identifier.trimmingCharacters(in: .whitespaces)
        if id.lowercased().hasPrefix("sha256:") { return !digest.isEmpty && id.lowercased() == digest }
        if let purl = PackageURLParts(id) {
            guard Self.imageTypes.contains(purl.type) else { return false }
            if let version = purl.version, version.lowercased().hasPrefix("sha256:") {
                return !digest.isEmpty && version.lowercased() == digest
            }
            return references.contains { reference in
                let path = reference.path.lowercased()
                let repository = purl.namespace.map { $0 + "/" + purl.name } ?? purl.name
                let nameMatches = purl.type == "docker"
                    ? path == repository || path == "library/" + repository
                    : reference.name.lowercased() == purl.name
                guard nameMatches else { return false }
                if let url = purl.qualifiers["repository_url"] {
                    let bare = url.lowercased().replacingOccurrences(of: "https://", with: "")
                    let candidates = [reference.normalizedName.lowercased(), reference.domain.lowercased(),
                                      reference.familiarName.lowercased()]
                    if !candidates.contains(bare) && !candidates.contains(bare + "/" + purl.name) { return false }
                }
                let tag = purl.type == "docker" ? purl.version : purl.qualifiers["tag"]
                if let tag, tag != reference.effectiveTag { return false }
                return true
            }
        }
        guard let reference = ImageReference(id) else { return false }
        if let wanted = reference.digest { return !digest.isEmpty && wanted.lowercased() == digest }
        return references.contains { $0.normalizedName == reference.normalizedName && $0.effectiveTag == reference.effectiveTag }
    }
}

/// RFC 3339 timestamps (`2024-06-05T12:00:00Z`, `…T12:00:00.123+02:00`) as seconds since 1970, so
/// statements written in different offsets order correctly. Nil when the text is not one.
enum RFC3339 {
    static func seconds(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<from + count] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 19, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            var scale = 0.1
            index += 1
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            guard let hours = number(index + 1, 2), let minutes = number(index + 4, 2) else { return nil }
            offset = (hours * 60 + minutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + second - offset) + fraction
    }
}
