import BulwarkRuntime
import Foundation
import Testing

@Suite struct EventSinkConfigurationTests {
    @Test(arguments: [
        ("stdout", EventSinkConfiguration.Destination.stdout),
        ("file:/var/log/bulwark/events.json?max-bytes=10485760&keep=5",
         .file(path: "/var/log/bulwark/events.json", maxBytes: 10_485_760, keep: 5)),
        ("file:/var/log/bulwark/events.json", .file(path: "/var/log/bulwark/events.json", maxBytes: 10_485_760, keep: 5)),
        ("syslog+udp://127.0.0.1:514?facility=auth", .syslog(host: "127.0.0.1", port: 514, transport: .udp, facility: 4)),
        ("syslog+tcp://collector.example:6514", .syslog(host: "collector.example", port: 6514, transport: .tcp, facility: 4)),
        ("syslog+tcp://[::1]:6514?facility=local3", .syslog(host: "::1", port: 6514, transport: .tcp, facility: 19)),
        ("splunk-hec+https://splunk.example:8088?token-env=SPLUNK_TOKEN",
         .splunkHEC(baseURL: "https://splunk.example:8088", tokenEnvironment: "SPLUNK_TOKEN", caFile: nil)),
        ("splunk-hec+http://127.0.0.1?token-env=T&ca-file=/etc/ca.pem",
         .splunkHEC(baseURL: "http://127.0.0.1:8088", tokenEnvironment: "T", caFile: "/etc/ca.pem")),
        ("elasticsearch+http://es.example:9200/bulwark-runtime?api-key-env=ES_KEY",
         .elasticsearch(baseURL: "http://es.example:9200", index: "bulwark-runtime",
                        authentication: .apiKey(environment: "ES_KEY"), caFile: nil)),
        ("elasticsearch+https://es.example/logs-bulwark-default?user=elastic&password-env=ES_PW",
         .elasticsearch(baseURL: "https://es.example:9200", index: "logs-bulwark-default",
                        authentication: .basic(user: "elastic", passwordEnvironment: "ES_PW"), caFile: nil)),
    ])
    func parses(text: String, destination: EventSinkConfiguration.Destination) throws {
        let configuration = try EventSinkConfiguration.parse(text)
        #expect(configuration.destination == destination)
        #expect(configuration.specification == text)
    }

    @Test(arguments: [
        ("kafka://broker:9092", "unknown sink \"kafka\""),
        ("file:relative/events.json", "must be absolute"),
        ("file:/var/log/events.json?max-bytes=ten", "option \"max-bytes\" must be a whole number"),
        ("file:/var/log/events.json?rotate=1", "unknown option \"rotate\""),
        ("file:/var/log/events.json?keep=1&keep=2", "given twice"),
        ("syslog+udp://127.0.0.1:514?facility=nope", "unknown syslog facility \"nope\""),
        ("syslog+tcp://:514", "no host"),
        ("splunk-hec+https://splunk:8088", "token-env="),
        ("elasticsearch+http://es:9200", "must name one index"),
        ("elasticsearch+http://es:9200/Bulwark", "must be lower case"),
        ("elasticsearch+http://es:9200/a?user=elastic", "password-env"),
        ("elasticsearch+http://es:9200/a?api-key-env=K&user=u&password-env=P", "not both"),
        ("nonsense", "expected stdout"),
    ])
    func rejectsWithAReason(text: String, reason: String) {
        #expect {
            try EventSinkConfiguration.parse(text)
        } throws: { error in
            let description = String(describing: error)
            return description.contains(reason) && description.contains(text)
        }
    }

    @Test func makeSinkReadsSecretsFromTheEnvironment() async throws {
        let configuration = try EventSinkConfiguration.parse("splunk-hec+http://127.0.0.1:8088?token-env=BW_TEST_TOKEN")
        #expect {
            try configuration.makeSink(format: .ecs, hostName: "n", environment: [:])
        } throws: { error in
            String(describing: error).contains("BW_TEST_TOKEN is not set")
        }
        let sink = try configuration.makeSink(format: .ecs, hostName: "n", environment: ["BW_TEST_TOKEN": "t"])
        #expect(sink.name == "splunk-hec")
        await sink.close()
    }

    @Test(arguments: ["stdout", "file:/tmp/bulwark-never-written.json", "syslog+udp://127.0.0.1:9"])
    func makeSinkNames(text: String) async throws {
        let sink = try EventSinkConfiguration.parse(text).makeSink(format: .tetragon, hostName: "n")
        #expect(text.hasPrefix(sink.name))
        await sink.close()
    }

    @Test func eventFormatParses() throws {
        #expect(try EventFormat.parse("ECS") == .ecs)
        #expect(try EventFormat.parse("tetragon") == .tetragon)
        #expect(throws: EventSinkConfigurationError.self) { try EventFormat.parse("cef") }
    }
}
