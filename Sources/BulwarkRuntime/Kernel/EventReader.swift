import CBulwarkBPF
import Foundation

/// The ring-buffer reader: one dedicated thread polling `bw_events` (100 ms timeout, so `stop` returns promptly) and
/// calling the handler for each decoded record. libbpf's callback is a C function pointer, so the handler travels
/// through the `ctx` pointer as an unmanaged box.
final class EventReader: @unchecked Sendable {
    private final class Box {
        let handler: @Sendable (KernelEvent) -> Void
        init(_ handler: @escaping @Sendable (KernelEvent) -> Void) { self.handler = handler }
    }

    private let ring: OpaquePointer
    private let box: Unmanaged<Box>
    private let lock = NSLock()
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    init(mapFD: Int32, handler: @escaping @Sendable (KernelEvent) -> Void) throws {
        let box = Unmanaged.passRetained(Box(handler))
        let callback: bw_ring_buffer_sample_fn = { context, data, size in
            guard let context, let data else { return 0 }
            let box = Unmanaged<Box>.fromOpaque(context).takeUnretainedValue()
            if let event = KernelEvent(record: UnsafeRawBufferPointer(start: data, count: size)) { box.handler(event) }
            return 0
        }
        guard let ring = bw_ring_buffer_new(mapFD, callback, box.toOpaque()) else {
            box.release()
            throw KernelError.errno("ring_buffer__new", errno)
        }
        self.ring = ring
        self.box = box
        let thread = Thread { [self] in self.run() }
        thread.name = "bulwark-kernel-events"
        thread.start()
    }

    private func run() {
        while !isStopping {
            let result = bw_ring_buffer_poll(ring, 100)
            if result < 0 && result != -EINTR { usleep(100_000) }
        }
        finished.signal()
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    /// Returns once the thread has left its loop; then frees the ring.
    func stop() {
        lock.lock()
        let already = stopping
        stopping = true
        lock.unlock()
        guard !already else { return }
        finished.wait()
        bw_ring_buffer_free(ring)
        box.release()
    }
}
