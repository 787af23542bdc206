import BulwarkCore
import BulwarkImage
import FuzzDriver
import Foundation

/// A scratch file on tmpfs: `ImageArchive.read` takes a path (it maps the archive).
let scratch: String = {
    let path = "/dev/shm/bulwark-fuzz-image-\(getpid()).tar"
    atexit { unlink(scratch) }
    return path
}()

/// One input: bytes as an image tar (oci-archive, docker save, or a bare layer inside one) → the
/// walker (tar headers, PAX, GNU long names, sparse maps, gzip/zstd, whiteouts, links), then the
/// package inventory over what it kept (os-release, dpkg, apk, rpm headers, Python and conda metadata).
/// Must not crash and must finish.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Data(UnsafeBufferPointer(start: $0, count: size)) } ?? Data()
    guard FileManager.default.createFile(atPath: scratch, contents: bytes) else { return 0 }
    let inventory = PackageInventory()
    let reading = ImageArchive.read(path: scratch, platform: .standard, interests: [inventory])
    if let model = reading.model {
        _ = inventory.collect(files: model.files, removedFiles: model.removedFiles)
    }
    // The inventory's readers on the raw bytes too, as every database file it knows.
    let files = ["etc/os-release", "var/lib/dpkg/status", "lib/apk/db/installed", "var/lib/rpm/rpmdb.sqlite",
                 "usr/lib/python3/dist-packages/x-1.dist-info/METADATA", "opt/conda/conda-meta/x-1-0.json"].map {
        LayerFile(path: $0, layerIndex: 0, layerDigest: "sha256:00", size: size, contents: Array(bytes))
    }
    _ = inventory.collect(files: files, removedFiles: [])
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzImage_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
