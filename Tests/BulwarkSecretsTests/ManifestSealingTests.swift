import BulwarkCore
import BulwarkKubernetes
import BulwarkSecrets
import Foundation
import Testing

@Suite struct ManifestSealingTests {
    static func seal(_ manifest: String, _ options: SealingOptions = SealingOptions()) throws -> SealingResult {
        let sealer = SealedSecretSealer(publicKey: try FixedKey.publicKey())
        return sealer.seal(manifest: Array(manifest.utf8), file: "in.yaml", options: options)
    }

    /// Decrypts one value of a result under the label the controller would use.
    static func unseal(_ result: SealingResult, _ key: String, document: Int = 0) throws -> [UInt8] {
        let sealed = try #require(result.sealedSecrets.count > document ? result.sealedSecrets[document] : nil)
        let blob = try #require(sealed.encryptedData[key].flatMap { Data(base64Encoded: $0) })
        return try FixedKey.decrypt([UInt8](blob), label: sealed.scope.label(namespace: sealed.namespace ?? "", name: sealed.name))
    }

    @Test func badDocumentsAreReportedAtTheirLineAndTheOthersSealed() throws {
        let result = try Self.seal("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: ml}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: good, namespace: ml}
        stringData: {a: b}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: broken, namespace: ml}
        data:
          token: "not base64!"
        """)
        #expect(result.sealedSecrets.map(\.name) == ["good"])
        #expect(result.errors.count == 2)
        #expect(result.errors.first?.line == 1)
        #expect(result.errors.first?.message.contains("ConfigMap settings is not a Secret") == true)
        #expect(result.errors.last?.line == 14)
        #expect(result.errors.last?.column == 10)
        #expect(result.errors.last?.message.contains("Secret ml/broken: data.token is not valid base64") == true)
        #expect(result.errors.last?.description.hasPrefix("in.yaml:14:10: ") == true)
        #expect(try Self.unseal(result, "a") == Array("b".utf8))
    }

    @Test(arguments: [
        // (manifest, options, line, message fragment)
        ("apiVersion: v1\nkind: Secret\nmetadata: {namespace: ml}\n", SealingOptions(), 3, "no metadata.name"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {generateName: tok-, namespace: ml}\n", SealingOptions(), 3, "generateName"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n", SealingOptions(), 3, "no metadata.namespace, which strict scope needs"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n", SealingOptions(scope: .namespaceWide), 3, "namespace-wide scope needs"),
        ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations: {sealedsecrets.bitnami.com/namespace-wide: \"true\"}\n",
         SealingOptions(), 3, "namespace-wide scope needs"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\ndata: [a, b]\n", SealingOptions(), 4, "data must be a mapping"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\ndata: {a: YQ}\n", SealingOptions(), 4, "not a multiple of 4"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\ndata: {a: YQ==YQ==}\n", SealingOptions(), 4, "misplaced '='"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\ndata: {a: 'YW Jj'}\n", SealingOptions(), 4, "' ' at offset 2"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\ndata: {a: YW-_}\n", SealingOptions(), 4, "'-' at offset 2"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\nstringData: {a: {b: c}}\n", SealingOptions(), 4, "stringData.a must be a string"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\nstringData: {'a b': c}\n", SealingOptions(), 4, "not a valid Secret key"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\nstringData: {..a: c}\n", SealingOptions(), 4, "not a valid Secret key"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\nimmutable: maybe\n", SealingOptions(), 4, "immutable must be true or false"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\ntype: [x]\n", SealingOptions(), 4, "type must be a string"),
        ("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s, namespace: ml}\n", SealingOptions(), 1, "is not a Secret"),
        ("apiVersion: v2\nkind: Secret\nmetadata: {name: s, namespace: ml}\n", SealingOptions(), 1, "is not a Secret"),
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml\n", SealingOptions(), 4, "did not find expected"),
    ] as [(String, SealingOptions, Int?, String)])
    func invalidSecretsAreErrorsAtTheirField(_ manifest: String, _ options: SealingOptions, _ line: Int?, _ fragment: String) throws {
        let result = try Self.seal(manifest, options)
        #expect(result.sealedSecrets.isEmpty)
        try #require(result.errors.count == 1, "\(result.errors)")
        if let line { #expect(result.errors[0].line == line, "\(result.errors[0])") }
        #expect(result.errors[0].message.contains(fragment), "\(result.errors[0])")
    }

    @Test func otherKindsCanBeSkipped() throws {
        let manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: model-server, namespace: ml}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: s, namespace: ml}
        stringData: {a: b}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: broken}
        """
        let result = try Self.seal(manifest, SealingOptions(skipOtherKinds: true))
        #expect(result.sealedSecrets.map(\.name) == ["s"])
        // A broken Secret is still an error.
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.line == 12)
    }

    @Test func documentsThatAreNotKubernetesObjectsAreErrors() throws {
        let result = try Self.seal("just: a mapping\n---\n- a list\n---\n# only a comment\n")
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.contains("2 documents are not a Kubernetes object") == true)
    }

    @Test func clusterWideScopeNeedsNoNamespace() throws {
        let result = try Self.seal("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {a: b}\n", SealingOptions(scope: .clusterWide))
        #expect(result.errors.isEmpty)
        let sealed = try #require(result.sealedSecrets.first)
        #expect(sealed.namespace == nil)
        #expect(sealed.annotations == [SealingScope.clusterWideAnnotation: "true"])
        #expect(!result.yaml.contains("namespace:"))
        #expect(try Self.unseal(result, "a") == Array("b".utf8))
    }

    @Test func theDefaultNamespaceFillsSecretsWithoutOne() throws {
        let manifest = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {a: b}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: t, namespace: own}\nstringData: {a: c}\n"
        let result = try Self.seal(manifest, SealingOptions(defaultNamespace: "inference"))
        #expect(result.errors.isEmpty)
        #expect(result.sealedSecrets.map(\.namespace) == ["inference", "own"])
        #expect(result.sealedSecrets.first?.template.namespace == "inference")
        #expect(try Self.unseal(result, "a", document: 0) == Array("b".utf8))
        #expect(try Self.unseal(result, "a", document: 1) == Array("c".utf8))
    }

    /// Without `--scope`, the Secret's own scope annotation decides; `--scope` replaces it.
    @Test(arguments: [
        (nil, SealingScope.namespaceWide), (SealingScope.strict, SealingScope.strict),
        (SealingScope.clusterWide, SealingScope.clusterWide), (SealingScope.namespaceWide, SealingScope.namespaceWide),
    ] as [(SealingScope?, SealingScope)])
    func theScopeComesFromTheOptionOrTheAnnotation(_ option: SealingScope?, _ expected: SealingScope) throws {
        let manifest = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: s
          namespace: ml
          annotations: {sealedsecrets.bitnami.com/namespace-wide: "true", keep: me}
        stringData: {a: b}
        """
        let result = try Self.seal(manifest, SealingOptions(scope: option))
        let sealed = try #require(result.sealedSecrets.first)
        #expect(sealed.scope == expected)
        #expect(SealingScope(annotations: sealed.template.annotations) == expected)
        #expect(sealed.template.annotations["keep"] == "me")
        #expect(try Self.unseal(result, "a") == Array("b".utf8))
        if expected == .strict {
            #expect(sealed.annotations.isEmpty)
            #expect(!result.yaml.contains("sealedsecrets.bitnami.com"))
        }
    }

    @Test func stringDataOverridesDataAndBothAreSealed() throws {
        let result = try Self.seal("""
        apiVersion: v1
        kind: Secret
        metadata: {name: s, namespace: ml}
        data: {a: YWFh, b: YmJi, empty: "", nothing: null}
        stringData: {b: override, c: "8080", d: 8080}
        """)
        #expect(result.errors.isEmpty)
        #expect(try Self.unseal(result, "a") == Array("aaa".utf8))
        #expect(try Self.unseal(result, "b") == Array("override".utf8))
        #expect(try Self.unseal(result, "c") == Array("8080".utf8))
        #expect(try Self.unseal(result, "d") == Array("8080".utf8))
        #expect(try Self.unseal(result, "empty") == [])
        #expect(try Self.unseal(result, "nothing") == [])
    }

    @Test(arguments: [
        ("", [UInt8]()), ("YQ==", Array("a".utf8)), ("YWI=", Array("ab".utf8)), ("YWJj", Array("abc".utf8)),
        ("YW\nJj\r\n", Array("abc".utf8)), ("/+8=", [0xFF, 0xEF]), ("AAECAwQFBgc=", [0, 1, 2, 3, 4, 5, 6, 7]),
    ])
    func dataIsBase64DecodedAsKubernetesDoes(_ encoded: String, _ expected: [UInt8]) throws {
        let escaped = encoded.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        let result = try Self.seal("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\ndata: {k: \"\(escaped)\"}\n")
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(try Self.unseal(result, "k") == expected)
    }

    @Test func listsJSONAndManyDocumentsAreRead() throws {
        let manifest = """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a", "namespace": "ml"}, "stringData": {"k": "1"}},
          {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b", "namespace": "ml"}, "type": "kubernetes.io/tls",
           "data": {"tls.crt": "Y3J0", "tls.key": "a2V5"}}
        ]}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: c, namespace: ml, labels: {app: x}}
        """
        let result = try Self.seal(manifest)
        #expect(result.errors.isEmpty)
        #expect(result.sealedSecrets.map(\.name) == ["a", "b", "c"])
        #expect(result.sealedSecrets[1].template.type == "kubernetes.io/tls")
        #expect(result.sealedSecrets[2].template.labels == ["app": "x"])
        #expect(result.yaml.components(separatedBy: "---\n").count == 4)
        #expect(try Self.unseal(result, "tls.key", document: 1) == Array("key".utf8))
        // The output reads back as three SealedSecrets.
        #expect(try ReadSealedSecret.all(in: result.yaml).map(\.name) == ["a", "b", "c"])
    }

    @Test(arguments: [
        ("name", true), ("config.json", true), ("a-b_c.d", true), (".dockerconfigjson", true), ("..a", false), (".", false),
        ("", false), ("a/b", false), ("a b", false), ("ü", false), (String(repeating: "a", count: 253), true),
        (String(repeating: "a", count: 254), false),
    ])
    func secretKeysFollowKubernetesRules(_ key: String, _ valid: Bool) throws {
        let manifest = "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ml}\nstringData: {\"\(key)\": v}\n"
        let result = try Self.seal(manifest)
        #expect(result.errors.isEmpty == valid, "\(result.errors)")
    }

    @Test func scopeLabelsAreAsInSealedSecrets() {
        #expect(SealingScope.strict.label(namespace: "ns", name: "n") == Array("ns/n".utf8))
        #expect(SealingScope.namespaceWide.label(namespace: "ns", name: "n") == Array("ns".utf8))
        #expect(SealingScope.clusterWide.label(namespace: "ns", name: "n") == [])
        #expect(SealingScope(annotations: [SealingScope.clusterWideAnnotation: "true", SealingScope.namespaceWideAnnotation: "true"]) == .clusterWide)
        #expect(SealingScope(annotations: [SealingScope.namespaceWideAnnotation: "false"]) == .strict)
        #expect(SealingScope.strict.applied(to: [SealingScope.clusterWideAnnotation: "true", "x": "y"]) == ["x": "y"])
    }
}
