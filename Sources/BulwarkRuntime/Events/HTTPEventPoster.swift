import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// Authentication for the HTTP sinks.
public enum HTTPSinkAuthentication: Sendable, Hashable {
    case none
    /// `Authorization: Splunk <token>` (HEC).
    case splunkToken(String)
    /// `Authorization: ApiKey <base64 id:key as Elasticsearch hands it out>`.
    case apiKey(String)
    case basic(user: String, password: String)

    var headerValue: String? {
        switch self {
        case .none: nil
        case .splunkToken(let token): "Splunk " + token
        case .apiKey(let key): "ApiKey " + key
        case .basic(let user, let password): "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
    }
}

/// Where and how an HTTP sink posts: the base URL (`http://host:9200`), a CA file for HTTPS collectors with a
/// private CA, and a timeout per request.
public struct HTTPSinkEndpoint: Sendable, Hashable {
    public var baseURL: String
    public var authentication: HTTPSinkAuthentication
    public var caFile: String?
    public var timeout: Duration

    public init(baseURL: String, authentication: HTTPSinkAuthentication = .none, caFile: String? = nil,
                timeout: Duration = .seconds(10)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.authentication = authentication
        self.caFile = caFile
        self.timeout = timeout
    }
}

/// The outcome of one POST, classified for retrying.
enum HTTPPostOutcome: Sendable {
    case response(status: Int, body: [UInt8])
    /// No HTTP answer (refused, reset, timed out, TLS failure): worth retrying.
    case transportError(String)

    /// 429 (throttled) and 5xx may pass; other 4xx mean the request is wrong and will stay wrong.
    static func isRetryable(status: Int) -> Bool { status == 429 || status >= 500 }
}

/// One AsyncHTTPClient per sink (its own connection pool and TLS configuration), shut down by `close`.
final class HTTPEventPoster: Sendable {
    let endpoint: HTTPSinkEndpoint
    private let client: HTTPClient

    init(endpoint: HTTPSinkEndpoint) {
        self.endpoint = endpoint
        var configuration = HTTPClient.Configuration()
        if let caFile = endpoint.caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tls
        }
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    func post(path: String, contentType: String, body: [UInt8]) async -> HTTPPostOutcome {
        var request = HTTPClientRequest(url: endpoint.baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "User-Agent", value: "bulwark-runtime")
        if let authorization = endpoint.authentication.headerValue {
            request.headers.add(name: "Authorization", value: authorization)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let components = endpoint.timeout.components
        let timeout = TimeAmount.nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
        do {
            let response = try await client.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
            return .response(status: Int(response.status.code), body: Array(buffer.readableBytesView))
        } catch {
            return .transportError(String(describing: error))
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
