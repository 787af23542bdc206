import BulwarkCore
import Foundation
import Testing

@Suite struct JSONNodeReaderTests {
    func read(_ text: String) -> Result<YAMLNode, JSONNodeReader.Failure> { JSONNodeReader.read(Array(text.utf8)) }

    @Test func readsObjectsWithPositionsAndStyles() throws {
        let text = "{\"a\": [1, -2.5e3, true, null],\n  \"b\": {\"c\": \"true\"}}"
        let root = try read(text).get()
        #expect(root["a"]?.items.map(\.scalar) == ["1", "-2.5e3", "true", "null"])
        #expect(root["a"]?.items[2].bool == true)
        #expect(root["a"]?.items[3].isNull == true)
        // A JSON string is never a boolean, a number or null.
        #expect(root.at("b", "c")?.bool == nil)
        #expect(root.at("b", "c")?.string == "true")
        #expect(root["b"]?.position == TextPosition(line: 2, column: 8))
        #expect(root.keyNode("b")?.position == TextPosition(line: 2, column: 3))
    }

    @Test func decodesEscapes() throws {
        let root = try read(#"["a\"b\\c\/d\n\t\u00e9\ud83d\ude00"]"#).get()
        #expect(root.items[0].string == "a\"b\\c/d\n\té😀")
    }

    @Test func refusesWhatIsNotJSON() {
        let cases: [(String, String)] = [
            ("", "unexpected end"), ("{", "expected a string key"), ("{\"a\" 1}", "expected ':'"), ("[1,]", "unexpected character"),
            ("[01]", "may not start with 0"), ("[1.]", "fraction needs digits"), ("[1e]", "exponent needs digits"),
            ("[tru]", "unexpected"), ("{\"a\":1,\"a\":2}", "appears twice"), ("[\"\u{01}\"]", "control character"),
            (#"["\ud800"]"#, "lone UTF-16 surrogate"), (#"["\x"]"#, "invalid escape"), ("[1] 2", "after the JSON value"),
            ("{'a': 1}", "expected a string key"), ("[NaN]", "unexpected character"),
        ]
        for (text, message) in cases {
            guard case .failure(let failure) = read(text) else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(failure.message.contains(message), "\(text): \(failure.message)")
        }
        #expect(throws: JSONNodeReader.Failure.self) { try JSONNodeReader.read([0x5B, 0x22, 0xFF, 0x22, 0x5D]).get() }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        guard case .failure(let failure) = read(deep) else {
            Issue.record("10,000 levels accepted")
            return
        }
        #expect(failure.message.contains("nested deeper than 128"))
        #expect((try? read(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).get()) != nil)
    }

    /// Foundation's parser is the oracle for what both accept: the same values, in the same order.
    @Test func agreesWithFoundationOnValidDocuments() throws {
        let documents = [
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"x":"y"}},"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":8080}]}]}}"#,
            #"[1, 2.5, -0, 1E+2, "s", true, false, null, {}, []]"#,
            #"{"emoji":"\ud83e\udd16","quote":"\"","nested":[[[{"a":[]}]]]}"#,
        ]
        for document in documents {
            let node = try read(document).get()
            let ours = node.jsonValue.compactJSON
            let theirs = try JSONSerialization.jsonObject(with: Data(ours), options: [.fragmentsAllowed])
            let original = try JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed])
            #expect(NSDictionary(dictionary: ["v": theirs]).isEqual(to: ["v": original]), "\(document)")
        }
    }

    /// Found by FuzzAdmission (fuzz/artifacts/crash-1583165e…): a 70-digit integer. Foundation reads it
    /// as a decimal; the reader keeps the text as written (a rule reading it as a number gets a
    /// Double, as from YAML), so nothing is lost or rounded before a rule decides.
    /// FuzzAdmission's crash inputs, byte for byte (2026-12-08: the plain run's 99 bytes, `1e` and 97 `2`s;
    /// the ASan run's `18e8018`): accepted as numbers where Foundation and the API server's decoder refuse
    /// them. Beyond Double's range is now an error at the number; the largest finite values and
    /// underflow still read.
    @Test func refusesNumbersBeyondDoubleRangeAsFoundationDoes() throws {
        let fuzzed = "1e" + String(repeating: "2", count: 97)
        for text in [fuzzed, "18e8018", "[1e999]", "{\"replicas\": -1E+400}", String(repeating: "9", count: 400), "1.8e308"] {
            guard case .failure(let failure) = read(text) else {
                Issue.record("\(text.prefix(40)) was accepted")
                continue
            }
            #expect(failure.message.contains("out of range"), "\(failure.message)")
            #expect(text.utf8.dropFirst(failure.offset).first.map { $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } == true)
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) == nil, "Foundation agrees")
        }
        for text in ["1.7976931348623157e308", "1e-999", "0e99999", String(repeating: "9", count: 308), "-2.5E-3"] {
            #expect(try read(text).get().scalar == text)
        }
    }

    @Test func keepsNumbersBeyondDoublePrecisionAsWritten() throws {
        let digits = String(repeating: "7", count: 69) + "0"
        let node = try read(digits).get()
        #expect(node.scalar == digits)
        #expect(node.scalarStyle == .plain)
        #expect(try read("[\(digits), 1e300, -1e-400]").get().items.map(\.scalar) == [digits, "1e300", "-1e-400"])
    }

    @Test func compactJSONRoundTrips() throws {
        let value: JSONValue = .object([("a", .array([.number(1), .number(2.5), .string("x\"y\n"), .bool(false), .null])), ("b", .object([]))])
        #expect(String(decoding: value.compactJSON, as: UTF8.self) == #"{"a":[1,2.5,"x\"y\n",false,null],"b":{}}"#)
        #expect(try JSONNodeReader.read(value.compactJSON).get().jsonValue == value)
    }
}
