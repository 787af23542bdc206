import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// HummingbirdTLS's `TLSChannel` with a context read per connection: `TLSChannel` fixes its
/// `NIOSSLContext` when the server is built, so a rotated certificate would need a new listener. Here each
/// accepted connection takes the box's current context; a reload only affects handshakes that start
/// after it, and the listener and established connections are untouched.
struct ReloadingTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let contexts: AdmissionTLSContextBox

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = contexts.current
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            self.base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
