/// The model config of a Keras file: `config.json` of a Keras v3 `.keras` archive. What matters for
/// security is which callables loading it resolves: every object in the config is a dict with
/// `class_name` (and, since Keras 3, `module` and `registered_name`), resolved by
/// `keras/src/saving/serialization_lib.py` (`_retrieve_class_or_fn`): Keras ≥ 3.9 imports only
/// `keras*`/`keras_hub`/`keras_cv`/`keras_nlp` modules and refuses the "non-modeling" Keras APIs
/// (`keras.utils.get_file`, `keras.config.enable_unsafe_deserialization` …), earlier versions import
/// any `module` and take any attribute of it (CVE-2025-1550); a `Lambda` layer or a `__lambda__`
/// object holds marshalled Python bytecode that runs when `safe_mode` is off, which a config can
/// switch off itself through `enable_unsafe_deserialization` (CVE-2025-9906).
public struct KerasConfig: Sendable {
    /// One object of the config that names a callable.
    public struct Object: Sendable, Equatable {
        public var className: String
        public var module: String?
        public var registeredName: String?
        /// For `class_name: "function"`, the function's name (the `config` string).
        public var functionName: String?
        /// The file offset of the object's `class_name` key (the whole-member offset when compressed).
        public var offset: Int
        /// Where the config was read: `config.json`.
        public var member: String?

        /// The dotted name the loader resolves: `module.class_name`, or `module.function` for a function.
        public var qualifiedName: String? {
            guard let module else { return nil }
            return "\(module).\(className == "function" ? functionName ?? className : className)"
        }
    }

    public var objects: [Object] = []

    public init(objects: [Object] = []) {
        self.objects = objects
    }

    /// Reads every object with a `class_name` in the JSON text at `base` in the file, with the same
    /// offset-keeping parser as safetensors headers (`HeaderJSON`). Keras reads the bytes with
    /// `json.loads`, which takes a UTF-8 byte-order mark; so does this.
    public static func parse(_ text: [UInt8], base: Int, member: String?) -> Result<KerasConfig, KerasProblem> {
        let bom = text.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let parsed = HeaderJSON.parse(Array(text[bom...]), depthLimit: 128)
        let root: HeaderJSON
        switch parsed.value {
        case .failure(let failure):
            return .failure(KerasProblem(message: "\(member ?? "the config") is not valid JSON (\(failure.message)) at byte \(failure.offset + bom)"))
        case .success(let value): root = value
        }
        var config = KerasConfig()
        func walk(_ node: HeaderJSON) {
            switch node.value {
            case .object(let members):
                // Python's json keeps the last of repeated keys; so does the loader's lookup here.
                func field(_ name: String) -> HeaderJSON.Member? { members.last { $0.key == name } }
                if let key = field("class_name"), let className = key.value.string {
                    config.objects.append(Object(className: className, module: field("module")?.value.string,
                                                 registeredName: field("registered_name")?.value.string,
                                                 functionName: className == "function" ? field("config")?.value.string : nil,
                                                 offset: base + bom + key.offset, member: member))
                }
                for item in members { walk(item.value) }
            case .array(let items):
                items.forEach(walk)
            default:
                break
            }
        }
        walk(root)
        return .success(config)
    }
}

/// Why a Keras config could not be read.
public struct KerasProblem: Error, Sendable, Equatable {
    public let message: String
}
