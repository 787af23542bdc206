import BulwarkCore
import BulwarkKubernetes
import Testing

@Suite struct LabelSelectorTests {
    func selector(_ yaml: String) throws -> LabelSelector {
        let root = try #require(YAMLReader.read(yaml).documents.first?.root)
        return LabelSelector(root)
    }

    static let cases: [(labels: [String: String], matches: Bool)] = [
        (["app": "model-server", "tier": "api"], true),
        (["app": "model-server", "tier": "api", "gpu": "a100"], true),
        (["app": "model-server", "tier": "batch"], false),   // tier in (api, web)
        (["app": "model-server", "tier": "web", "track": "canary"], false),  // track notin (canary)
        (["app": "model-server", "tier": "web", "debug": "1"], false),      // !debug
        (["app": "model-server"], false),                    // tier missing
        (["app": "other", "tier": "api"], false),
        ([:], false),
    ]

    @Test("matchLabels and matchExpressions", arguments: cases)
    func matching(_ labels: [String: String], _ expected: Bool) throws {
        let selector = try selector("""
        matchLabels: {app: model-server}
        matchExpressions:
          - {key: tier, operator: In, values: [api, web]}
          - {key: track, operator: NotIn, values: [canary]}
          - {key: debug, operator: DoesNotExist}
          - {key: app, operator: Exists}
        """)
        #expect(selector.isValid)
        #expect(selector.matches(labels) == expected)
    }

    @Test func emptySelectorSelectsEverything() throws {
        let empty = try selector("{}")
        #expect(empty.selectsEverything)
        #expect(empty.matches([:]))
        #expect(empty.matches(["a": "b"]))
        #expect(empty.description == "(everything)")
        #expect(LabelSelector.everything.selectsEverything)
        #expect(LabelSelector(matchLabels: ["a": "b"]).matches(["a": "b", "c": "d"]))
    }

    @Test func notInMatchesAMissingKey() {
        let selector = LabelSelector(requirements: [.init(key: "env", op: .notIn, values: ["prod"])])
        #expect(selector.matches([:]))
        #expect(selector.matches(["env": "dev"]))
        #expect(!selector.matches(["env": "prod"]))
    }

    @Test("invalid selectors select nothing", arguments: [
        "matchExpressions: [{key: a, operator: Matches, values: [x]}]",
        "matchExpressions: [{key: a, operator: In}]",
        "matchExpressions: [{key: a, operator: Exists, values: [x]}]",
        "matchExpressions: [{operator: Exists}]",
        "[a, b]",
    ])
    func invalid(_ yaml: String) throws {
        let selector = try selector(yaml)
        #expect(!selector.isValid)
        #expect(!selector.problems.isEmpty)
        #expect(!selector.matches(["a": "x"]))
        #expect(!selector.selectsEverything)
    }

    @Test func describesLikeKubectl() throws {
        let selector = try selector("""
        matchLabels: {b: "2", a: "1"}
        matchExpressions: [{key: t, operator: In, values: [y, x]}, {key: d, operator: DoesNotExist}]
        """)
        #expect(selector.description == "a=1,b=2,t in (x,y),!d")
    }
}
