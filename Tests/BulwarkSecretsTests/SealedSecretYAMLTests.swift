import BulwarkCore
import BulwarkKubernetes
import BulwarkSecrets
import Foundation
import Testing

@Suite struct SealedSecretYAMLTests {
    static let manifest = """
    # a Secret as `kubectl get -o yaml` prints it, with the plaintext leak of issue #227
    apiVersion: v1
    kind: Secret
    metadata:
      name: hf-token
      namespace: inference
      uid: 0b7c2c1e-5c7e-4a7e-9d7b-2f1f0e9c8d7a
      resourceVersion: "4711"
      creationTimestamp: "2026-01-01T00:00:00Z"
      labels:
        tier: "1"
        app.kubernetes.io/name: model-server
      annotations:
        kubectl.kubernetes.io/last-applied-configuration: |
          {"apiVersion":"v1","kind":"Secret","stringData":{"HF_TOKEN":"hf_live"}}
        kubecfg.ksonnet.io/last-applied-configuration: '{"stringData":{"HF_TOKEN":"hf_live"}}'
        owner: "ml: platform"
      ownerReferences:
        - {apiVersion: v1, kind: ConfigMap, name: parent, uid: 1}
    immutable: true
    type: Opaque
    data:
      ca.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
    stringData:
      HF_TOKEN: hf_live
    """

    static let golden = """
    ---
    apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret
    metadata:
      annotations:
        sealedsecrets.bitnami.com/namespace-wide: "true"
      name: hf-token
      namespace: inference
    spec:
      encryptedData:
        HF_TOKEN: AQBNhvsojItb14kqUxv2YmrqfCgUX10st9FhCD98PBHilca+ae8AZ+ELba/kvkgPYJPbXKca32hWIwMH2YGa/yC4cDb84M8WBDxX7qWbh0cZ9z5UHEzYDLrVwxpyEcGSrFbcbr4rzK3R/XAzy1ZWWBC+jVe4N1TO6aO2Z7W3CSuJfIdr7JpoHSx6MTey9byKa0HDcVPIDLJ13w5SJokYcXqmkkAkH8NWuCSJUS5KgB9uKdGUSq82OL5GTTwRyAdpWH5W8D5krP5HJ8ocdZjvnJ7wTMnchaYfBJbw4O90cWEFdArqA96fa/6XZoBzY4bqHvlefwWb9QhJu+0P6PM5267jtwJlKVWvTmpIz4f0LvzptSgpB8Sfv1A=
        ca.crt: AQBJDb+rk1YI3eb7ajCYy4w8T3R9bM+m17Qf126Z9Xd13d4x1Wo600ERqgxUhIOwNc4WSvKb8W8t37shl9m7cHNUKVwskg88KswHcEKjULp6srKK39xxC7TebtaMQ3zaj6SGfjJjViuSZJdUo3uipTPyRAEMY1uBts8U43gPRK6FJI3UKlVrfgbDwscmaetMCBl3aeBhdcytpUPBiJV9A33LJ2Savpy9uLnLWuaERuUuJ/fta/gVSefN5U0/3kjGHc+KjlaQ0iMKJx/QY4xQZ/RJL3IMW85z5aELZtTvdcDItnx2SWKwQjooJfIVgWLpnjX24q+V/GzJBs8HdFK/TAR++9bmvYe3SphgfcFtsQ+DZvNhEyGpmfgVYn5/cHnKg019r2W5GAytcPMzYg==
      template:
        immutable: true
        metadata:
          annotations:
            owner: "ml: platform"
            sealedsecrets.bitnami.com/namespace-wide: "true"
          labels:
            app.kubernetes.io/name: model-server
            tier: "1"
          name: hf-token
          namespace: inference
        type: Opaque

    """

    @Test func theOutputMatchesTheGoldenText() throws {
        let sealer = SealedSecretSealer(publicKey: try FixedKey.publicKey(), randomness: CountingRandomness().source)
        let result = sealer.seal(manifest: Array(Self.manifest.utf8), file: "secret.yaml", options: SealingOptions(scope: .namespaceWide))
        #expect(result.errors.isEmpty)
        #expect(result.yaml == Self.golden, "\(result.yaml)")
        // The pinned blobs still decrypt to the input under the namespace label.
        let sealed = try #require(result.sealedSecrets.first)
        for (key, value) in [("HF_TOKEN", "hf_live"), ("ca.crt", "-----BEGIN CERTIFICATE-----")] {
            let blob = try #require(sealed.encryptedData[key].flatMap { Data(base64Encoded: $0) })
            #expect(try FixedKey.decrypt([UInt8](blob), label: Array("inference".utf8)) == Array(value.utf8))
        }
    }

    @Test func theLastAppliedConfigurationNeverReachesTheOutput() throws {
        let sealer = SealedSecretSealer(publicKey: try FixedKey.publicKey())
        let result = sealer.seal(manifest: Array(Self.manifest.utf8), file: "secret.yaml")
        #expect(!result.yaml.contains("last-applied"))
        #expect(!result.yaml.contains("hf_live"))
        #expect(!result.yaml.contains("ownerReferences"))
        #expect(!result.yaml.contains("uid"))
        #expect(!result.yaml.contains("resourceVersion"))
    }

    /// Strings that a careless emitter would turn into something else.
    static let trickyStrings = [
        "true", "True", "yes", "no", "on", "OFF", "y", "n", "null", "~", "", " ", "1", "0755", "0x1F", "1e3", "1.5",
        ".inf", "-.inf", ".nan", "2026-01-01", "12:30:00", "-", "- x", "? x", ": x", "a: b", "a #b", "#x", "&anchor",
        "*alias", "!tag", "|", ">", "'quoted'", "\"double\"", "%directive", "@at", "`tick`", "[a]", "{a: 1}", "a,b",
        "line\nbreak", "tab\there", "trailing ", " leading", "back\\slash", "bell\u{07}", "nul\u{0}", "del\u{7F}",
        "größe", "✓", "emoji 🔐", "\u{85}next", "\u{2028}", "\u{FEFF}bom", "<<", "=", "plain-value_1.2/x+y=",
        "AgBy3i4OJSWK+PiTySYZZA==", "/path/to/file",
    ]

    @Test(arguments: trickyStrings)
    func everyStringReadsBackAsTheSameString(_ value: String) throws {
        let sealed = SealedSecret(
            name: "n", namespace: "ns", encryptedData: ["k": value],
            template: SealedSecret.Template(name: "n", namespace: "ns", labels: ["label": value], annotations: [value.isEmpty ? "empty" : value: value]))
        let inventory = KubernetesLoader.parse(text: sealed.yaml, file: "out.yaml")
        #expect(inventory.errors.isEmpty, "\(inventory.errors)\n\(sealed.yaml)")
        let object = try #require(inventory.objects.first)
        for node in [object.root.at("spec", "encryptedData", "k"), object.root.at("spec", "template", "metadata", "labels", "label")] {
            let node = try #require(node)
            #expect(node.scalar == value, "\(sealed.yaml)")
            // A plain scalar must not resolve to a boolean, a number or null (go-yaml v2 rules).
            if node.scalarStyle == .plain {
                #expect(node.bool == nil && node.int == nil && !node.isNull && Double(value) == nil, "\(value)")
            }
        }
        let annotations = try #require(object.root.at("spec", "template", "metadata", "annotations")?.pairs)
        #expect(annotations.first?.key.scalar == (value.isEmpty ? "empty" : value))
    }

    @Test(arguments: [
        ("true", #""true""#), ("1", #""1""#), ("ml: platform", #""ml: platform""#), ("", #""""#),
        ("a\nb", #""a\nb""#), ("say \"hi\"", #""say \"hi\"""#), ("model-server", "model-server"),
        ("AgB+/x==", "AgB+/x=="), ("app.kubernetes.io/name", "app.kubernetes.io/name"), ("nul\u{0}", #""nul\u0000""#),
    ])
    func scalarsAreQuotedOnlyWhenNeeded(_ value: String, _ written: String) {
        let sealed = SealedSecret(name: "n", namespace: nil, encryptedData: ["k": value], template: .init(name: nil, namespace: nil))
        #expect(sealed.yaml.contains("\n    k: \(written)\n"), "\(sealed.yaml)")
    }

    @Test func anEmptySecretHasAnEmptyEncryptedDataMapping() throws {
        let sealer = SealedSecretSealer(publicKey: try FixedKey.publicKey())
        let result = sealer.seal(manifest: Array("{apiVersion: v1, kind: Secret, metadata: {name: e, namespace: ns}}".utf8), file: "e.yaml")
        #expect(result.errors.isEmpty)
        #expect(result.yaml == """
        ---
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata:
          name: e
          namespace: ns
        spec:
          encryptedData: {}
          template:
            metadata:
              name: e
              namespace: ns
            type: Opaque

        """)
    }

    @Test func keysAreInByteOrder() throws {
        let sealer = SealedSecretSealer(publicKey: try FixedKey.publicKey())
        let manifest = "{apiVersion: v1, kind: Secret, metadata: {name: e, namespace: ns}, stringData: {b: '1', B: '2', a: '3', _: '4', '.x': '5'}}"
        let result = sealer.seal(manifest: Array(manifest.utf8), file: "e.yaml")
        let object = try #require(KubernetesLoader.parse(text: result.yaml, file: "out.yaml").objects.first)
        let keys = object.root.at("spec", "encryptedData")?.pairs?.compactMap(\.key.scalar)
        #expect(keys == [".x", "B", "_", "a", "b"])
    }
}
