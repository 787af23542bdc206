import BulwarkCore
import BulwarkImage
import BulwarkTestSupport
import Foundation
import Testing

/// Asks for every file under the listed prefixes (or all when none), up to 1 MiB.
struct PrefixInterest: LayerFileInterest {
    var prefixes: [String] = []
    var limit = 1 << 20

    func contentsLimit(path: String, size: Int) -> Int? {
        prefixes.isEmpty || prefixes.contains(where: { path.hasPrefix($0) }) ? limit : nil
    }
}

/// One scratch directory for this test process, removed when it exits (the fuzz tests write
/// thousands of archives: a directory each would be left behind in /tmp).
let imageTestScratch: String = {
    let path = NSTemporaryDirectory() + "bulwark-image-tests-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: imageTestScratch) }
    return path
}()

/// A fresh directory for one test.
func temporaryDirectory() -> String {
    let path = imageTestScratch + "/" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ bytes: [UInt8], named name: String = "image.tar") -> String {
    let path = temporaryDirectory() + "/" + name
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

func text(_ file: LayerFile?) -> String? {
    file?.contents.map { String(decoding: $0, as: UTF8.self) }
}

extension ImageModel {
    func file(_ path: String) -> LayerFile? { files.first { $0.path == path } }
}

/// Two layers exercising whiteouts and opaque directories.
func whiteoutImage(compression: ImageBuilder.Compression = .gzip) -> ImageBuilder.Image {
    let base = ImageBuilder.layer(compression: compression) { tar in
        tar.directory("etc")
        tar.file("etc/os-release", "ID=debian\nVERSION_ID=12\n")
        tar.directory("app")
        tar.file("app/.env", "TOKEN=hunter2\n")
        tar.directory("cache")
        tar.file("cache/old.txt", "old")
        tar.file("app/keep.txt", "keep")
    }
    let top = ImageBuilder.layer(compression: compression) { tar in
        tar.whiteout("app/.env")
        tar.directory("cache")
        tar.opaque("cache")
        tar.file("cache/new.txt", "new")
        tar.file("app/keep.txt", "kept, rewritten")
    }
    return ImageBuilder.image([base, top])
}

@Suite struct ImageArchiveTests {
    func checkWhiteouts(_ reading: ImageReading) throws {
        #expect(reading.errors.isEmpty, "\(reading.errors)")
        let model = try #require(reading.model)
        #expect(model.files.map(\.path) == ["app", "app/keep.txt", "cache", "cache/new.txt", "etc", "etc/os-release"])
        #expect(text(model.file("app/keep.txt")) == "kept, rewritten")
        #expect(model.file("app/keep.txt")?.layerIndex == 1)
        let removed = model.removedFiles.map { "\($0.layerIndex):\($0.path)" }
        #expect(removed == ["0:app/.env", "0:app/keep.txt", "0:cache/old.txt"])
        #expect(text(model.removedFiles.first) == "TOKEN=hunter2\n")
        #expect(model.layers.count == 2)
        #expect(model.platform == "linux/amd64")
    }

    @Test func ociLayoutDirectoryAppliesWhiteoutsAndOpaqueDirectories() throws {
        let image = whiteoutImage()
        let directory = temporaryDirectory()
        try ImageBuilder.writeDirectory(ImageBuilder.layout([image]), to: directory)
        let reading = ImageArchive.read(path: directory, platform: .standard, interests: [PrefixInterest()])
        try checkWhiteouts(reading)
        #expect(reading.model?.manifestDigest == image.manifestDigest)
        #expect(reading.model?.configDigest == image.configDigest)
        #expect(reading.model?.references == ["latest"])
        // The marker file names the same layout.
        let viaMarker = ImageArchive.read(path: directory + "/oci-layout", platform: .standard, interests: [PrefixInterest()])
        try checkWhiteouts(viaMarker)
    }

    @Test func ociArchiveReadsWithoutExtracting() throws {
        let archive = ImageBuilder.ociArchive(ImageBuilder.layout([whiteoutImage()]))
        #expect(ImageArchive.looksLikeImageArchive(archive.prefix(512)))
        try checkWhiteouts(ImageArchive.read(path: write(archive), platform: .standard, interests: [PrefixInterest()]))
    }

    @Test func dockerSaveOldLayoutChecksLayersByDiffID() throws {
        let layers = [
            ImageBuilder.layer(compression: .none) { $0.file("etc/os-release", "ID=alpine\n") },
            ImageBuilder.layer(compression: .none) { $0.file("srv/app.py", "print(1)\n") },
        ]
        let image = ImageBuilder.image(layers)
        let archive = ImageBuilder.dockerSaveOld(image, repoTags: ["example/app:1.0"])
        #expect(ImageArchive.looksLikeImageArchive(archive.prefix(1024)))
        let reading = ImageArchive.read(path: write(archive), platform: .standard, interests: [PrefixInterest()])
        #expect(reading.errors.isEmpty, "\(reading.errors)")
        let model = try #require(reading.model)
        #expect(model.references == ["example/app:1.0"])
        #expect(model.files.map(\.path) == ["etc/os-release", "srv/app.py"])
        #expect(model.layers == layers.map(\.diffID))
        #expect(model.configDigest == image.configDigest)
    }

    @Test func dockerSaveOldLayoutWithADamagedLayerNamesIt() throws {
        let tar = { (text: String) in
            var writer = TarWriter()
            writer.file("etc/motd", text)
            return writer.finished()
        }
        let image = ImageBuilder.image([ImageBuilder.layer(tar("hello"), compression: .none)])
        // The stored layer.tar differs from what the config's diff_id names.
        let archive = ImageBuilder.dockerSaveOld(image, repoTags: ["x:1"], uncompressed: [tar("HELLO")])
        let reading = ImageArchive.read(path: write(archive), platform: .standard, interests: [PrefixInterest()])
        #expect(reading.errors.contains { $0.message.contains("does not match the config's diff_id") && $0.message.contains("layer.tar") },
                "\(reading.errors)")
    }

    @Test func dockerSaveNewLayoutReadsTheOCIPartAndTheTags() throws {
        let image = whiteoutImage()
        let archive = ImageBuilder.dockerSaveNew(image, repoTags: ["example/app:2.0"])
        #expect(ImageArchive.looksLikeImageArchive(archive.prefix(512)))
        let reading = ImageArchive.read(path: write(archive), platform: .standard, interests: [PrefixInterest()])
        try checkWhiteouts(reading)
        #expect(reading.model?.references.contains("example/app:2.0") == true)
    }

    @Test func indexChoosesThePlatform() throws {
        let amd = ImageBuilder.image([ImageBuilder.layer { $0.file("arch", "amd64") }], platform: "linux/amd64")
        let arm = ImageBuilder.image([ImageBuilder.layer { $0.file("arch", "arm64") }], platform: "linux/arm64/v8")
        for nested in [false, true] {
            let path = write(ImageBuilder.ociArchive(ImageBuilder.layout([amd, arm], nested: nested)))
            let readAMD = ImageArchive.read(path: path, platform: .standard, interests: [PrefixInterest()])
            #expect(text(readAMD.model?.file("arch")) == "amd64")
            let readARM = ImageArchive.read(path: path, platform: try #require(ImagePlatform("linux/arm64")), interests: [PrefixInterest()])
            #expect(text(readARM.model?.file("arch")) == "arm64")
            #expect(readARM.model?.platform == "linux/arm64/v8")
            #expect(readARM.model?.manifestDigest == arm.manifestDigest)
            let missing = ImageArchive.read(path: path, platform: try #require(ImagePlatform("linux/s390x")), interests: [])
            #expect(missing.model == nil)
            #expect(missing.errors.map(\.message) == ["the image has no linux/s390x platform; platforms present: linux/amd64, linux/arm64/v8"])
        }
    }

    @Test func platformsParse() {
        #expect(ImagePlatform("linux/arm64/v8")?.description == "linux/arm64/v8")
        #expect(ImagePlatform("linux") == nil)
        #expect(ImagePlatform("linux//") == nil)
        #expect(ImagePlatform.standard.description == "linux/amd64")
    }

    @Test func aLayerThatDoesNotMatchItsDigestIsAnErrorNamingTheBlob() throws {
        let image = whiteoutImage()
        let directory = temporaryDirectory()
        var layout = ImageBuilder.layout([image])
        let victim = image.layers[1].digest
        layout.blobs[victim] = ImageBuilder.layer { $0.file("other", "x") }.blob
        try ImageBuilder.writeDirectory(layout, to: directory)
        let reading = ImageArchive.read(path: directory, platform: .standard, interests: [PrefixInterest()])
        #expect(reading.errors.contains { $0.message.contains(victim) && $0.message.contains("does not match") }, "\(reading.errors)")
    }

    @Test func aConfigThatDoesNotMatchItsDigestIsAnError() throws {
        let image = whiteoutImage()
        let directory = temporaryDirectory()
        var layout = ImageBuilder.layout([image])
        layout.blobs[image.configDigest] = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)
        try ImageBuilder.writeDirectory(layout, to: directory)
        let reading = ImageArchive.read(path: directory, platform: .standard, interests: [])
        #expect(reading.errors.contains { $0.message.contains("config blob \(image.configDigest) does not match") }, "\(reading.errors)")
    }

    @Test func notAnImageIsAnError() throws {
        var tar = TarWriter()
        tar.file("hello.txt", "hi")
        #expect(!ImageArchive.looksLikeImageArchive(tar.finished().prefix(512)))
        let reading = ImageArchive.read(path: write(tar.finished()), platform: .standard, interests: [])
        #expect(reading.model == nil)
        #expect(reading.errors.count == 1)
        let garbage = ImageArchive.read(path: write(Array("not a tar at all".utf8)), platform: .standard, interests: [])
        #expect(garbage.model == nil && !garbage.errors.isEmpty)
        let absent = ImageArchive.read(path: "/nonexistent/image.tar", platform: .standard, interests: [])
        #expect(absent.model == nil && !absent.errors.isEmpty)
        #expect(ImageArchive.isLayoutMarker("/x/oci-layout"))
        #expect(!ImageArchive.isLayoutMarker("/x/index.json"))
    }
}
