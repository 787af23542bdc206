import BulwarkCore
import BulwarkImage
import Testing

@Suite struct InventoryCondaTests {
    typealias F = InventoryFixture

    /// Shaped like real `conda-meta` records (miniconda 24, fields trimmed).
    static let numpy = """
        {"build": "py311h08b1b3b_0", "build_number": 0, "channel": "https://repo.anaconda.com/pkgs/main/linux-64",
         "constrains": [], "depends": ["python >=3.11,<3.12.0a0", "numpy-base 1.26.4 py311hf175353_0"],
         "files": ["lib/python3.11/site-packages/numpy-1.26.4.dist-info/INSTALLER",
                   "lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA"],
         "license": "BSD-3-Clause", "name": "numpy", "subdir": "linux-64", "version": "1.26.4"}
        """
    static let openssl = """
        {"build": "h7f8727e_0", "channel": "https://conda.anaconda.org/conda-forge/linux-64", "depends": ["ca-certificates"],
         "license": "Apache-2.0", "name": "openssl", "subdir": "linux-64", "version": "3.0.13"}
        """
    static let pytorch = """
        {"build": "py3.11_cuda12.1_cudnn8.9.2_0", "channel": "pytorch", "depends": ["python >=3.11,<3.12.0a0", "pytorch-cuda >=12.1,<12.2"],
         "license": "BSD 3-Clause", "name": "pytorch", "subdir": "linux-64", "version": "2.1.0"}
        """

    @Test func condaRecordsPairWithTheirDistInfosAndKeepTheRest() throws {
        let files = [
            F.file("opt/conda/conda-meta/numpy-1.26.4-py311h08b1b3b_0.json", Self.numpy, layer: 1),
            F.file("opt/conda/conda-meta/openssl-3.0.13-h7f8727e_0.json", Self.openssl, layer: 1),
            F.file("opt/conda/conda-meta/pytorch-2.1.0-py3.11_cuda12.1_cudnn8.9.2_0.json", Self.pytorch, layer: 2),
            F.file("opt/conda/conda-meta/history", "==> 2024-01-01 <==\n"),
            F.file("opt/conda/lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA",
                   "Metadata-Version: 2.1\nName: numpy\nVersion: 1.26.4\n", layer: 1),
        ]
        #expect(PackageInventory().contentsLimit(path: "opt/conda/conda-meta/history", size: 10) == nil)
        let result = PackageInventory().collect(files: files, removedFiles: [])
        #expect(result.warnings.isEmpty)
        #expect(result.packages.map { "\($0.kind) \($0.name) \($0.version)" } == ["python numpy 1.26.4", "conda openssl 3.0.13", "conda pytorch 2.1.0"])
        #expect(result.packages[0].note == "installed by conda as numpy 1.26.4 (build py311h08b1b3b_0, channel main)")
        let openssl = result.packages[1]
        #expect(openssl.ecosystem == nil && openssl.licenses == ["Apache-2.0"])
        #expect(openssl.purl == "pkg:conda/openssl@3.0.13?build=h7f8727e_0&channel=conda-forge&subdir=linux-64")
        let torch = result.packages[2]
        #expect(torch.ecosystem == "PyPI" && torch.note == "PyPI distribution torch" && torch.layer == F.digest(2))
    }

    @Test(arguments: ["{", "[]", "{\"name\": \"x\"}", "{\"name\": 3, \"version\": \"1\"}"])
    func unreadableRecordsAreWarnings(text: String) {
        let result = PackageInventory().collect(files: [F.file("opt/conda/conda-meta/x-1-0.json", text)], removedFiles: [])
        #expect(result.packages.isEmpty)
        #expect(result.warnings.count == 1)
    }
}
