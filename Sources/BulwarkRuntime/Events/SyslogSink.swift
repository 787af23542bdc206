import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// RFC 5424 syslog messages (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID - MSG`, the encoded event as MSG) over
/// UDP (one datagram per message) or TCP (RFC 6587 octet counting: `LEN SP MESSAGE`), reconnecting after errors.
///
/// Plain POSIX sockets rather than NIO: the sink has one connection written by one worker, and a send timeout
/// (`SO_SNDTIMEO`, which Linux also applies to `connect`) bounds how long a dead collector can hold it.
public final class SyslogSink: QueuedEventSink {
    public enum Transport: String, Sendable, Hashable {
        case udp, tcp
    }

    /// RFC 5424 facility codes by name.
    public static let facilities: [String: Int] = [
        "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7, "uucp": 8,
        "cron": 9, "authpriv": 10, "ftp": 11, "local0": 16, "local1": 17, "local2": 18, "local3": 19, "local4": 20,
        "local5": 21, "local6": 22, "local7": 23,
    ]

    public let name = "syslog"
    public let deliveryQueue: EventDeliveryQueue
    private let connection: SyslogConnection

    public init(host: String, port: UInt16, transport: Transport, facility: Int = 4, hostName: String,
                appName: String = "bulwark", encoder: any RuntimeEventEncoder,
                options: QueueOptions = QueueOptions(batchSize: 64, flushInterval: .milliseconds(200)),
                onDrop: @escaping @Sendable (Int) -> Void = { _ in }, onSent: @escaping @Sendable (Int) -> Void = { _ in }) {
        let connection = SyslogConnection(host: host, port: port, transport: transport)
        self.connection = connection
        let header = SyslogHeader(facility: facility, hostName: hostName, appName: appName,
                                  processID: String(getpid()))
        deliveryQueue = EventDeliveryQueue(options: options, transport: { events in
            let messages = events.map { header.message(for: $0, body: encoder.line($0)) }
            return connection.send(messages)
        }, onDrop: onDrop, onSent: onSent)
    }

    public func close() async {
        await deliveryQueue.close()
        connection.close()
    }

    /// Syslog severity by decision: a kill is an error, a refusal a warning, an alert a notice.
    public static func severity(_ decision: RuntimeEvent.Decision) -> Int {
        switch decision {
        case .killed: 3
        case .denied: 4
        case .alerted: 5
        case .allowed: 6
        }
    }
}

/// The RFC 5424 header fields; `-` for what is absent, fields clipped to the RFC's lengths and to printable
/// ASCII (the RFC's PRINTUSASCII), so a strange host name cannot break the framing.
struct SyslogHeader: Sendable {
    var facility: Int
    var hostName: String
    var appName: String
    var processID: String

    func message(for event: RuntimeEvent, body: String) -> String {
        let priority = min(max(facility, 0), 23) * 8 + SyslogSink.severity(event.decision)
        let timestamp = RFC3339.string(event.timestamp, fractionDigits: 6)
        let msgID = ECSEncoder.action(event)
        return "<\(priority)>1 \(timestamp) \(Self.field(hostName, 255)) \(Self.field(appName, 48)) "
            + "\(Self.field(processID, 128)) \(Self.field(msgID, 32)) - \(body)"
    }

    static func field(_ value: String, _ maxLength: Int) -> String {
        let printable = String(value.unicodeScalars.filter { $0.value >= 33 && $0.value <= 126 }.map(Character.init))
        return printable.isEmpty ? "-" : String(printable.prefix(maxLength))
    }
}

/// One socket to the collector, opened on first use and after every error.
final class SyslogConnection: Sendable {
    let host: String
    let port: UInt16
    let transport: SyslogSink.Transport
    private let fd = Mutex<Int32>(-1)

    init(host: String, port: UInt16, transport: SyslogSink.Transport) {
        self.host = host
        self.port = port
        self.transport = transport
    }

    deinit { close() }

    func close() {
        fd.withLock {
            if $0 >= 0 { Glibc.close($0) }
            $0 = -1
        }
    }

    func send(_ messages: [String]) -> DeliveryResult {
        fd.withLock { fd in
            for (index, message) in messages.enumerated() {
                do {
                    if fd < 0 { fd = try connect() }
                    var bytes = Array(message.utf8)
                    switch transport {
                    case .tcp:
                        bytes = Array("\(bytes.count) ".utf8) + bytes
                        try Self.sendAll(fd, bytes)
                    case .udp:
                        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        if sent < 0 {
                            throw EventSinkError("send failed: \(String(cString: strerror(errno)))")
                        }
                    }
                } catch {
                    if fd >= 0 { Glibc.close(fd) }
                    fd = -1
                    return DeliveryResult(delivered: index, retryable: Array(index..<messages.count),
                                          error: "syslog \(transport.rawValue)://\(host):\(port): \(error)")
                }
            }
            return DeliveryResult(delivered: messages.count)
        }
    }

    /// `send` with `MSG_NOSIGNAL`: a collector that closed the connection must give an error, not `SIGPIPE`.
    private static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws(EventSinkError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { buffer in
                Glibc.send(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw EventSinkError("send failed: \(String(cString: strerror(errno)))")
            }
            offset += sent
        }
    }

    private func connect() throws(EventSinkError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = transport == .tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw EventSinkError("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(result) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
                            info.pointee.ai_protocol)
            if fd < 0 {
                lastError = String(cString: strerror(errno))
                continue
            }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                return fd
            }
            lastError = String(cString: strerror(errno))
            Glibc.close(fd)
        }
        throw EventSinkError("cannot connect: \(lastError)")
    }
}
