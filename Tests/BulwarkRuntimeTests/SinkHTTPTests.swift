import BulwarkRuntime
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

/// A loopback HTTP server that records every request and answers from a script (then 200).
final class RecordingHTTPReceiver: Sendable {
    struct Request: Sendable {
        var method: HTTPMethod
        var uri: String
        var headers: HTTPHeaders
        var body: String
    }

    struct Answer: Sendable {
        var status: HTTPResponseStatus
        var body: String
    }

    let requests = Mutex<[Request]>([])
    let answers: Mutex<[Answer]>
    let defaultAnswer: @Sendable (Request) -> Answer
    private let channel = Mutex<(any Channel)?>(nil)

    init(answers: [Answer], defaultAnswer: @escaping @Sendable (Request) -> Answer) {
        self.answers = Mutex(answers)
        self.defaultAnswer = defaultAnswer
    }

    func start() async throws -> Int {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(receiver: self))
                }
            }
        let bound = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = bound }
        return bound.localAddress?.port ?? 0
    }

    func stop() async {
        let bound = channel.withLock { $0 }
        try? await bound?.close()
    }

    func answer(_ request: Request) -> Answer {
        requests.withLock { $0.append(request) }
        return answers.withLock { $0.isEmpty ? nil : $0.removeFirst() } ?? defaultAnswer(request)
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let receiver: RecordingHTTPReceiver
        var head: HTTPRequestHead?
        var body = ""

        init(receiver: RecordingHTTPReceiver) { self.receiver = receiver }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = ""
            case .body(var buffer):
                body += buffer.readString(length: buffer.readableBytes) ?? ""
            case .end:
                guard let head else { return }
                let answer = receiver.answer(Request(method: head.method, uri: head.uri, headers: head.headers, body: body))
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(answer.body.utf8.count))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: answer.status,
                                                                     headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: answer.body)))),
                              promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}

@Suite struct SinkHTTPTests {
    static let options = QueueOptions(capacity: 1000, batchSize: 100, flushInterval: .seconds(3600),
                                      retry: RetryPolicy(maxAttempts: 4, initialDelay: .milliseconds(1)))

    @Test func splunkHECRetries503ThenDelivers() async throws {
        let receiver = RecordingHTTPReceiver(answers: [.init(status: .serviceUnavailable, body: #"{"text":"busy","code":9}"#)],
                                             defaultAnswer: { _ in .init(status: .ok, body: #"{"text":"Success","code":0}"#) })
        let port = try await receiver.start()
        let encoder = ECSEncoder(hostName: "node-1")
        let sink = SplunkHECSink(endpoint: HTTPSinkEndpoint(baseURL: "http://127.0.0.1:\(port)",
                                                            authentication: .splunkToken("00000000-token")),
                                 hostName: "node-1", encoder: encoder, options: Self.options)
        let events = [EventSamples.execDenied, EventSamples.connectDenied]
        for event in events { sink.submit(event) }
        await sink.close()
        await receiver.stop()

        #expect(sink.statistics == SinkStatistics(sent: 2, dropped: 0, retries: 1))
        let requests = receiver.requests.withLock { $0 }
        try #require(requests.count == 2)
        for request in requests {
            #expect(request.method == .POST)
            #expect(request.uri == "/services/collector/event")
            #expect(request.headers["Authorization"] == ["Splunk 00000000-token"])
        }
        #expect(requests[0].body == requests[1].body)
        // Concatenated envelopes: the body is exactly the objects one after the other.
        let expected = events.map { event in
            #"{"event":"# + encoder.line(event) + #","host":"node-1","source":"bulwark","sourcetype":"bulwark:runtime","time":"#
                + (event.timestamp == EventSamples.time ? "1796652000.123" : "1796652003.123") + "}"
        }.joined()
        #expect(requests[0].body == expected)
    }

    @Test func splunkHEC400IsNotRetried() async throws {
        let receiver = RecordingHTTPReceiver(answers: [], defaultAnswer: { _ in
            .init(status: .badRequest, body: #"{"text":"Invalid data format","code":6}"#)
        })
        let port = try await receiver.start()
        let sink = SplunkHECSink(endpoint: HTTPSinkEndpoint(baseURL: "http://127.0.0.1:\(port)",
                                                            authentication: .splunkToken("t")),
                                 hostName: "n", encoder: ECSEncoder(hostName: "n"), options: Self.options)
        sink.submit(EventSamples.execDenied)
        await sink.close()
        await receiver.stop()
        #expect(sink.statistics == SinkStatistics(sent: 0, dropped: 1, retries: 0))
        #expect(receiver.requests.withLock { $0.count } == 1)
        #expect(sink.lastError?.contains("HTTP 400") == true)
    }

    @Test func unreachableCollectorIsRetriedThenDropped() async throws {
        // Bind and close a port so nothing listens on it.
        let receiver = RecordingHTTPReceiver(answers: [], defaultAnswer: { _ in .init(status: .ok, body: "") })
        let port = try await receiver.start()
        await receiver.stop()
        let sink = SplunkHECSink(endpoint: HTTPSinkEndpoint(baseURL: "http://127.0.0.1:\(port)",
                                                            authentication: .splunkToken("t"), timeout: .seconds(2)),
                                 hostName: "n", encoder: ECSEncoder(hostName: "n"),
                                 options: QueueOptions(batchSize: 10, flushInterval: .seconds(3600),
                                                       retry: RetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(1))))
        sink.submit(EventSamples.execDenied)
        await sink.close()
        #expect(sink.statistics == SinkStatistics(sent: 0, dropped: 1, retries: 2))
    }

    static func bulkAnswer(_ statuses: [Int]) -> RecordingHTTPReceiver.Answer {
        let items = statuses.map { status in
            status < 300 ? #"{"create":{"_index":"bulwark-runtime","status":\#(status),"result":"created"}}"#
                : #"{"create":{"_index":"bulwark-runtime","status":\#(status),"error":{"type":"x","reason":"y"}}}"#
        }
        let errors = statuses.contains { $0 >= 300 }
        return .init(status: .ok, body: #"{"took":3,"errors":\#(errors),"items":[\#(items.joined(separator: ","))]}"#)
    }

    @Test func elasticsearchBulkRetriesOnlyRetryableItems() async throws {
        let receiver = RecordingHTTPReceiver(
            answers: [.init(status: .serviceUnavailable, body: #"{"error":"unavailable"}"#), Self.bulkAnswer([201, 429, 400])],
            defaultAnswer: { request in
                Self.bulkAnswer(Array(repeating: 201, count: request.body.split(separator: "\n").count / 2))
            })
        let port = try await receiver.start()
        let encoder = ECSEncoder(hostName: "node-1")
        let sink = ElasticsearchSink(endpoint: HTTPSinkEndpoint(baseURL: "http://127.0.0.1:\(port)",
                                                                authentication: .apiKey("a2V5OnNlY3JldA==")),
                                     index: "bulwark-runtime", encoder: encoder, options: Self.options)
        let events = [EventSamples.execDenied, EventSamples.connectDenied, EventSamples.execKilled]
        for event in events { sink.submit(event) }
        await sink.close()
        await receiver.stop()

        // 503 (whole request again), then item 1 (429) again, item 2 (400) dropped.
        #expect(sink.statistics == SinkStatistics(sent: 2, dropped: 1, retries: 2))
        let requests = receiver.requests.withLock { $0 }
        try #require(requests.count == 3)
        for request in requests {
            #expect(request.method == .POST)
            #expect(request.uri == "/_bulk")
            #expect(request.headers["Content-Type"] == ["application/x-ndjson"])
            #expect(request.headers["Authorization"] == ["ApiKey a2V5OnNlY3JldA=="])
            #expect(request.body.hasSuffix("\n"))
        }
        let action = #"{"create":{"_index":"bulwark-runtime"}}"#
        #expect(requests[1].body == events.map { action + "\n" + encoder.line($0) + "\n" }.joined())
        #expect(requests[2].body == action + "\n" + encoder.line(events[1]) + "\n")
    }

    @Test func elasticsearch400IsNotRetriedAndBasicAuthIsSent() async throws {
        let receiver = RecordingHTTPReceiver(answers: [], defaultAnswer: { _ in
            .init(status: .badRequest, body: #"{"error":{"type":"illegal_argument_exception"}}"#)
        })
        let port = try await receiver.start()
        let sink = ElasticsearchSink(endpoint: HTTPSinkEndpoint(baseURL: "http://127.0.0.1:\(port)",
                                                                authentication: .basic(user: "elastic", password: "pw")),
                                     index: "bulwark-runtime", encoder: TetragonEncoder(nodeName: "n"), options: Self.options)
        sink.submit(EventSamples.execDenied)
        sink.submit(EventSamples.execKilled)
        await sink.close()
        await receiver.stop()
        #expect(sink.statistics == SinkStatistics(sent: 0, dropped: 2, retries: 0))
        let requests = receiver.requests.withLock { $0 }
        #expect(requests.count == 1)
        #expect(requests.first?.headers["Authorization"] == ["Basic " + Data("elastic:pw".utf8).base64EncodedString()])
    }
}
