import Foundation
import NIOCore

/// One AdmissionReview the driver sends, with its share of the requests.
struct Fixture: Sendable {
    var name: String
    var path: String
    var body: ByteBuffer
    var weight: Int
    /// The `allowed` the answer must carry (nil: not checked).
    var expectAllowed: Bool?
    /// The request's uid, which the answer must echo.
    var uid: String
}

/// `mix.json`: `[{"name", "file" (relative to mix.json), "path", "weight", "allowed"?}]`.
struct MixEntry: Codable {
    var name: String
    var file: String
    var path: String
    var weight: Int
    var allowed: Bool?
}

enum Mix {
    static func load(_ mixPath: String) throws -> [Fixture] {
        let mixURL = URL(fileURLWithPath: mixPath)
        let entries = try JSONDecoder().decode([MixEntry].self, from: Data(contentsOf: mixURL))
        guard !entries.isEmpty else { throw UsageError("\(mixPath): empty mix") }
        return try entries.map { entry in
            guard entry.weight > 0 else { throw UsageError("\(entry.name): weight must be > 0") }
            let url = mixURL.deletingLastPathComponent().appendingPathComponent(entry.file)
            let data = try Data(contentsOf: url)
            guard let review = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let request = review["request"] as? [String: Any],
                  let uid = request["uid"] as? String
            else { throw UsageError("\(url.path): not an AdmissionReview with request.uid") }
            return Fixture(name: entry.name, path: entry.path, body: ByteBuffer(bytes: data), weight: entry.weight,
                           expectAllowed: entry.allowed, uid: uid)
        }
    }

    /// Fixture indices in sending order: each fixture `weight` times per cycle, spread out (largest
    /// remainder first) so that the heavy ones do not arrive in bursts.
    static func sequence(_ fixtures: [Fixture]) -> [Int] {
        let total = fixtures.reduce(0) { $0 + $1.weight }
        var credit = [Double](repeating: 0, count: fixtures.count)
        var order: [Int] = []
        order.reserveCapacity(total)
        for _ in 0..<total {
            for index in fixtures.indices { credit[index] += Double(fixtures[index].weight) / Double(total) }
            var best = 0
            for index in fixtures.indices where credit[index] > credit[best] { best = index }
            credit[best] -= 1
            order.append(best)
        }
        return order
    }
}
