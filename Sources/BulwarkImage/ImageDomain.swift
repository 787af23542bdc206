import BulwarkArtifacts
import BulwarkCore
import BulwarkVulnDB
import Foundation

/// The vulnerability database an image scan matches packages against, and how fresh it is.
public struct AdvisoryDatabase: Sendable {
    public var source: any AdvisorySource
    /// How the database is named in warnings (its path).
    public var name: String
    /// The newest `modified` of its records: the freshness of the data, not of the import (a snapshot
    /// imported today can be months old).
    public var newestRecord: CalendarDate?
    /// Older than this many days (before the evaluation date) is a warning (`--max-db-age`).
    public var maximumAge: Int

    public init(source: any AdvisorySource, name: String, newestRecord: CalendarDate?, maximumAge: Int = 7) {
        self.source = source
        self.name = name
        self.newestRecord = newestRecord
        self.maximumAge = maximumAge
    }
}

/// Container images as a domain of the engine: OCI image layouts (claimed by their `oci-layout`
/// file; the layout's other files are parts of the image), `oci-archive` and `docker save` tars
/// (claimed by content). Each image is read once by `ImageArchive` (layers streamed on all cores,
/// never extracted), inventoried (`PackageInventory`), matched against the vulnerability database
/// (`AdvisoryMatcher`, then VEX), judged by the image rules (`ImageScanner`) and its model files
/// by the model rules (`LayerModels`).
public struct ImageDomain: ScanDomain {
    public let name = "image"
    public let ruleDomains = ["image", "vuln"]
    public var rules: [any AnyRule] { ImageRules.all }

    public var platform: ImagePlatform
    /// Nil: vulnerabilities are not checked (a warning says so when an image is scanned).
    public var database: AdvisoryDatabase?
    /// The reason no database is used, for that warning (`no database at …; run bulwark db import`).
    public var databaseProblem: String?
    public var vex: [VEXDocument]
    public var policy: PicklePolicy
    public var limits: LayerLimits

    public init(platform: ImagePlatform = .standard, database: AdvisoryDatabase? = nil, databaseProblem: String? = nil,
                vex: [VEXDocument] = [], policy: PicklePolicy = .standard, limits: LayerLimits = .standard) {
        self.platform = platform
        self.database = database
        self.databaseProblem = databaseProblem
        self.vex = vex
        self.policy = policy
        self.limits = limits
    }

    /// Image tars may have any name (`app.tar`, `image.oci`, no extension); layouts are found by their
    /// marker, and the blobs of a layout are its parts.
    public func mayClaim(_ file: DiscoveredFile) -> Bool { true }

    public func claim(_ probe: InputProbe) -> InputClaim? {
        if ImageArchive.isLayoutMarker(probe.file.path) { return .content }
        if Self.layoutRoot(containing: probe.file.path) != nil { return .content }
        return ImageArchive.looksLikeImageArchive(probe.head) ? .content : nil
    }

    /// The OCI layout directory a file belongs to (`index.json` or a blob of a directory holding an
    /// `oci-layout` marker), or nil.
    static func layoutRoot(containing path: String) -> String? {
        let components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var candidates: [String] = []
        if components.last == "index.json" { candidates.append(components.dropLast().joined(separator: "/")) }
        if components.count >= 3, components[components.count - 3] == "blobs" {
            candidates.append(components.dropLast(3).joined(separator: "/"))
        }
        for root in candidates {
            let marker = root.isEmpty ? "oci-layout" : root + "/oci-layout"
            if FileManager.default.fileExists(atPath: marker) { return root }
        }
        return nil
    }

    public func scan(sources: [SourceInput], documents: [MemoryDocument], context: ScanContext) -> DomainScanResult {
        var result = DomainScanResult()
        // Which inputs are images: layout markers (the directory is the image) and image tars; a layout's
        // other files are parts of it, read through the marker.
        var images: [String] = []
        var layoutRoots: Set<String> = []
        var others: [SourceInput] = []
        for source in sources {
            if source.isFileOnDisk, ImageArchive.isLayoutMarker(source.name) {
                let root = DiscoveredFile.directory(of: source.name)
                layoutRoots.insert(root)
                images.append(root.isEmpty ? "." : root)
            } else {
                others.append(source)
            }
        }
        for source in others {
            if source.isFileOnDisk, let root = Self.layoutRoot(containing: source.name), layoutRoots.contains(root) { continue }
            switch source.head(InputProbe.headSize) {
            case .failure(let error): result.errors.append(error)
            case .success(let head):
                if source.isFileOnDisk, ImageArchive.looksLikeImageArchive(head) {
                    images.append(source.name)
                } else if !source.isFileOnDisk, ImageArchive.looksLikeImageArchive(head) {
                    result.errors.append(InputError(file: source.name, message: "an image tar on standard input is not read: save it to a file"))
                } else if source.explicit {
                    result.errors.append(InputError(file: source.name, message: "not an image (an OCI layout, oci-archive or docker save tar)"))
                } else {
                    result.unrecognized += 1
                }
            }
        }
        guard !images.isEmpty else { return result }
        if let database, let newest = database.newestRecord {
            let age = newest.days(until: context.evaluationDate)
            if age > database.maximumAge {
                result.warnings.append(InputWarning(file: database.name, message: "the vulnerability database's newest record is from \(newest), "
                    + "\(age) days before \(context.evaluationDate) (--max-db-age \(database.maximumAge)): import a newer snapshot (bulwark db import)"))
            }
        } else if database == nil {
            result.warnings.append(InputWarning(file: images[0], message: "vulnerabilities not checked: "
                + (databaseProblem ?? "no vulnerability database (bulwark db import)")))
        }
        // Entries of the VEX documents that were read but cannot apply (a version range, …): once per scan.
        for document in vex { result.warnings += document.warnings }
        // One image at a time: each reads its layers on all cores.
        for image in images.sorted() {
            result.add(scanImage(at: image, context: context))
        }
        return result
    }

    /// Reads, inventories, matches and judges one image.
    func scanImage(at path: String, context: ScanContext) -> DomainScanResult {
        let inventory = PackageInventory()
        let interests: [any LayerFileInterest] = [inventory, ImageSecretInterest(), LayerModelInterest(limit: context.maxFileSize.bytes)]
        context.onPhase?("read image \(path)")
        let reading = ImageArchive.read(path: path, platform: platform, interests: interests, limits: limits)
        var result = DomainScanResult(errors: reading.errors, warnings: reading.warnings)
        guard var model = reading.model else { return result }
        result.files += 1
        context.onPhase?("layers of \(path)")
        let packages = inventory.collect(files: model.files, removedFiles: model.removedFiles)
        model.os = packages.os
        model.packages = packages.packages
        result.warnings += packages.warnings
        if let database {
            let matched = AdvisoryMatcher.match(model.packages, source: database.source)
            result.errors += matched.errors
            let applied = VEX.evaluate(vex, to: matched.matches, imageReferences: model.references, imageDigest: model.manifestDigest,
                                       packages: model.packages)
            model.vulnerabilities = applied.matches
            result.warnings += applied.warnings
        }
        context.onPhase?("vulnerabilities of \(path)")
        let rules = ImageRules.all.filter { context.enabledRules.contains($0.id) }
        result.findings += ImageScanner.findings(model, rules: rules)
        let (policy, policyErrors) = self.policy.adding(context.configuration.modelAllowances)
        result.errors += policyErrors
        let models = LayerModels.scan(files: model.files, removed: model.removedFiles, source: model.source, policy: policy,
                                      enabledRules: context.enabledRules)
        result.findings += models.findings
        result.warnings += models.warnings
        result.images = [ScannedImage(
            source: model.source, references: model.references, manifestDigest: model.manifestDigest, configDigest: model.configDigest,
            platform: model.platform, os: model.os, layers: model.layers, packages: model.packages, models: models.models,
            remediation: VulnerabilityRemediation.plan(model.vulnerabilities, os: model.os)
                .map(\.step))]
        return result
    }
}
