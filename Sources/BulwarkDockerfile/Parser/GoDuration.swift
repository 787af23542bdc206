import BulwarkCore
/// Go's `time.ParseDuration` (`300ms`, `1.5h`, `2h45m`), in seconds.
enum GoDuration {
    static func seconds(_ text: String) -> Double? {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let first = bytes.first, first == ASCII.minus || first == ASCII.plus {
            negative = first == ASCII.minus
            bytes = bytes.dropFirst()
        }
        if bytes.elementsEqual("0".utf8) { return 0 }
        guard !bytes.isEmpty else { return nil }
        var total = 0.0
        while !bytes.isEmpty {
            // A decimal number…
            var integer = ""
            while let byte = bytes.first, ASCII.isDigit(byte) {
                integer.append(Character(Unicode.Scalar(byte)))
                bytes = bytes.dropFirst()
            }
            var fraction = ""
            if bytes.first == ASCII.dot {
                bytes = bytes.dropFirst()
                while let byte = bytes.first, ASCII.isDigit(byte) {
                    fraction.append(Character(Unicode.Scalar(byte)))
                    bytes = bytes.dropFirst()
                }
            }
            guard !integer.isEmpty || !fraction.isEmpty, let number = Double((integer.isEmpty ? "0" : integer) + "." + (fraction.isEmpty ? "0" : fraction)) else {
                return nil
            }
            // …and a unit.
            var unit = [UInt8]()
            while let byte = bytes.first, !ASCII.isDigit(byte), byte != ASCII.dot {
                unit.append(byte)
                bytes = bytes.dropFirst()
            }
            let scale: Double
            switch String(decoding: unit, as: UTF8.self) {
            case "ns": scale = 1e-9
            case "us", "µs", "μs": scale = 1e-6
            case "ms": scale = 1e-3
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return nil
            }
            total += number * scale
        }
        return negative ? -total : total
    }
}
