import BulwarkImage
import Testing

@Suite struct ImageModelTests {
    @Test func layerFilesKeepTheirLayer() {
        let file = LayerFile(path: "etc/os-release", layerIndex: 0, layerDigest: "sha256:00", size: 3, contents: Array("ID=".utf8))
        #expect(file.layerDigest == "sha256:00")
    }
}
