import BulwarkCore
import BulwarkSecrets
import BulwarkTestSupport
import Foundation
import Testing

/// Seeded mutations of real certificates through the certificate reader (`seal --cert`): no
/// crash, and every error in our words (never a dependency's description or source path).
@Suite struct CertificateFuzzTests {
    static let seed: [UInt8] = {
        let url = CommandRunner.packageRoot.appendingPathComponent("examples/inference-stack/sealed-secrets-cert.pem")
        return (try? Array(Data(contentsOf: url))) ?? []
    }()

    @Test(arguments: 0..<4)
    func mutatedCertificatesGiveOurMessages(shard: Int) throws {
        try #require(!Self.seed.isEmpty)
        var mutator = Mutator(seed: 0xCE27 &+ UInt64(shard))
        // The PEM text and its DER body both.
        let der = Array(Data(base64Encoded: String(decoding: Self.seed, as: UTF8.self)
            .split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()) ?? Data())
        for round in 0..<300 {
            let input = mutator.mutate(round % 2 == 0 ? Self.seed : der)
            do {
                _ = try SealedSecretSealer(certificate: input)
            } catch {
                let text = "\(error)"
                #expect(!text.contains(".swift") && !text.contains("ASN1Error") && !text.contains("CertificateError"), "\(text)")
                #expect(!text.isEmpty)
            }
        }
    }
}
