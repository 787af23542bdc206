import BulwarkCore

/// What a pickle program imports and calls, judged allowlist-first.
extension ModelRules {
    static let dangerousGlobal = ModelRule(
        RuleDescriptor(
            id: "model/pickle-dangerous-global",
            severity: .critical,
            title: "Pickle imports a dangerous global",
            summary: """
            The pickle imports a function or class that runs commands, opens files or sockets, evaluates code or \
            loads further code (one that modelscan, picklescan or fickling block, or a builtin outside the safe set). \
            Loading the file runs it with the loader's rights: a model file like this is an exploit, whatever its name.
            """,
            remediation: remediation,
            controls: ["mitre-atlas:AML.T0011.000", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                modelExample("""
                PROTO 2
                ↓GLOBAL "posix" "system"
                SHORT_BINUNICODE "id"
                TUPLE1
                REDUCE
                STOP
                """),
                modelExample("""
                PROTO 4
                SHORT_BINUNICODE "builtins"
                MEMOIZE
                SHORT_BINUNICODE "exec"
                ↓STACK_GLOBAL
                SHORT_BINUNICODE "import os"
                TUPLE1
                REDUCE
                STOP
                """),
            ],
            passing: [
                modelExample("""
                PROTO 2
                GLOBAL "collections" "OrderedDict"
                EMPTY_TUPLE
                REDUCE
                STOP
                """),
            ],
            tags: ["ml", "pickle"]
        ),
        check: ModelCheck { file in
            imports(of: file).compactMap { item in
                guard case .dangerous(let source) = file.policy.verdict(item.global.global, written: item.global.written) else { return nil }
                let written = item.global.written.map { " (written \($0))" } ?? ""
                return ModelViolation(
                    "\(item.global.opcode.name) at \(place(item.member, item.offset, item.context)) imports \(item.global.global)\(written)"
                        + calledPhrase(item.global.global, in: item.entry) + "; blocked by \(source)",
                    member: item.member, offset: item.offset)
            }
        }
    )

    static let unlistedGlobal = ModelRule(
        RuleDescriptor(
            id: "model/pickle-unlisted-global",
            severity: .high,
            title: "Pickle imports a global outside the allowlist",
            summary: """
            The pickle imports a global that is not among those the ML libraries' own files use (tensor and array \
            rebuilders, estimator classes, collections). Blocklists miss new gadgets every month (`pip.main`, \
            `timeit.timeit`, `pkgutil.resolve_name` were all published bypasses); anything outside the allowlist may \
            run code when loaded.
            """,
            remediation: """
            If the global is your own class and the file comes from you, allow it with `bulwark model scan --allow \
            MODULE.NAME` and a reason; otherwise treat the file as untrusted code and ask for safetensors.
            """,
            controls: ["mitre-atlas:AML.T0011.000", "owasp-ml:ML06"],
            failing: [
                modelExample("""
                PROTO 2
                ↓GLOBAL "mylib.models" "Classifier"
                EMPTY_TUPLE
                NEWOBJ
                STOP
                """),
            ],
            passing: [
                modelExample("""
                PROTO 2
                GLOBAL "torch._utils" "_rebuild_tensor_v2"
                EMPTY_TUPLE
                REDUCE
                STOP
                """),
            ],
            tags: ["ml", "pickle"]
        ),
        check: ModelCheck { file in
            imports(of: file).compactMap { item in
                guard file.policy.verdict(item.global.global, written: item.global.written) == .unlisted else { return nil }
                return ModelViolation(
                    "\(item.global.opcode.name) at \(place(item.member, item.offset, item.context)) imports \(item.global.global), "
                        + "which is on no allowlist" + calledPhrase(item.global.global, in: item.entry),
                    member: item.member, offset: item.offset)
            }
        }
    )

    static let computedCall = ModelRule(
        RuleDescriptor(
            id: "model/pickle-computed-call",
            severity: .high,
            title: "Pickle calls a value computed while loading",
            summary: """
            The pickle calls something that is not an imported global: the result of another call (such as \
            `getattr(module, "system")`), a persistent-load result or an extension-registry entry. What runs cannot be \
            known without running the file; model pickles never need it.
            """,
            remediation: remediation,
            controls: ["mitre-atlas:AML.T0011.000", "owasp-ml:ML06"],
            failing: [
                modelExample("""
                PROTO 2
                GLOBAL "collections" "OrderedDict"
                EMPTY_TUPLE
                REDUCE
                EMPTY_TUPLE
                ↓REDUCE
                STOP
                """),
            ],
            passing: [
                modelExample("""
                PROTO 2
                GLOBAL "collections" "OrderedDict"
                EMPTY_TUPLE
                REDUCE
                STOP
                """),
            ],
            tags: ["ml", "pickle"]
        ),
        check: ModelCheck { file in
            file.programs.flatMap { entry in
                entry.program.calls.compactMap { call -> ModelViolation? in
                    guard case .computed(let what) = call.callee else { return nil }
                    return ModelViolation(
                        "\(call.opcode.name) at \(place(entry.member, entry.base + call.offset, entry.context)) calls \(what)",
                        member: entry.member, offset: entry.base + call.offset)
                }
            }
        }
    )

    static let unfollowablePickle = ModelRule(
        RuleDescriptor(
            id: "model/pickle-unfollowable",
            severity: .high,
            title: "Pickle cannot be followed",
            summary: """
            The pickle stops making sense at this point as Python's unpickler reads it: a truncated stream, an unknown \
            opcode, a memo read of a slot never written, STACK_GLOBAL operands that are not strings, bytes after the \
            last pickle. Scanners that gave up here reported such files clean; a loader that reads on may run what \
            follows, so the file is not judged safe.
            """,
            remediation: remediation,
            controls: ["mitre-atlas:AML.T0011.000", "owasp-ml:ML06", "mitre-atlas:AML.T0076"],
            failing: [
                modelExample("""
                PROTO 2
                ↓BINGET 9
                STOP
                """),
                modelExample("""
                PROTO 2
                NONE
                STOP
                ↓POP
                """),
            ],
            passing: [
                modelExample("""
                PROTO 2
                NONE
                STOP
                PROTO 2
                NEWTRUE
                STOP
                """),
            ],
            tags: ["ml", "pickle"]
        ),
        check: ModelCheck { file in
            file.programs.flatMap { entry in
                entry.program.problems.map { problem in
                    ModelViolation(
                        "\(problem.opcode.map { "\($0.name) at " } ?? "at ")\(place(entry.member, entry.base + problem.offset, entry.context)): "
                            + problem.message,
                        member: entry.member, offset: entry.base + problem.offset)
                }
            }
        }
    )

    /// Every import of every program, with where it sits in the file.
    static func imports(of file: ModelFile)
        -> [(global: PickleImport, member: String?, offset: Int, context: String?, entry: ModelFile.Entry)] {
        file.programs.flatMap { entry in
            entry.program.imports.map { ($0, entry.member, entry.base + $0.offset, entry.context, entry) }
        }
    }

    /// ` and calls it (REDUCE at offset 31)`, or nothing when the program never calls it.
    static func calledPhrase(_ global: PickleGlobal, in entry: ModelFile.Entry) -> String {
        guard let call = entry.firstCalls[global] else { return "" }
        return " and calls it (\(call.opcode.name) at offset \(entry.base + call.offset))"
    }
}
