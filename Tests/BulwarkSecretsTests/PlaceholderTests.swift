import Testing
@Suite struct SecretsPlaceholderTests { @Test func moduleLoads() {} }
