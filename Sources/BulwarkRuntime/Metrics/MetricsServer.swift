import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A minimal HTTP/1.1 server for Prometheus scrapes: `GET /metrics` (also `HEAD`) answers the exposition in text
/// format 0.0.4, everything else 404 (405 for other methods on `/metrics`). It binds where it is told —
/// loopback by default — because the metrics say what the node enforces.
///
/// Plain NIOHTTP1 rather than a web framework: one route, no framework dependency in the runtime library.
public final class MetricsServer: Sendable {
    public let host: String
    public let requestedPort: Int
    private let render: @Sendable () -> String
    private let channelBox = Mutex<(any Channel)?>(nil)

    public init(metrics: RuntimeMetrics, host: String = "127.0.0.1", port: Int = 9464) {
        self.host = host
        self.requestedPort = port
        self.render = { metrics.exposition() }
    }

    /// Binds and starts answering; returns the port actually bound (useful with port 0).
    @discardableResult
    public func start() async throws -> Int {
        let render = self.render
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(render: render))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: requestedPort).get()
        channelBox.withLock { $0 = channel }
        return channel.localAddress?.port ?? requestedPort
    }

    public var port: Int? { channelBox.withLock { $0?.localAddress?.port } }

    public func shutdown() async {
        let channel = channelBox.withLock { box -> (any Channel)? in
            defer { box = nil }
            return box
        }
        try? await channel?.close()
    }
}

private final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let render: @Sendable () -> String
    private var head: HTTPRequestHead?

    init(render: @escaping @Sendable () -> String) {
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(context: context, to: head)
        }
    }

    private func respond(context: ChannelHandlerContext, to request: HTTPRequestHead) {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        let status: HTTPResponseStatus
        var contentType = "text/plain; charset=utf-8"
        var body = ""
        if path == "/metrics" {
            if request.method == .GET || request.method == .HEAD {
                status = .ok
                contentType = "text/plain; version=0.0.4; charset=utf-8"
                body = render()
            } else {
                status = .methodNotAllowed
                body = "only GET and HEAD\n"
            }
        } else {
            status = .notFound
            body = "not found; metrics are at /metrics\n"
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        let keepAlive = request.isKeepAlive
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let responseHead = HTTPResponseHead(version: request.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        }
        let done = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        if !keepAlive {
            let channel = context.channel
            done.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
