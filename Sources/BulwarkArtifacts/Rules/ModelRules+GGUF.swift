import BulwarkCore

/// GGUF holds no pickle, but its header is read by C and C++ code and its chat template is Jinja
/// that servers render for every request.
extension ModelRules {
    static let ggufInvalidHeader = ModelRule(
        RuleDescriptor(
            id: "model/gguf-invalid-header",
            severity: .high,
            title: "GGUF header is invalid",
            summary: """
            The GGUF header cannot be read as the spec defines it: it ends early, a count or a length is larger than \
            the file, a value or tensor type is unknown, a key or tensor name is repeated, or a tensor lies outside the \
            data section. GGUF is parsed by C and C++ loaders, and malformed headers of this kind are how their memory \
            bugs were exploited (heap overflows in ggml's reader); readers that disagree on a repeated key load \
            different metadata than a scanner saw.
            """,
            remediation: """
            Do not load the file: convert the model again from its source weights with llama.cpp's `convert_hf_to_gguf.py` \
            or download it again from its publisher, and pin it by digest.
            """,
            controls: ["mitre-atlas:AML.T0010.003", "owasp-ml:ML06", "mitre-atlas:AML.T0076"],
            failing: [
                modelExample("""
                ↓GGUF 3 kvs=1000000
                KV general.architecture STRING "llama"
                """, fileName: "example.gguf"),
                modelExample("""
                GGUF 3
                KV general.architecture STRING "llama"
                ↓KV general.architecture STRING "gpt2"
                """, fileName: "example.gguf"),
                modelExample("""
                GGUF 3
                KV general.architecture STRING "llama"
                ↓TENSOR blk.0.attn_q.weight 0 1,1,1,1,1 0
                DATA 4
                """, fileName: "example.gguf"),
                modelExample("""
                GGUF 3
                KV general.architecture STRING "llama"
                ↓TENSOR token_embd.weight 0 4,4 0
                DATA 16
                """, fileName: "example.gguf"),
            ],
            passing: [
                modelExample("""
                GGUF 3
                KV general.architecture STRING "llama"
                KV general.alignment UINT32 32
                KV tokenizer.ggml.tokens ARRAY STRING ["<s>", "</s>"]
                TENSOR token_embd.weight 0 4,4 0
                DATA 64
                """, fileName: "example.gguf"),
            ],
            tags: ["ml", "gguf"]
        ),
        check: ModelCheck { file in
            (file.artifact.gguf?.problems ?? []).map { problem in
                ModelViolation("GGUF header, offset \(problem.offset): \(problem.message)", member: nil, offset: problem.offset)
            }
        }
    )

    static let ggufChatTemplateCode = ModelRule(
        RuleDescriptor(
            id: "model/gguf-chat-template-code",
            severity: .critical,
            title: "GGUF chat template contains code",
            summary: """
            The chat template (`tokenizer.chat_template` or a named `tokenizer.chat_template.*`) uses Jinja beyond \
            formatting messages: dunder attributes (`__class__`, `__globals__`, `__subclasses__` …), the globals that \
            template-injection chains start from (`cycler`, `joiner`, `lipsum`), names built from string pieces or \
            escapes, `attr()` with a computed name, or template imports. Servers render the template for every request \
            (llama-cpp-python and others with jinja2, some without a sandbox), so this is code execution on load \
            (CVE-2024-34359).
            """,
            remediation: """
            Do not serve the file: replace the chat template with the one the model's publisher ships \
            (`tokenizer_config.json`), for example with `gguf_new_metadata.py --chat-template`, or pass a known template \
            to the server (`--chat-template`); render templates only in a sandboxed Jinja environment.
            """,
            controls: ["mitre-atlas:AML.T0011.000", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                modelExample("""
                GGUF 3
                KV general.architecture STRING "llama"
                ↓KV tokenizer.chat_template STRING "{% for m in messages %}{{ m['content'] }}{% endfor %}{{ ''.__class__.__mro__[1].__subclasses__() }}"
                """, fileName: "example.gguf"),
                modelExample("""
                GGUF 3
                ↓KV tokenizer.chat_template.tool_use STRING "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
                """, fileName: "example.gguf"),
                modelExample("""
                GGUF 3
                ↓KV tokenizer.chat_template STRING "{{ messages|attr('__cla' ~ 'ss__') }}"
                """, fileName: "example.gguf"),
                modelExample(#"""
                GGUF 3
                ↓KV tokenizer.chat_template STRING "{{ x|attr('\\x5f\\x5fglobals\\x5f\\x5f') }}"
                """#, fileName: "example.gguf"),
                modelExample("""
                GGUF 3
                ↓KV tokenizer.chat_template STRING "{% import 'helpers.j2' as h %}{{ h.render(messages) }}"
                """, fileName: "example.gguf"),
            ],
            passing: [
                modelExample("""
                GGUF 3
                KV tokenizer.chat_template STRING "{% set ns = namespace(system='') %}{% for m in messages %}{% if m['role'] == 'system' %}{% set ns.system = m['content'] %}{% else %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endif %}{% endfor %}{# __class__ in a comment is not code #}"
                """, fileName: "example.gguf"),
            ],
            tags: ["ml", "gguf", "jinja"]
        ),
        check: ModelCheck { file in
            (file.artifact.gguf?.chatTemplates ?? []).flatMap { entry in
                ChatTemplateScanner.scan(entry.string ?? "").map { finding in
                    let offset = entry.valueOffset + finding.offset
                    return ModelViolation(
                        "\(entry.key), offset \(offset): `\(finding.expression)` \(finding.reasons.joined(separator: "; "))",
                        member: nil, offset: offset)
                }
            }
        }
    )
}
