@testable import BulwarkArtifacts
import BulwarkCore
import BulwarkTestSupport
import Testing

/// GGUF headers read with bounds, and chat templates judged by a Jinja tokenizer: real templates
/// pass, template-injection payloads do not.
@Suite struct GGUFTests {
    /// A GGUF file from example text (`GGUFExampleFormat`).
    static func file(_ text: String) throws -> [UInt8] {
        try GGUFExampleFormat().assemble(text).bytes
    }

    static func read(_ bytes: [UInt8]) -> GGUFFile {
        let artifact = ModelArtifact(bytes: bytes)
        #expect(artifact.format == .gguf)
        #expect(ModelDomain.isModel(Array(bytes.prefix(4096))))
        return artifact.gguf ?? GGUFFile()
    }

    /// A file laid out as gguf-py's `GGUFWriter` writes it (version 3, string and nested arrays,
    /// alignment, tensor infos, padded data), with struct only.
    @Test func fileLikeGGUFWriterIsReadWithoutProblems() throws {
        let bytes = try ModelArtifactTests.python(#"""
        def s(t): t = t.encode(); return struct.pack("<Q", len(t)) + t
        def kv(k, typ, payload): return s(k) + struct.pack("<I", typ) + payload
        kvs = [
            kv("general.architecture", 8, s("llama")),
            kv("general.alignment", 4, struct.pack("<I", 32)),
            kv("llama.context_length", 4, struct.pack("<I", 4096)),
            kv("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 3) + s("<s>") + s("</s>") + s("hello")),
            kv("tokenizer.ggml.scores", 9, struct.pack("<IQ", 6, 3) + struct.pack("<3f", 0, 0, -1.5)),
            kv("nested", 9, struct.pack("<IQ", 9, 2) + struct.pack("<IQ", 5, 1) + struct.pack("<i", -1) + struct.pack("<IQ", 8, 1) + s("x")),
            kv("general.flag", 7, b"\x01"),
            kv("tokenizer.chat_template", 8, s("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}")),
        ]
        infos = s("token_embd.weight") + struct.pack("<I", 2) + struct.pack("<QQ", 4, 3) + struct.pack("<IQ", 0, 0)
        infos += s("output_norm.weight") + struct.pack("<I", 1) + struct.pack("<Q", 4) + struct.pack("<IQ", 1, 64)
        data = b"GGUF" + struct.pack("<IQQ", 3, 2, len(kvs)) + b"".join(kvs) + infos
        data += b"\0" * ((32 - len(data) % 32) % 32) + b"\0" * (64 + 8)
        """#)
        let file = Self.read(bytes)
        #expect(file.problems == [])
        #expect(file.version == 3)
        #expect(file.metadata.map(\.key).count == 8)
        #expect(file.tensors.map(\.name) == ["token_embd.weight", "output_norm.weight"])
        #expect(file.chatTemplates.map(\.key) == ["tokenizer.chat_template"])
        #expect(ModelDomain.isModel(Array(bytes.prefix(4096))))
    }

    @Test func bigEndianFileIsRead() throws {
        var bytes = try Self.file("GGUF 3\nKV general.architecture UINT32 7")
        // Swap every field: version, counts, key length, type, value.
        func swap(_ range: Range<Int>) { bytes.replaceSubrange(range, with: bytes[range].reversed()) }
        swap(4..<8); swap(8..<16); swap(16..<24); swap(24..<32)
        let keyEnd = 32 + "general.architecture".utf8.count
        swap(keyEnd..<keyEnd + 4); swap(keyEnd + 4..<keyEnd + 8)
        let file = Self.read(bytes)
        #expect(file.bigEndian)
        #expect(file.problems == [])
        #expect(file.metadata.first?.integer == 7)
    }

    @Test(arguments: [
        ("GGUF 3 kvs=1000000\nKV a STRING \"b\"", "cannot fit"),
        ("GGUF 3 tensors=1000000", "cannot fit"),
        ("GGUF 3 kvs=2\nKV a STRING \"b\"", "cannot fit"),
        ("GGUF 3 kvs=1\nRAW 0100000000000000 61 04000000", "ends inside the value"),
        ("GGUF 3 kvs=1\nRAW ff00000000000000 6162 0000000000", "runs past the end"),
        ("GGUF 4", "not 1, 2 or 3"),
        ("GGUF 3\nKV a STRING \"b\"\nKV a STRING \"c\"", "occurs twice"),
        ("GGUF 3\nKV a BOOL 7", "not 0 or 1"),
        ("GGUF 3\nKV general.alignment UINT32 48", "power of 2"),
        ("GGUF 3\nKV general.alignment UINT64 32", "not UINT32"),
        ("GGUF 3\nTENSOR t 0 1,1,1,1,1 0\nDATA 4", "dimensions"),
        ("GGUF 3\nTENSOR t 4 1 0\nDATA 32", "unknown ggml type"),
        ("GGUF 3\nTENSOR t 0 1 4\nDATA 32", "not a multiple"),
        ("GGUF 3\nTENSOR t 0 4,4 0\nDATA 16", "outside"),
        ("GGUF 3\nTENSOR t 2 32 4096\nDATA 32", "outside"),
        ("GGUF 3\nTENSOR t 0 1 0\nTENSOR t 0 1 32\nDATA 64", "occurs twice"),
        ("GGUF 3\nTENSOR aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0 1 0\nDATA 4", "the limit is 63"),
        ("GGUF 3\nTENSOR t 0 4294967296,4294967296,4294967296 0\nDATA 4", "overflows"),
        ("GGUF 3 kvs=1\nRAW 0100000000000000 61 0d000000", "unknown value type 13"),
        ("GGUF 3 kvs=1\nRAW 0100000000000000 61 09000000 0d000000 0100000000000000", "unknown value type 13"),
        ("GGUF 3 kvs=1\nRAW 0100000000000000 61 09000000 08000000 ffffffffffffff0f", "cannot fit"),
        ("GGUF 3 kvs=1\nRAW 0100000000000000 61 08000000 ffffffffffffffff", "runs past the end"),
    ])
    func problemIsFound(text: String, words: String) throws {
        let file = Self.read(try Self.file(text))
        #expect(file.problems.contains { $0.message.contains(words) }, "\(file.problems.map(\.message))")
    }

    /// Arrays of arrays nest at most eight deep; deeper ones are refused without recursing further.
    @Test func deeplyNestedArrayIsRefused() throws {
        var raw = "0100000000000000 61 09000000"
        for _ in 0..<200 { raw += " 09000000 0100000000000000" }
        let file = Self.read(try Self.file("GGUF 3 kvs=1\nRAW \(raw)"))
        #expect(file.problems.contains { $0.message.contains("nests arrays deeper") })
    }

    @Test func versionOneCountsAre32Bit() throws {
        let bytes: [UInt8] = Array("GGUF".utf8) + [1, 0, 0, 0] + [0, 0, 0, 0] + [1, 0, 0, 0] + [1, 0, 0, 0, 0x61] + [4, 0, 0, 0] + [9, 0, 0, 0]
        let file = Self.read(bytes)
        #expect(file.problems == [])
        #expect(file.metadata.first?.integer == 9)
    }

    @Test func textStartingWithGGUFIsNotAModel() {
        let text = Array("GGUF models are quantised with llama.cpp.\n".utf8)
        #expect(!ModelDomain.isModel(text))
        #expect(!ModelArtifact(bytes: text).isModel)
    }

    // MARK: Chat templates

    static let realTemplates: [String] = [
        // Llama 3.1 style: tools, trims, tojson.
        #"""
        {{- bos_token }}
        {%- if custom_tools is defined %}
            {%- set tools = custom_tools %}
        {%- endif %}
        {%- if not tools_in_user_message is defined %}
            {%- set tools_in_user_message = true %}
        {%- endif %}
        {%- if not date_string is defined %}
            {%- set date_string = "26 Jul 2024" %}
        {%- endif %}
        {%- if messages[0]['role'] == 'system' %}
            {%- set system_message = messages[0]['content']|trim %}
            {%- set messages = messages[1:] %}
        {%- else %}
            {%- set system_message = "" %}
        {%- endif %}
        {{- "<|start_header_id|>system<|end_header_id|>\n\n" }}
        {{- "Cutting Knowledge Date: December 2023\n" }}
        {{- "Today Date: " + date_string + "\n\n" }}
        {{- system_message }}
        {{- "<|eot_id|>" }}
        {%- for message in messages %}
            {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
                {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' }}
            {%- elif 'tool_calls' in message %}
                {%- set tool_call = message.tool_calls[0].function %}
                {{- '{"name": "' + tool_call.name + '", ' }}
                {{- '"parameters": ' }}
                {{- tool_call.arguments | tojson }}
                {{- "}" }}
                {{- "<|eot_id|>" }}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
        {%- endif %}
        """#,
        // ChatML / Qwen3 style: namespace() counters, reversed loops, string methods.
        #"""
        {%- if tools %}
            {{- '<|im_start|>system\n' }}
            {%- if messages[0].role == 'system' %}
                {{- messages[0].content + '\n\n' }}
            {%- endif %}
            {{- "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n<tools>" }}
            {%- for tool in tools %}
                {{- "\n" }}
                {{- tool | tojson }}
            {%- endfor %}
            {{- "\n</tools><|im_end|>\n" }}
        {%- endif %}
        {%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
        {%- for message in messages[::-1] %}
            {%- set index = (messages|length - 1) - loop.index0 %}
            {%- if ns.multi_step_tool and message.role == "user" and not(message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}
                {%- set ns.multi_step_tool = false %}
                {%- set ns.last_query_index = index %}
            {%- endif %}
        {%- endfor %}
        {%- for message in messages %}
            {%- if (message.role == "user") or (message.role == "system" and not loop.first) %}
                {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}
            {%- elif message.role == "assistant" %}
                {%- set content = message.content.split('</think>')[-1].lstrip('\n') %}
                {{- '<|im_start|>' + message.role + '\n' + content }}
                {%- for tool_call in message.tool_calls %}
                    {%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}
                    {{- '\n<tool_call>\n{"name": "' }}{{- tool_call.name }}{{- '", "arguments": ' }}{{- tool_call.arguments | tojson }}{{- '}\n</tool_call>' }}
                {%- endfor %}
                {{- '<|im_end|>\n' }}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}{{- '<|im_start|>assistant\n' }}{%- endif %}
        """#,
        // Mistral style: raise_exception, alternation by loop.index0 % 2.
        #"""
        {%- if messages[0]['role'] == 'system' %}
            {%- set system_message = messages[0]['content'] %}
            {%- set loop_messages = messages[1:] %}
        {%- else %}
            {%- set loop_messages = messages %}
        {%- endif %}
        {{- bos_token }}
        {%- for message in loop_messages %}
            {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
                {{- raise_exception('After the optional system message, conversation roles must alternate user/assistant/user/assistant/...') }}
            {%- endif %}
            {%- if message['role'] == 'user' %}
                {%- if loop.first and system_message is defined %}
                    {{- ' [INST] ' + system_message + '\n\n' + message['content'] + ' [/INST]' }}
                {%- else %}
                    {{- ' [INST] ' + message['content'] + ' [/INST]' }}
                {%- endif %}
            {%- elif message['role'] == 'assistant' %}
                {{- ' ' + message['content'] + eos_token}}
            {%- else %}
                {{- raise_exception('Only user and assistant roles are supported, with the exception of an initial optional system message!') }}
            {%- endif %}
        {%- endfor %}
        """#,
        // Gemma style, on one line, with a comment and raw text mentioning dunders.
        #"""
        {{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{# never {{ x.__class__ }} #}{% raw %}{{ ''.__class__ }}{% endraw %}Python's __init__ is text here.{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}
        """#,
    ]

    @Test(arguments: realTemplates.indices)
    func realTemplateIsNotCode(index: Int) {
        #expect(ChatTemplateScanner.scan(Self.realTemplates[index]) == [])
    }

    @Test(arguments: [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "`__class__`"),
        ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "`cycler`"),
        ("{{ joiner.__init__.__globals__ }}", "`__init__`"),
        ("{{ lipsum|string|list }}", "`lipsum`"),
        // SGLang CVE-2026-5760's payload, before an ordinary loop.
        (#"The answer: {{ lipsum.__globals__["os"].popen(cmd).read() }}{% for m in messages %}{{ m["content"] }}{% endfor %}"#, "`__globals__`"),
        ("{% set ns = namespace() %}{{ ns.__init__.__globals__['__builtins__']['__import__']('os') }}", "`__init__`"),
        ("{{ messages|attr('__cla' + 'ss__') }}", "builds the name `__class__`"),
        ("{{ messages|attr('__cla' ~ 'ss__') }}", "builds the name `__class__`"),
        ("{{ messages|attr('__cla' 'ss__') }}", "builds the name `__class__`"),
        (#"{{ x|attr("\x5f\x5fclass\x5f\x5f") }}"#, "names `__class__`"),
        (#"{{ x|attr('\137\137globals\137\137') }}"#, "names `__globals__`"),
        ("{{ x[\"__globals__\"] }}", "names `__globals__`"),
        ("{{ x|attr(name) }}", "computed name"),
        ("{% import 'os' as os %}", "`import`"),
        ("{% from 'helpers' import render %}", "`from`"),
        ("{% include 'other.j2' %}", "`include`"),
        ("{{ (x.gi_frame.f_back.f_globals) }}", "`gi_frame`"),
        ("{{ x.mro() }}", "`mro`"),
        ("{% for i in range(100000000) %}x{% endfor %}", "range"),
        ("{{ '%c%c'|format(95, 95) }}", "%c"),
        ("{{ self._TemplateReference__context }}", "`self`"),
    ])
    func payloadIsCode(template: String, words: String) {
        let findings = ChatTemplateScanner.scan(template)
        #expect(findings.count == 1, "\(findings)")
        #expect(findings.first?.reasons.contains { $0.contains(words) } == true, "\(findings)")
    }

    @Test func findingOffsetPointsIntoTheTemplate() throws {
        let template = "Hello {{ name }} and {{ x.__class__ }}"
        let finding = try #require(ChatTemplateScanner.scan(template).first)
        let bytes = Array(template.utf8)
        #expect(String(decoding: bytes[finding.offset..<finding.offset + 9], as: UTF8.self) == "__class__")
        #expect(finding.expression == "{{ x.__class__ }}")
    }

    @Test func ruleReportsTheFileOffsetOfTheExpression() throws {
        let bytes = try Self.file(#"GGUF 3\#nKV tokenizer.chat_template.rag STRING "{{ messages }}{{ x.__globals__ }}""#)
        let artifact = ModelArtifact(bytes: bytes)
        let violations = ModelRules.ggufChatTemplateCode.check.run(ModelFile(path: "m.gguf", artifact: artifact, policy: .standard))
        let violation = try #require(violations.first)
        #expect(violations.count == 1)
        #expect(bytes[violation.offset..<violation.offset + 11].elementsEqual("__globals__".utf8))
        #expect(violation.message.contains("tokenizer.chat_template.rag"))
    }

    @Test func unterminatedTagsAndStringsEndTheScan() {
        for template in ["{{ 'abc", "{% if x", "{# never closed", "{{ x.__class__", "{{", "{%", "{% raw %}{{"] {
            _ = ChatTemplateScanner.scan(template)
        }
        #expect(ChatTemplateScanner.scan("{{ x.__class__").count == 1)
    }

    @Test func mutatedFilesNeverCrash() throws {
        let seeds = [
            try Self.file("""
            GGUF 3
            KV general.architecture STRING "llama"
            KV general.alignment UINT32 32
            KV tokenizer.ggml.tokens ARRAY STRING ["<s>", "</s>", "a"]
            KV tokenizer.ggml.scores ARRAY FLOAT32 [0, 1.5]
            KV tokenizer.chat_template STRING "{% for m in messages %}{{ m.content }}{% endfor %}"
            TENSOR token_embd.weight 0 4,4 0
            TENSOR output.weight 1 4 64
            DATA 96
            """),
        ]
        var mutator = Mutator(seed: 0x6607)
        for iteration in 0..<3000 {
            let artifact = ModelArtifact(bytes: mutator.mutate(seeds[iteration % seeds.count]))
            let file = ModelFile(path: "m.gguf", artifact: artifact, policy: .standard)
            _ = ModelRules.ggufChatTemplateCode.check.run(file)
        }
    }
}
