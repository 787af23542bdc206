import BulwarkCore

extension ImageReader {
    /// Walks the chosen image's layers on all cores, checks each against its digest, and merges them
    /// bottom first into the image model.
    mutating func walk(_ chosen: ChosenImage, source: ImageSource) -> ImageReading {
        let counter = ImageByteCounter()
        let interests = interests
        let limits = limits
        let path = path
        let outcomes: [Result<(WalkedLayer, Int), InputError>] = chosen.layers.parallelMap { job in
            switch source.file(job.blobName) {
            case .failure(let message):
                return .failure(InputError(file: path, message: "layer \(job.index) (\(job.digest)): \(message)"))
            case .success(let blob):
                var walker = LayerWalker(blob: blob, index: job.index, digest: job.digest, algorithm: job.expected?.algorithm ?? .sha256,
                                         source: path, interests: interests, limits: limits, imageTotal: counter)
                walker.computeDiffID = job.expectedMeaning == Self.diffIDMeaning
                return .success((walker.walk(), blob.count))
            }
        }
        var merger = LayerMerger()
        var problems: [LayerProblem] = []
        var statistics: [LayerStatistics] = []
        for (job, outcome) in zip(chosen.layers, outcomes) {
            switch outcome {
            case .failure(let failure):
                errors.append(failure)
            case .success(let (layer, compressedBytes)):
                errors += layer.errors
                warnings += layer.warnings
                problems += layer.problems
                statistics.append(LayerStatistics(digest: job.digest, entries: layer.entryCount, uncompressedBytes: layer.uncompressedBytes,
                                                  compressedBytes: compressedBytes))
                let actual = job.expectedMeaning == Self.diffIDMeaning ? layer.diffID : layer.computedDigest
                if let expected = job.expected, let actual, actual != expected {
                    error("layer \(job.index) (\(job.blobName)) does not match \(job.expectedMeaning) \(expected): its content hashes to \(actual)")
                }
                if let size = job.declaredSize, size != compressedBytes {
                    error("layer \(job.index) (\(job.digest)) is \(compressedBytes) bytes; its descriptor says \(size)")
                }
                merger.apply(layer)
            }
        }
        let model = ImageModel(source: path, references: chosen.references, manifestDigest: chosen.manifestDigest,
                               configDigest: chosen.configDigest, platform: chosen.platform, config: chosen.config,
                               layers: chosen.layers.map(\.digest), files: merger.finalFiles(), removedFiles: merger.removedFiles(),
                               problems: problems)
        return ImageReading(model: model, errors: errors, warnings: warnings, layerStatistics: statistics)
    }

    static let diffIDMeaning = "the config's diff_id"
}
