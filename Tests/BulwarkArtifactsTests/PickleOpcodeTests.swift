import BulwarkArtifacts
import BulwarkTestSupport
import Foundation
import Testing

/// The opcode table against CPython's own (`pickletools.opcodes`): every byte, name, argument
/// layout and protocol.
@Suite struct PickleOpcodeTests {
    struct PythonOpcode: Decodable {
        let code: Int
        let name: String
        let argument: String?
        let width: Int
        let proto: Int
    }

    static func pythonTable() throws -> [PythonOpcode] {
        let script = """
        import json, pickletools
        print(json.dumps([{"code": ord(o.code), "name": o.name, "argument": o.arg.name if o.arg else None,
                           "width": o.arg.n if o.arg else 0, "proto": o.proto} for o in pickletools.opcodes]))
        """
        let result = try CommandRunner.runTool("/usr/bin/env", ["python3", "-c", script])
        try #require(result.status == 0, "python3 failed: \(result.stderr)")
        return try JSONDecoder().decode([PythonOpcode].self, from: Data(result.stdout.utf8))
    }

    /// pickletools' argument descriptor names for each of our layouts.
    static func layout(_ argument: PickleOpcode.Argument) -> Set<String> {
        switch argument {
        case .none: []
        case .uint1: ["uint1"]
        case .uint2: ["uint2"]
        case .int4: ["int4"]
        case .uint4: ["uint4"]
        case .uint8: ["uint8"]
        case .float8: ["float8"]
        case .decimalLine: ["decimalnl_short"]
        case .longLine: ["decimalnl_long"]
        case .floatLine: ["floatnl"]
        case .quotedLine: ["stringnl"]
        case .unicodeLine: ["unicodestringnl"]
        case .line: ["stringnl_noescape"]
        case .linePair: ["stringnl_noescape_pair"]
        case .counted(prefix: 1, signed: false): ["string1", "bytes1", "unicodestring1", "long1"]
        case .counted(prefix: 4, signed: true): ["string4", "long4"]
        case .counted(prefix: 4, signed: false): ["bytes4", "unicodestring4"]
        case .counted(prefix: 8, signed: false): ["bytes8", "unicodestring8", "bytearray8"]
        case .counted: []
        }
    }

    @Test func everyOpcodeMatchesCPython() throws {
        let table = try Self.pythonTable()
        #expect(table.count == PickleOpcode.allCases.count)
        for entry in table {
            let opcode = try #require(PickleOpcode(rawValue: UInt8(entry.code)), "no opcode 0x\(String(entry.code, radix: 16)) \(entry.name)")
            #expect(opcode.name == entry.name)
            #expect(opcode.protocolVersion == entry.proto, "\(entry.name)")
            if let argument = entry.argument {
                #expect(Self.layout(opcode.argument).contains(argument), "\(entry.name): \(argument) vs \(opcode.argument)")
            } else {
                #expect(opcode.argument == .none, "\(entry.name)")
            }
        }
    }
}
