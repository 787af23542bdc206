import BulwarkCore
import BulwarkImage
import Foundation
import Testing

@Suite struct InventoryPythonTests {
    typealias F = InventoryFixture

    static func metadata(_ name: String, _ version: String, extra: String = "") -> String {
        "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\n\(extra)\nLong description\nName: not-a-header\n"
    }

    @Test func readsDistInfoAndEggInfoAnywhere() throws {
        let site = "usr/local/lib/python3.11/site-packages"
        let files = [
            F.file("\(site)/Flask-2.0.1.dist-info/METADATA", Self.metadata("Flask", "2.0.1", extra: "License: BSD-3-Clause\n")),
            F.file("\(site)/Werkzeug-0.15.2.dist-info/METADATA", Self.metadata("Werkzeug", "0.15.2",
                extra: "License-Expression: BSD-3-Clause\nLicense: BSD\n")),
            F.file("usr/lib/python3/dist-packages/six-1.16.0.egg-info", "Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\nClassifier: License :: OSI Approved :: MIT License\n"),
            F.file("opt/venv/lib/python3.11/site-packages/typing_extensions-4.9.0.egg-info/PKG-INFO", Self.metadata("typing_extensions", "4.9.0")),
            F.file("\(site)/setuptools/_vendor/packaging-24.0.dist-info/METADATA", Self.metadata("packaging", "24.0")),
        ]
        let result = PackageInventory().collect(files: files, removedFiles: [])
        #expect(result.warnings.isEmpty)
        #expect(result.packages.map(\.name) == ["Flask", "Werkzeug", "packaging", "six", "typing_extensions"])
        #expect(result.packages.allSatisfy { $0.kind == .python && $0.ecosystem == "PyPI" })
        #expect(result.packages[0].licenses == ["BSD-3-Clause"])
        #expect(result.packages[1].licenses == ["BSD-3-Clause"])
        #expect(result.packages[3].licenses == ["MIT License"])
        #expect(result.packages[2].note == "vendored inside setuptools")
        #expect(result.packages[0].purl == "pkg:pypi/flask@2.0.1")
        #expect(result.packages[4].purl == "pkg:pypi/typing-extensions@4.9.0")
    }

    @Test func theSameDistributionInTwoEnvironmentsIsReportedOnceFromTheEarliestLayer() {
        let files = [
            F.file("opt/b/lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA", Self.metadata("numpy", "1.26.4"), layer: 3),
            F.file("opt/a/lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA", Self.metadata("numpy", "1.26.4"), layer: 2),
            F.file("opt/c/lib/python3.11/site-packages/numpy-2.0.0.dist-info/METADATA", Self.metadata("numpy", "2.0.0"), layer: 2),
        ]
        let result = PackageInventory().collect(files: files, removedFiles: [])
        #expect(result.packages.map(\.version) == ["1.26.4", "2.0.0"])
        #expect(result.packages[0].layer == F.digest(2))
    }

    @Test(arguments: ["", "Metadata-Version: 2.1\nVersion: 1.0\n", "Metadata-Version: 2.1\nName: x\n", "\u{0}\u{FF}\u{FE}"])
    func unreadableMetadataIsAWarning(text: String) {
        let result = PackageInventory().collect(files: [F.file("site-packages/x-1.0.dist-info/METADATA", text)], removedFiles: [])
        #expect(result.packages.isEmpty)
        #expect(result.warnings.count == 1)
    }

    @Test func nvidiaWheelsAndVendoredLibrariesAreNamed() throws {
        let site = "usr/local/lib/python3.11/site-packages"
        let files = [
            F.file("\(site)/nvidia_cudnn_cu12-8.9.2.26.dist-info/METADATA", Self.metadata("nvidia-cudnn-cu12", "8.9.2.26")),
            F.file("\(site)/nvidia_nccl_cu12-2.18.1.dist-info/METADATA", Self.metadata("nvidia-nccl-cu12", "2.18.1")),
            F.file("\(site)/nvidia_cublas_cu11-11.11.3.6.dist-info/METADATA", Self.metadata("nvidia_cublas_cu11", "11.11.3.6")),
            F.named("\(site)/nvidia/cudnn/lib/libcudnn.so.8"),
            F.named("usr/lib/x86_64-linux-gnu/libcudnn.so.8.9.2"),
            F.link("usr/lib/x86_64-linux-gnu/libcudnn.so.8", to: "libcudnn.so.8.9.2"),
            F.link("usr/lib/x86_64-linux-gnu/libcudnn.so", to: "libcudnn.so.8"),
            F.named("usr/lib/x86_64-linux-gnu/libcudnn_ops_infer.so.8.9.2"),
            F.named("usr/local/cuda/lib64/libcublas.so.12.1.3.1"),
            F.named("usr/local/cuda/lib64/libcublasLt.so.12.1.3.1"),
            F.named("usr/local/cuda/lib64/libcudart.so.12.2.140"),
            F.named("opt/conda/lib/libnccl.so.2.18.3"),
            F.named("\(site)/torch/lib/libcudart-9335f6a2.so.12"),
            F.named("usr/lib/libcrypto.so.3"),
        ]
        #expect(PackageInventory().contentsLimit(path: "usr/local/cuda/lib64/libcudart.so.12.2.140", size: 700_000) == 0)
        #expect(PackageInventory().contentsLimit(path: "usr/lib/libcrypto.so.3.0.2", size: 700_000) == nil)
        let result = PackageInventory().collect(files: files, removedFiles: [])
        let binaries = result.packages.filter { $0.kind == .binary }
        #expect(binaries.map { "\($0.name) \($0.version)" } == ["libcublas 12.1.3.1", "libcudart 12.2.140", "libcudnn 8.9.2", "libnccl 2.18.3"])
        #expect(binaries[2].note == "NVIDIA cuDNN 8.9.2" && binaries[2].path == "usr/lib/x86_64-linux-gnu/libcudnn.so.8.9.2")
        #expect(binaries[2].ecosystem == nil && binaries[2].purl == "pkg:generic/libcudnn@8.9.2")
        let wheels = result.packages.filter { $0.kind == .python }
        #expect(wheels.map(\.note) == ["NVIDIA cuDNN 8.9.2.26 (CUDA 12)", "NVIDIA NCCL 2.18.1 (CUDA 12)", "NVIDIA cuBLAS 11.11.3.6 (CUDA 11)"])
    }

    /// Real site-packages read by Bulwark and by `pip list --path` (pip is Python's own reader): the
    /// interpreter on PATH (wheels: dist-info) and Debian's `/usr/lib/python3/dist-packages` (Debian's
    /// packaged modules: egg-info files and directories).
    @Test(arguments: [["/usr/bin/env", "python3"], ["/usr/bin/python3", "/usr/lib/python3/dist-packages"]])
    func agreesWithPipListOnARealSitePackages(interpreter: [String]) throws {
        let command = interpreter[0]
        let prefix = interpreter[0] == "/usr/bin/env" ? [interpreter[1]] : []
        let site: String
        if interpreter[0] == "/usr/bin/env" {
            guard let purelib = run(command, prefix + ["-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"]) else {
                print("no python3 on PATH: the comparison with pip list did not run")
                return
            }
            site = purelib.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            site = interpreter[1]
        }
        guard let listed = run(command, prefix + ["-m", "pip", "list", "--format", "json", "--disable-pip-version-check", "--path", site]) else {
            print("no pip for \(interpreter): the comparison with pip list did not run")
            return
        }
        var files: [LayerFile] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: site)) ?? [] {
            var candidates: [String] = []
            if entry.hasSuffix(".dist-info") { candidates.append("\(entry)/METADATA") }
            if entry.hasSuffix(".egg-info") { candidates += ["\(entry)/PKG-INFO", entry] }
            for candidate in candidates {
                var isDirectory: ObjCBool = false
                let full = site + "/" + candidate
                guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
                      let data = FileManager.default.contents(atPath: full) else { continue }
                let path = String(full.drop { $0 == "/" })
                if PackageInventory().contentsLimit(path: path, size: data.count) != nil { files.append(F.bytes(path, [UInt8](data))) }
            }
        }
        struct Entry: Decodable { var name: String; var version: String }
        let pip = try JSONDecoder().decode([Entry].self, from: Data(listed.utf8))
        let expected = Set(pip.map { "\(PackageURL.pypiName($0.name)) \($0.version)" })
        let result = PackageInventory().collect(files: files, removedFiles: [])
        #expect(result.warnings.isEmpty)
        let found = Set(result.packages.filter { $0.note?.contains("vendored") != true }.map { "\(PackageURL.pypiName($0.name)) \($0.version)" })
        print("pip list --path \(site): \(expected.count) distributions; Bulwark: \(found.count)")
        #expect(expected.count > 3)
        #expect(found.subtracting(expected).sorted() == [])
        #expect(expected.subtracting(found).sorted() == [])
    }
}
