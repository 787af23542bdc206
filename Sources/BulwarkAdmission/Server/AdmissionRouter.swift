import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// The webhook's HTTP routes, independent of TLS (so they are tested in-process with HummingbirdTesting):
///
/// - `POST /validate[/{mode}[/{level}]]`, `POST /mutate`: body read up to the limit, judged by the
///   handler under the deadline, counted, logged once;
/// - `GET /healthz`: the process answers; `GET /readyz`: `handler.isReady()` (503 when not);
/// - `GET /metrics`: the Prometheus text format;
/// - anything else: 404 with a JSON body.
struct AdmissionRouter: Sendable {
    let configuration: AdmissionServerConfiguration
    let handler: any AdmissionHandling
    let metrics: AdmissionMetrics
    let logger: Logger
    let deadline: AdmissionDeadline

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        for path in ["/validate", "/validate/:mode", "/validate/:mode/:level", "/mutate"] {
            router.post(RouterPath(path)) { request, _ in await self.admission(request) }
        }
        router.get("/healthz") { _, _ in Self.json(.ok, #"{"status":"ok"}"#) }
        router.get("/readyz") { _, _ in
            await self.handler.isReady() ? Self.json(.ok, #"{"status":"ready"}"#)
                : Self.json(.serviceUnavailable, #"{"status":"not ready"}"#)
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: self.metrics.exposition())))
        }
        return router
    }

    /// One admission request, from the head to the answer.
    func admission(_ request: Request) async -> Response {
        let start = ContinuousClock.now
        guard let route = AdmissionRoute(path: request.uri.path) else {
            return Self.json(.notFound, #"{"error":"no such webhook path"}"#)
        }
        metrics.requestStarted()
        defer { metrics.requestFinished() }
        let answer = await answer(route, request: request)
        let elapsed = ContinuousClock.now - start
        metrics.record(answer.outcome, duration: elapsed)
        log(answer, route: route, elapsed: elapsed)
        return Response(status: Self.status(answer.status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    private func answer(_ route: AdmissionRoute, request: Request) async -> AdmissionHTTPResponse {
        guard Self.isJSON(request.headers[.contentType]) else {
            return handler.rejection(route, status: 415, reason: "the body must be application/json")
        }
        let tooLarge = "the body is larger than \(configuration.maxBodyBytes) bytes"
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > configuration.maxBodyBytes {
            return handler.rejection(route, status: 413, reason: tooLarge)
        }
        switch await Self.collect(request.body, limit: configuration.maxBodyBytes) {
        case .tooLarge:
            return handler.rejection(route, status: 413, reason: tooLarge)
        case .unreadable:
            return handler.rejection(route, status: 400, reason: "the body could not be read")
        case .complete(let body):
            return await deadline.answer(route, body: body, handler: handler)
        }
    }

    enum CollectedBody {
        case complete([UInt8])
        case tooLarge
        case unreadable
    }

    /// The body, or `.tooLarge` as soon as it passes `limit`: what is beyond is never kept (Hummingbird
    /// reads and discards the rest of the request before the next one on the connection).
    static func collect(_ body: RequestBody, limit: Int) async -> CollectedBody {
        var bytes: [UInt8] = []
        do {
            for try await buffer in body {
                guard buffer.readableBytes <= limit - bytes.count else { return .tooLarge }
                bytes.append(contentsOf: buffer.readableBytesView)
            }
        } catch {
            return .unreadable
        }
        return .complete(bytes)
    }

    /// `application/json`, parameters (`; charset=utf-8`) and case ignored.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.filter { $0 != " " && $0 != "\t" }.lowercased() == "application/json"
    }

    /// The handler's status with its reason phrase; a code outside 100–599 (a handler bug) is a 500 rather
    /// than HTTPTypes' precondition failure.
    static func status(_ code: Int) -> HTTPResponse.Status {
        switch code {
        case 200: .ok
        case 400: .badRequest
        case 403: .forbidden
        case 413: .contentTooLarge
        case 415: .unsupportedMediaType
        case 500: .internalServerError
        case 100...599: HTTPResponse.Status(code: code)
        default: .internalServerError
        }
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The one log line of a request. No bodies: objects may carry secrets.
    private func log(_ answer: AdmissionHTTPResponse, route: AdmissionRoute, elapsed: Duration) {
        let outcome = answer.outcome
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "path": .string(route.path),
            "status": .stringConvertible(answer.status),
            "kind": .string(outcome.kind),
            "operation": .string(outcome.operation.rawValue),
            "decision": .string(outcome.decision.rawValue),
            "duration_ms": .stringConvertible((milliseconds * 1000).rounded() / 1000),
            "violations": .array(outcome.violations.map { .string($0) }),
            "rules_evaluated": .stringConvertible(outcome.rulesEvaluated),
            "dryRun": .stringConvertible(outcome.dryRun),
        ]
        if let uid = outcome.uid { metadata["uid"] = .string(uid) }
        if let namespace = outcome.namespace { metadata["namespace"] = .string(namespace) }
        if let reason = outcome.reason { metadata["reason"] = .string(reason) }
        logger.info("admission request", metadata: metadata)
    }
}

/// Router errors (no route for the path or method, a failure in a route) as JSON bodies instead of
/// Hummingbird's empty ones; the webhook's callers read JSON.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return AdmissionRouter.json(.notFound, #"{"error":"no such path"}"#)
        } catch let error as HTTPError {
            return AdmissionRouter.json(error.status, #"{"error":"request refused"}"#)
        } catch {
            return AdmissionRouter.json(.internalServerError, #"{"error":"internal error"}"#)
        }
    }
}
