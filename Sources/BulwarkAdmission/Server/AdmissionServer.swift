import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `bulwark admission serve`: the HTTPS webhook as a swift-service-lifecycle `Service`.
///
/// Hummingbird's `Application` serves the routes of `AdmissionRouter` over HTTP/1.1 inside TLS whose
/// context is re-read per connection (`ReloadingTLSChannel`), so a rotated certificate is presented to new
/// connections without restarting the listener. Beside it a poller (`AdmissionCertificateReloader`) swaps
/// the context when the files change. On graceful shutdown the listener closes, idle connections close,
/// requests in flight are answered and their connections closed; after `shutdownGracePeriod` whatever is
/// left is cancelled.
public struct AdmissionServer: Service {
    public let configuration: AdmissionServerConfiguration
    public let handler: any AdmissionHandling
    public let metrics: AdmissionMetrics
    public let logger: Logger
    private let onServerRunning: @Sendable (_ port: Int) async -> Void

    /// - Parameter onServerRunning: called once the listener is bound, with its port (the one the kernel
    ///   chose when `configuration.port` is 0).
    public init(configuration: AdmissionServerConfiguration, handler: any AdmissionHandling, metrics: AdmissionMetrics,
                logger: Logger, onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) {
        self.configuration = configuration
        self.handler = handler
        self.metrics = metrics
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    /// Connections idle this long are closed (the API server reopens them when it needs one).
    static let idleTimeout: TimeAmount = .seconds(120)

    /// Serves until graceful shutdown or cancellation. Throws when the certificate, key or client CA files
    /// do not make a TLS context at start, or the address cannot be bound.
    public func run() async throws {
        let contexts = AdmissionTLSContextBox(try AdmissionTLSContext.make(configuration))
        let executor = AdmissionDecisionExecutor(threads: System.coreCount)
        let router = makeRouter(decisionExecutor: executor)
        let onServerRunning = self.onServerRunning
        let configuredPort = configuration.port
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                ReloadingTLSChannel(
                    base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: Self.idleTimeout)),
                    contexts: contexts)
            },
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuredPort) },
            logger: logger)
        let reloader = AdmissionCertificateReloader(configuration: configuration, box: contexts, metrics: metrics,
                                                    logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGracePeriod
        let group = ServiceGroup(configuration: groupConfiguration)

        let result: Result<Void, any Error> = await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await reloader.run() }
            defer { tasks.cancelAll() }
            do {
                try await group.run()
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        await executor.shutdown()
        try result.get()
    }

    /// The routes without TLS; tests drive them in-process. `decisionExecutor` nil: decisions run on the
    /// caller's executor.
    package func makeRouter(decisionExecutor: AdmissionDecisionExecutor? = nil) -> Router<BasicRequestContext> {
        AdmissionRouter(
            configuration: configuration, handler: handler, metrics: metrics, logger: logger,
            deadline: AdmissionDeadline(deadline: configuration.deadline, executor: decisionExecutor,
                                        timers: MultiThreadedEventLoopGroup.singleton)
        ).makeRouter()
    }
}
