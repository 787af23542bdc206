import BulwarkCore
import Foundation

/// Host values that bind MLflow to every interface.
enum MLflowHosts {
    static func isAllInterfaces(_ value: String) -> Bool {
        ["0.0.0.0", "::", "[::]", "*"].contains(ServerFlags.unquoted(value))
    }
}
