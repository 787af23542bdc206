import Testing
@Suite struct DockerfilePlaceholderTests { @Test func moduleLoads() {} }
