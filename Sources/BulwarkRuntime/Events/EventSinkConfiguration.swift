import Foundation

/// A sink as given on the command line (`--events <spec>`, repeatable):
///
/// - `stdout`
/// - `file:/var/log/bulwark/events.json?max-bytes=10485760&keep=5`
/// - `syslog+udp://127.0.0.1:514?facility=auth`, `syslog+tcp://host:6514`
/// - `splunk-hec+https://host:8088?token-env=SPLUNK_TOKEN[&ca-file=/etc/ssl/ca.pem]`
/// - `elasticsearch+http://host:9200/bulwark-runtime?api-key-env=ES_KEY` (or `user=…&password-env=…`;
///   the path names the index or data stream)
///
/// Secrets are never part of the text (it shows up in `ps`): the options name environment variables, which
/// `makeSink` reads.
public struct EventSinkConfiguration: Sendable, Hashable {
    public enum Destination: Sendable, Hashable {
        case stdout
        /// Standard error: the default of `bulwark runtime run`, whose standard output is the command's.
        case stderr
        case file(path: String, maxBytes: Int, keep: Int)
        case syslog(host: String, port: UInt16, transport: SyslogSink.Transport, facility: Int)
        case splunkHEC(baseURL: String, tokenEnvironment: String, caFile: String?)
        case elasticsearch(baseURL: String, index: String, authentication: ElasticsearchCredentials, caFile: String?)
    }

    /// Where Elasticsearch credentials come from (names of environment variables, never the secrets).
    public enum ElasticsearchCredentials: Sendable, Hashable {
        case none
        case apiKey(environment: String)
        case basic(user: String, passwordEnvironment: String)
    }

    public var destination: Destination
    /// The text it was parsed from.
    public var specification: String

    public init(destination: Destination, specification: String) {
        self.destination = destination
        self.specification = specification
    }

    public static let defaultMaxBytes = 10 * 1024 * 1024
    public static let defaultKeep = 5

    public static func parse(_ text: String) throws(EventSinkConfigurationError) -> EventSinkConfiguration {
        let text = text.trimmingCharacters(in: .whitespaces)
        func fail(_ reason: String) -> EventSinkConfigurationError { EventSinkConfigurationError(specification: text, reason: reason) }
        if text == "stdout" || text == "-" { return EventSinkConfiguration(destination: .stdout, specification: text) }
        if text == "stderr" { return EventSinkConfiguration(destination: .stderr, specification: text) }
        guard let colon = text.firstIndex(of: ":") else {
            throw fail("expected stdout, file:<path>, syslog+udp://, syslog+tcp://, splunk-hec+http(s):// or elasticsearch+http(s)://")
        }
        let scheme = text[..<colon].lowercased()
        guard let components = URLComponents(string: text) else { throw fail("not a valid URL") }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value, !value.isEmpty else { throw fail("option \"\(item.name)\" has no value") }
            guard query[item.name] == nil else { throw fail("option \"\(item.name)\" is given twice") }
            query[item.name] = value
        }
        func take(_ name: String) -> String? { query.removeValue(forKey: name) }
        func takeInt(_ name: String, _ range: ClosedRange<Int>) throws(EventSinkConfigurationError) -> Int? {
            guard let value = take(name) else { return nil }
            guard let number = Int(value), range.contains(number) else {
                throw fail("option \"\(name)\" must be a whole number in \(range.lowerBound)...\(range.upperBound), not \"\(value)\"")
            }
            return number
        }
        func hostAndPort(defaultPort: UInt16?) throws(EventSinkConfigurationError) -> (String, UInt16) {
            // Foundation versions differ in whether an IPv6 literal keeps its brackets.
            guard var host = components.host, !host.isEmpty else { throw fail("no host") }
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if let port = components.port {
                guard (1...65_535).contains(port) else { throw fail("port \(port) is out of range") }
                return (host, UInt16(port))
            }
            guard let defaultPort else { throw fail("no port") }
            return (host, defaultPort)
        }

        let destination: Destination
        switch scheme {
        case "file":
            let path = components.path
            guard path.hasPrefix("/") else { throw fail("the file path must be absolute (file:/var/log/…)") }
            guard !path.hasSuffix("/") else { throw fail("the file path names a directory") }
            let maxBytes = try takeInt("max-bytes", 1024...Int(Int32.max)) ?? defaultMaxBytes
            let keep = try takeInt("keep", 0...1000) ?? defaultKeep
            destination = .file(path: path, maxBytes: maxBytes, keep: keep)
        case "syslog+udp", "syslog+tcp", "syslog":
            let transport: SyslogSink.Transport = scheme == "syslog+tcp" ? .tcp : .udp
            let (host, port) = try hostAndPort(defaultPort: 514)
            var facility = 4
            if let name = take("facility") {
                if let code = SyslogSink.facilities[name.lowercased()] {
                    facility = code
                } else if let code = Int(name), (0...23).contains(code) {
                    facility = code
                } else {
                    throw fail("unknown syslog facility \"\(name)\" (kern, user, daemon, auth, authpriv, local0…local7 or 0…23)")
                }
            }
            destination = .syslog(host: host, port: port, transport: transport, facility: facility)
        case "splunk-hec+http", "splunk-hec+https":
            let (host, port) = try hostAndPort(defaultPort: 8088)
            guard let token = take("token-env") else {
                throw fail("Splunk HEC needs token-env=<environment variable holding the HEC token>")
            }
            let base = "\(scheme.dropFirst("splunk-hec+".count))://\(bracketed(host)):\(port)"
            destination = .splunkHEC(baseURL: base, tokenEnvironment: token, caFile: take("ca-file"))
        case "elasticsearch+http", "elasticsearch+https":
            let (host, port) = try hostAndPort(defaultPort: 9200)
            let index = components.path.split(separator: "/").map(String.init)
            guard index.count == 1, let name = index.first else {
                throw fail("the path must name one index or data stream (elasticsearch+http://host:9200/bulwark-runtime)")
            }
            guard name == name.lowercased(), !name.hasPrefix("_"), !name.hasPrefix("-") else {
                throw fail("index \"\(name)\" must be lower case and not start with _ or -")
            }
            let credentials: ElasticsearchCredentials
            switch (take("api-key-env"), take("user"), take("password-env")) {
            case (nil, nil, nil): credentials = .none
            case (let key?, nil, nil): credentials = .apiKey(environment: key)
            case (nil, let user?, let password?): credentials = .basic(user: user, passwordEnvironment: password)
            case (nil, _?, nil): throw fail("user= needs password-env=<environment variable holding the password>")
            case (nil, nil, _?): throw fail("password-env= needs user=")
            default: throw fail("give either api-key-env= or user= with password-env=, not both")
            }
            let base = "\(scheme.dropFirst("elasticsearch+".count))://\(bracketed(host)):\(port)"
            destination = .elasticsearch(baseURL: base, index: name, authentication: credentials, caFile: take("ca-file"))
        default:
            throw fail("unknown sink \"\(scheme)\" (stdout, file, syslog+udp, syslog+tcp, splunk-hec+http(s), elasticsearch+http(s))")
        }
        if let unknown = query.keys.sorted().first { throw fail("unknown option \"\(unknown)\"") }
        return EventSinkConfiguration(destination: destination, specification: text)
    }

    private static func bracketed(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    /// Builds the sink; reads the secrets the specification names from `environment`.
    public func makeSink(format: EventFormat, hostName: String,
                         environment: [String: String] = ProcessInfo.processInfo.environment,
                         queue: QueueOptions? = nil, metrics: RuntimeMetrics? = nil) throws(EventSinkConfigurationError)
        -> any RuntimeEventSink
    {
        let encoder = format.encoder(nodeName: hostName)
        func fail(_ reason: String) -> EventSinkConfigurationError {
            EventSinkConfigurationError(specification: specification, reason: reason)
        }
        func secret(_ variable: String) throws(EventSinkConfigurationError) -> String {
            guard let value = environment[variable], !value.isEmpty else {
                throw fail("environment variable \(variable) is not set or empty")
            }
            return value
        }
        let sinkName: String
        switch destination {
        case .stdout: sinkName = "stdout"
        case .stderr: sinkName = "stderr"
        case .file: sinkName = "file"
        case .syslog: sinkName = "syslog"
        case .splunkHEC: sinkName = "splunk-hec"
        case .elasticsearch: sinkName = "elasticsearch"
        }
        let onDrop: @Sendable (Int) -> Void = { metrics?.recordDropped(sink: sinkName, count: $0) }
        let onSent: @Sendable (Int) -> Void = { metrics?.recordSent(sink: sinkName, count: $0) }
        switch destination {
        case .stdout:
            return StdoutSink(encoder: encoder, options: queue ?? QueueOptions(batchSize: 64, flushInterval: .milliseconds(200)),
                              onDrop: onDrop, onSent: onSent)
        case .stderr:
            return StdoutSink(encoder: encoder, fileDescriptor: STDERR_FILENO, name: "stderr",
                              options: queue ?? QueueOptions(batchSize: 64, flushInterval: .milliseconds(200)),
                              onDrop: onDrop, onSent: onSent)
        case .file(let path, let maxBytes, let keep):
            return FileSink(path: path, maxBytes: maxBytes, keep: keep, encoder: encoder,
                            options: queue ?? QueueOptions(batchSize: 256, flushInterval: .milliseconds(500)),
                            onDrop: onDrop, onSent: onSent)
        case .syslog(let host, let port, let transport, let facility):
            return SyslogSink(host: host, port: port, transport: transport, facility: facility, hostName: hostName,
                              encoder: encoder, options: queue ?? QueueOptions(batchSize: 64, flushInterval: .milliseconds(200)),
                              onDrop: onDrop, onSent: onSent)
        case .splunkHEC(let baseURL, let tokenEnvironment, let caFile):
            let endpoint = HTTPSinkEndpoint(baseURL: baseURL, authentication: .splunkToken(try secret(tokenEnvironment)),
                                            caFile: caFile)
            return SplunkHECSink(endpoint: endpoint, hostName: hostName, encoder: encoder, options: queue ?? QueueOptions(),
                                 onDrop: onDrop, onSent: onSent)
        case .elasticsearch(let baseURL, let index, let credentials, let caFile):
            let authentication: HTTPSinkAuthentication
            switch credentials {
            case .none: authentication = .none
            case .apiKey(let variable): authentication = .apiKey(try secret(variable))
            case .basic(let user, let variable): authentication = .basic(user: user, password: try secret(variable))
            }
            let endpoint = HTTPSinkEndpoint(baseURL: baseURL, authentication: authentication, caFile: caFile)
            return ElasticsearchSink(endpoint: endpoint, index: index, encoder: encoder, options: queue ?? QueueOptions(),
                                     onDrop: onDrop, onSent: onSent)
        }
    }
}

public struct EventSinkConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var specification: String
    public var reason: String

    public var description: String { "event sink \"\(specification)\": \(reason)" }
}

extension EventFormat {
    /// Parses `--event-format`.
    public static func parse(_ text: String) throws(EventSinkConfigurationError) -> EventFormat {
        guard let format = EventFormat(rawValue: text.lowercased()) else {
            throw EventSinkConfigurationError(specification: text, reason: "unknown event format (ecs, tetragon)")
        }
        return format
    }
}
