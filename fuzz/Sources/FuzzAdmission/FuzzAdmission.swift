import BulwarkAdmission
import BulwarkCore
import Dispatch
import Foundation
import FuzzDriver

let controller = AdmissionController(configuration: AdmissionConfiguration(mode: .enforce))
let route = AdmissionRoute(operation: .validate, mode: .enforce)

/// One input as a review body (decoded, judged and answered: the answer must decode as JSON), as
/// bare JSON (whatever `JSONNodeReader` accepts, Foundation must accept too, with the same values),
/// and as the webhook's configuration file. Errors are values; must not crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if case .success(let node) = JSONNodeReader.read(bytes) {
        // Foundation reads numbers beyond Double's precision as decimals; JSONNodeReader keeps them as
        // written. Both trees are compared with numbers as Doubles.
        guard let theirs = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
            fatalError("JSONNodeReader accepted what Foundation refuses")
        }
        if !sameValue(node, theirs) { fatalError("JSONNodeReader read other values than Foundation") }
    }
    let semaphore = DispatchSemaphore(value: 0)
    let box = UncheckedBox(bytes)
    Task {
        let response = await controller.handle(route, body: box.value)
        if (try? JSONSerialization.jsonObject(with: Data(response.body))) == nil { fatalError("an answer that is not JSON") }
        semaphore.signal()
    }
    semaphore.wait()
    _ = try? AdmissionConfiguration.parse(bytes, file: "fuzz.yaml")
    return 0
}

/// Whether our node and Foundation's value are the same JSON value (numbers compared as Doubles).
func sameValue(_ node: YAMLNode, _ value: Any) -> Bool {
    switch node.content {
    case .mapping(let pairs):
        guard let object = value as? [String: Any], object.count == pairs.count else { return false }
        return pairs.allSatisfy { pair in object[pair.key.scalar ?? ""].map { sameValue(pair.value, $0) } ?? false }
    case .sequence(let items):
        guard let array = value as? [Any], array.count == items.count else { return false }
        return zip(items, array).allSatisfy { sameValue($0, $1) }
    case .scalar(let text, let style):
        if style == .doubleQuoted { return (value as? String) == text }
        if text == "null" { return value is NSNull }
        if text == "true" || text == "false" { return (value as? Bool) == (text == "true") && !(value is NSDecimalNumber) }
        guard let number = value as? NSNumber, let ours = Double(text) else { return false }
        return number.doubleValue == ours || abs(number.doubleValue - ours) <= abs(ours) * 1e-12
    }
}

final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to libFuzzer.
@_cdecl("FuzzAdmission_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzOne(data, size) }
}
