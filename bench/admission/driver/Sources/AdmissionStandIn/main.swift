import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// admission-standin: NOT Bulwark. A minimal HTTPS webhook that decodes each AdmissionReview, echoes
/// its uid and denies objects whose name contains "insecure". It exists only to test the benchmark
/// harness (driver, fixtures, certificates, pinning) before `bulwark admission serve` is there, and to
/// show what the harness itself can carry.
///
/// usage: admission-standin --tls-cert C --tls-key K [--host 127.0.0.1] [--port 8443] [--threads 1] [--scan-only yes]
///
/// `--scan-only yes` skips decoding: the uid is the first `"uid":"…"` of the body (the fixtures are
/// written with sorted keys, so the request's comes before userInfo's) and the object is denied when
/// the body contains "insecure". Nearly free per request: what the driver alone can push.
final class ReviewHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let scanOnly: Bool
    init(scanOnly: Bool) { self.scanOnly = scanOnly }

    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let requestHead = head else { return }
            let (status, payload) = answer(requestHead)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(payload.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: requestHead.version, status: status, headers: headers))),
                          promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: payload)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    private func answer(_ head: HTTPRequestHead) -> (HTTPResponseStatus, String) {
        if head.method == .GET { return (.ok, "{}") }
        if scanOnly { return scan() }
        guard let review = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let request = review["request"] as? [String: Any], let uid = request["uid"] as? String
        else { return (.badRequest, #"{"error":"not an AdmissionReview"}"#) }
        let name = ((request["object"] as? [String: Any])?["metadata"] as? [String: Any])?["name"] as? String ?? ""
        let allowed = !name.contains("insecure")
        return (.ok, Self.review(uid: uid, allowed: allowed))
    }

    private func scan() -> (HTTPResponseStatus, String) {
        // memchr + memcmp, not Collection.firstRange(of:): the generic search costs milliseconds on
        // 50 KB (and glibc's memmem is not visible to Swift without _GNU_SOURCE).
        body.withUnsafeReadableBytes { raw -> (HTTPResponseStatus, String) in
            guard let base = raw.baseAddress else { return (.badRequest, #"{"error":"empty"}"#) }
            func find(_ needle: String, from offset: Int) -> Int? {
                let bytes = Array(needle.utf8)
                var start = offset
                while start + bytes.count <= raw.count {
                    guard let hit = memchr(base + start, Int32(bytes[0]), raw.count - start - bytes.count + 1) else { return nil }
                    let index = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + index, bytes, bytes.count) == 0 { return index }
                    start = index + 1
                }
                return nil
            }
            guard let key = find(#""uid":""#, from: 0), let end = find("\"", from: key + 7) else {
                return (.badRequest, #"{"error":"no uid"}"#)
            }
            let uid = String(decoding: UnsafeRawBufferPointer(rebasing: raw[(key + 7)..<end]), as: UTF8.self)
            return (.ok, Self.review(uid: uid, allowed: find("insecure", from: 0) == nil))
        }
    }

    static func review(uid: String, allowed: Bool) -> String {
        let status = allowed ? "" : #","status":{"code":403,"message":"stand-in denies insecure objects"}"#
        return #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"\#(uid)","allowed":\#(allowed)\#(status)}}"#
    }
}

func arguments() -> [String: String] {
    var values: [String: String] = [:]
    var iterator = CommandLine.arguments.dropFirst().makeIterator()
    while let flag = iterator.next() { values[flag] = iterator.next() ?? "" }
    return values
}

let values = arguments()
guard let certPath = values["--tls-cert"], let keyPath = values["--tls-key"] else {
    FileHandle.standardError.write(Data("usage: admission-standin --tls-cert C --tls-key K [--host H] [--port P] [--threads N]\n".utf8))
    exit(64)
}
do {
    let chain = try NIOSSLCertificate.fromPEMFile(certPath).map { NIOSSLCertificateSource.certificate($0) }
    var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain,
                                                       privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
    tls.minimumTLSVersion = .tlsv12
    let sslContext = try NIOSSLContext(configuration: tls)
    let scanOnly = values["--scan-only"] == "yes"
    let group = MultiThreadedEventLoopGroup(numberOfThreads: Int(values["--threads"] ?? "1") ?? 1)
    let channel = try ServerBootstrap(group: group)
        .serverChannelOption(.backlog, value: 256)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let operations = channel.pipeline.syncOperations
                try operations.addHandler(NIOSSLServerHandler(context: sslContext))
                try operations.configureHTTPServerPipeline()
                try operations.addHandler(ReviewHandler(scanOnly: scanOnly))
            }
        }
        .bind(host: values["--host"] ?? "127.0.0.1", port: Int(values["--port"] ?? "8443") ?? 8443)
        .wait()
    FileHandle.standardError.write(Data("admission-standin listening on \(channel.localAddress.map { "\($0)" } ?? "?")\n".utf8))
    try channel.closeFuture.wait()
} catch {
    FileHandle.standardError.write(Data("admission-standin: \(error)\n".utf8))
    exit(1)
}
