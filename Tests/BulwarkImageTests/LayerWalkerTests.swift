import BulwarkCore
import BulwarkImage
import BulwarkTestSupport
import Foundation
import Testing

/// Reads a one-image oci-archive built from `layers`.
func readLayers(_ layers: [ImageBuilder.Layer], limits: LayerLimits = .standard,
                interests: [any LayerFileInterest] = [PrefixInterest()]) -> ImageReading {
    let archive = ImageBuilder.ociArchive(ImageBuilder.layout([ImageBuilder.image(layers)]))
    return ImageArchive.read(path: write(archive), platform: .standard, interests: interests, limits: limits)
}

@Suite struct LayerWalkerTests {
    @Test func linksLeavingTheRootAreProblems() throws {
        let reading = readLayers([ImageBuilder.layer { tar in
            tar.file("usr/lib/os-release", "ID=debian\n")
            tar.symlink("etc/os-release", to: "../usr/lib/os-release")
            tar.symlink("etc/shadow-link", to: "../../../etc/shadow")
            tar.hardlink("etc/passwd-link", to: "../outside/passwd")
            tar.hardlink("usr/lib/os-release-copy", to: "usr/lib/os-release")
        }])
        let model = try #require(reading.model)
        let escapes = model.problems.filter { $0.ruleID == LayerProblemRule.linkEscape }.map(\.path)
        #expect(escapes == ["etc/shadow-link", "etc/passwd-link"])
        // Links of interest inside the root read their target's contents.
        #expect(text(model.file("etc/os-release")) == "ID=debian\n")
        #expect(model.file("etc/os-release")?.kind == .symlink)
        #expect(text(model.file("usr/lib/os-release-copy")) == "ID=debian\n")
        #expect(model.file("etc/shadow-link")?.contents == nil)
    }

    @Test func traversalEntriesAreProblemsAndNotApplied() throws {
        let reading = readLayers([ImageBuilder.layer { tar in
            tar.raw(name: "../../etc/cron.d/evil", typeflag: UInt8(ascii: "0"), data: Array("* * * * * root sh".utf8))
            tar.raw(name: "/etc/absolute", typeflag: UInt8(ascii: "0"), data: Array("x".utf8))
            tar.raw(name: "./ok/../../escape", typeflag: UInt8(ascii: "0"), data: [])
            tar.file("./fine.txt", "fine")
        }])
        let model = try #require(reading.model)
        #expect(model.problems.filter { $0.ruleID == LayerProblemRule.pathTraversal }.map(\.path)
                == ["../../etc/cron.d/evil", "/etc/absolute", "./ok/../../escape"])
        #expect(model.files.map(\.path) == ["fine.txt"])
        #expect(reading.errors.isEmpty)
    }

    @Test func duplicateEntriesAreProblemsAndTheLastWins() throws {
        let reading = readLayers([ImageBuilder.layer { tar in
            tar.file("app/config.py", "SECRET = 'first'")
            tar.file("app/config.py", "SECRET = None")
            tar.directory("app")
            tar.directory("app")
        }])
        let model = try #require(reading.model)
        #expect(model.problems.map(\.ruleID) == [LayerProblemRule.duplicateEntry])
        #expect(text(model.file("app/config.py")) == "SECRET = None")
        #expect(text(model.removedFiles.first) == "SECRET = 'first'")
    }

    @Test func aTruncatedGzipLayerIsAnErrorNamingTheLayerAndKeepsWhatWasRead() throws {
        var tar = TarWriter()
        tar.file("first.txt", "read before the damage")
        var noise = Mutator(seed: 7)
        tar.file("big.bin", (0..<200_000).map { _ in UInt8(truncatingIfNeeded: noise.next()) })
        let full = ImageBuilder.gzip(tar.finished())
        let cut = Array(full.prefix(full.count / 2))
        let layer = ImageBuilder.Layer(blob: cut, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
                                       diffID: ImageBuilder.digest(tar.finished()))
        let reading = readLayers([layer])
        let message = try #require(reading.errors.first?.message)
        #expect(message.contains("layer 0 (\(layer.digest))") && message.contains("truncated"), "\(reading.errors)")
        #expect(reading.errors.count == 1)
        #expect(text(reading.model?.file("first.txt")) == "read before the damage")
    }

    @Test func aTruncatedTarIsAnError() throws {
        var tar = TarWriter()
        tar.file("a.txt", Array(repeating: 0x41, count: 5000))
        let cut = Array(tar.finished().prefix(3000))
        let reading = readLayers([ImageBuilder.layer(cut, compression: .none)])
        #expect(reading.errors.map(\.message).contains { $0.contains("truncated") && $0.contains("a.txt") }, "\(reading.errors)")
    }

    @Test func decompressionBombsStopTheLayer() throws {
        let bomb = ImageBuilder.layer { tar in
            tar.file("zeros", Array(repeating: 0, count: 4 << 20))
            tar.file("after", "never read")
        }
        let ratio = LayerLimits(layerBytes: 1 << 40, imageBytes: 1 << 40, ratio: 50, ratioFloor: 1 << 20, entries: 100)
        let byRatio = readLayers([bomb], limits: ratio)
        let model = try #require(byRatio.model)
        #expect(model.problems.map(\.ruleID) == [LayerProblemRule.decompressionBomb])
        #expect(model.problems.first?.message.contains("ratio") == true)
        #expect(model.file("after") == nil)
        #expect(byRatio.errors.isEmpty, "\(byRatio.errors)")

        let total = LayerLimits(layerBytes: 1 << 20, imageBytes: 1 << 40, ratio: 1 << 30, ratioFloor: 0, entries: 100)
        #expect(readLayers([bomb], limits: total).model?.problems.first?.message.contains("layer limit") == true)
        let image = LayerLimits(layerBytes: 1 << 40, imageBytes: 6 << 20, ratio: 1 << 30, ratioFloor: 0, entries: 100)
        let both = readLayers([bomb, bomb], limits: image)
        #expect(both.model?.problems.contains { $0.message.contains("image limit") } == true)
        let entries = LayerLimits(layerBytes: 1 << 40, imageBytes: 1 << 40, ratio: 1 << 30, ratioFloor: 0, entries: 1)
        #expect(readLayers([bomb], limits: entries).model?.problems.first?.message.contains("entries") == true)
    }

    @Test(arguments: [TarWriter.LongNames.pax, .gnu])
    func longNamesAreRead(style: TarWriter.LongNames) throws {
        let deep = "usr/lib/python3.11/site-packages/" + String(repeating: "averyveryverylongdirectoryname/", count: 5) + "METADATA"
        let target = "/opt/" + String(repeating: "target/", count: 20) + "file"
        var tar = TarWriter(longNames: style)
        tar.file(deep, "Name: x\n")
        tar.symlink("link", to: target)
        tar.file("after.txt", "after")
        let reading = readLayers([ImageBuilder.layer(tar.finished())])
        let model = try #require(reading.model)
        #expect(text(model.file(deep)) == "Name: x\n")
        #expect(model.file("link")?.linkTarget == target)
        #expect(text(model.file("after.txt")) == "after")
        #expect(reading.errors.isEmpty, "\(reading.errors)")
    }

    @Test func paxGlobalHeadersAndSizesAreHonoured() throws {
        var tar = TarWriter()
        tar.pax(["comment": "global"], global: true)
        tar.pax(["size": "5"])
        // The ustar size field says 0; the PAX size governs.
        tar.raw(name: "sized.txt", typeflag: UInt8(ascii: "0"), data: Array("12345".utf8), size: 0)
        tar.file("next.txt", "next")
        let model = try #require(readLayers([ImageBuilder.layer(tar.finished())]).model)
        #expect(text(model.file("sized.txt")) == "12345")
        #expect(text(model.file("next.txt")) == "next")
    }

    @Test func sparseFilesHaveTheirLogicalSizeAndAreSkippedExactly() throws {
        var tar = TarWriter()
        tar.gnuSparse("old-sparse.img", data: Array(repeating: 7, count: 1000), realSize: 1 << 30)
        tar.paxSparse("pax-sparse.img", data: Array(repeating: 9, count: 700), realSize: 1 << 31)
        tar.file("after.txt", "after")
        let reading = readLayers([ImageBuilder.layer(tar.finished())])
        let model = try #require(reading.model)
        #expect(model.file("old-sparse.img")?.size == 1 << 30)
        #expect(model.file("pax-sparse.img")?.size == 1 << 31)
        #expect(text(model.file("after.txt")) == "after")
        #expect(reading.warnings.count == 2)
        #expect(reading.errors.isEmpty, "\(reading.errors)")
    }

    @Test func uncompressedAndZstdLayersReadLikeGzip() throws {
        var tar = TarWriter()
        tar.file("etc/hostname", "box")
        let plain = readLayers([ImageBuilder.layer(tar.finished(), compression: .none)])
        #expect(text(plain.model?.file("etc/hostname")) == "box")
        if ImageBuilder.zstd([1]) != nil {
            let zstd = readLayers([ImageBuilder.layer(tar.finished(), compression: .zstd)])
            #expect(zstd.errors.isEmpty, "\(zstd.errors)")
            #expect(text(zstd.model?.file("etc/hostname")) == "box")
            // A cut zstd stream is a truncation error.
            var big = TarWriter()
            var noise = Mutator(seed: 3)
            big.file("noise", (0..<100_000).map { _ in UInt8(truncatingIfNeeded: noise.next()) })
            let layer = ImageBuilder.layer(big.finished(), compression: .zstd)
            let cut = ImageBuilder.Layer(blob: Array(layer.blob.prefix(layer.blob.count / 2)), mediaType: layer.mediaType, diffID: layer.diffID)
            #expect(readLayers([cut]).errors.contains { $0.message.contains("truncated") })
        }
    }

    @Test func contentsStopAtTheLimitAsked() throws {
        let model = try #require(readLayers([ImageBuilder.layer { $0.file("big.txt", String(repeating: "a", count: 10_000)) }],
                                            interests: [PrefixInterest(limit: 100)]).model)
        #expect(model.file("big.txt")?.contents?.count == 100)
        #expect(model.file("big.txt")?.truncated == true)
        #expect(model.file("big.txt")?.size == 10_000)
    }

    @Test func aDirectoryReplacedByAFileRemovesWhatWasUnderIt() throws {
        let model = try #require(readLayers([
            ImageBuilder.layer { $0.file("opt/app/key.pem", "KEY") },
            ImageBuilder.layer { $0.file("opt/app", "now a file") },
        ]).model)
        #expect(model.files.map(\.path) == ["opt/app"])
        #expect(model.removedFiles.map(\.path) == ["opt/app/key.pem"])
    }

    @Test func randomMutationsNeverCrash() throws {
        var tar = TarWriter()
        tar.file("etc/os-release", "ID=debian\n")
        tar.symlink("lib", to: "usr/lib")
        tar.pax(["path": String(repeating: "p/", count: 80) + "file"])
        tar.file("short", "long name via pax")
        tar.gnuSparse("sparse", data: [1, 2, 3], realSize: 4096)
        tar.whiteout("gone")
        let layerTar = tar.finished()
        var mutator = Mutator(seed: 11)
        let interests: [any LayerFileInterest] = [PrefixInterest()]
        for round in 0..<150 {
            // Mutated layers, compressed or not, with digests that match: the walker sees the damage.
            let mutated = mutator.mutate(layerTar)
            _ = readLayers([ImageBuilder.layer(mutated, compression: round % 2 == 0 ? .none : .gzip)], interests: interests)
            // A mutated gzip stream.
            let gzipped = mutator.mutate(ImageBuilder.gzip(layerTar))
            _ = readLayers([ImageBuilder.Layer(blob: gzipped, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", diffID: "")],
                           interests: interests)
        }
        // Mutated whole archives (outer tar, JSON, digests).
        let archive = ImageBuilder.ociArchive(ImageBuilder.layout([whiteoutImage()]))
        let path = temporaryDirectory() + "/fuzz.tar"
        for _ in 0..<150 {
            FileManager.default.createFile(atPath: path, contents: Data(mutator.mutate(archive)))
            _ = ImageArchive.read(path: path, platform: .standard, interests: interests)
            _ = ImageArchive.looksLikeImageArchive(mutator.mutate(Array(archive.prefix(2048)))[...])
        }
    }
}
