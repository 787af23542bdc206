import BulwarkCore
import Foundation
let args = CommandLine.arguments
let data = try! Data(contentsOf: URL(fileURLWithPath: args[1]))
let t0 = Date()
let r = YAMLReader.read(bytes: [UInt8](data))
print("docs", r.documents.count, "errors", r.errors, Date().timeIntervalSince(t0))
for d in r.documents.prefix(3) { print(d.startLine, d.helmSource ?? "-", d.root?.position as Any, d.root?["kind"]?.string as Any, d.root?.weight as Any) }
