import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// admission-load: drives an AdmissionReview webhook over keep-alive HTTPS at a fixed request rate
/// (open loop) and prints latency percentiles measured from each request's scheduled send time.
/// One event-loop thread: `bench/admission-load` pins the driver to its own core.
func runDriver() -> Int32 {
    let options: Options
    do {
        options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    } catch let error as UsageError {
        if let message = error.message { FileHandle.standardError.write(Data("admission-load: \(message)\n".utf8)) }
        FileHandle.standardError.write(Data((Options.usage + "\n").utf8))
        return error.message == nil ? 0 : 64
    } catch {
        FileHandle.standardError.write(Data("admission-load: \(error)\n".utf8))
        return 64
    }
    do {
        let fixtures = try Mix.load(options.mixPath)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(options.caPath)
        tls.minimumTLSVersion = .tlsv12
        let sslContext = try NIOSSLContext(configuration: tls)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let promise = loop.makePromise(of: RunResult.self)
        loop.execute {
            LoadRun(options: options, fixtures: fixtures, loop: loop, sslContext: sslContext, promise: promise).begin()
        }
        let result = try promise.futureResult.wait()
        try? group.syncShutdownGracefully()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        FileHandle.standardOutput.write(try encoder.encode(result) + Data("\n".utf8))
        return 0
    } catch {
        FileHandle.standardError.write(Data("admission-load: \(error)\n".utf8))
        return 1
    }
}

exit(runDriver())
