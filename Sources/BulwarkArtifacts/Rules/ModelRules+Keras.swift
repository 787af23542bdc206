import BulwarkCore

/// What a Keras model config makes the loader resolve and run (`Formats/Keras.swift`).
extension ModelRules {
    static let kerasRemediation = """
    Do not load the model with `safe_mode=False` or after `keras.config.enable_unsafe_deserialization()`, and upgrade \
    Keras to 3.11 or later (earlier versions resolve callables a config names: CVE-2025-1550, CVE-2025-8747, \
    CVE-2025-9906). Ask for the model without Lambda layers or custom callables (weights as safetensors plus code you \
    review), pin it by digest and verify its signature.
    """

    /// The packages Keras ≥ 3.9 imports a config's `module` from (`_retrieve_class_or_fn`), with
    /// TensorFlow's own Keras (`tf_keras`, `tensorflow.keras`) for configs saved by TF 2.x.
    static let kerasPackages: Set<String> = ["keras", "keras_hub", "keras_cv", "keras_nlp", "tf_keras", "tensorflow"]

    /// Keras's own list of APIs a config may not name (`NON_MODELING_APIS` in serialization_lib.py,
    /// added in 3.10/3.11 after CVE-2025-8747 used `keras.utils.get_file` to write files).
    static let kerasNonModelingAPIs: Set<String> = [
        "keras.backend.clear_session", "keras.models.load_model", "keras.models.model_from_json", "keras.models.save_model",
        "keras.preprocessing.image_dataset_from_directory", "keras.preprocessing.image.load_img",
        "keras.preprocessing.image.save_img", "keras.preprocessing.text_dataset_from_directory",
        "keras.saving.deserialize_keras_object", "keras.saving.load_model", "keras.saving.load_weights",
        "keras.saving.register_keras_serializable", "keras.saving.save_model", "keras.saving.save_weights",
        "keras.saving.serialize_keras_object", "keras.utils.audio_dataset_from_directory", "keras.utils.clear_session",
        "keras.utils.deserialize_keras_object", "keras.utils.get_file", "keras.utils.image_dataset_from_directory",
        "keras.utils.load_img", "keras.utils.register_keras_serializable", "keras.utils.save_img",
        "keras.utils.serialize_keras_object", "keras.utils.text_dataset_from_directory",
    ]

    static func kerasPlace(_ object: KerasConfig.Object) -> String {
        place(object.member, object.offset, nil)
    }

    static let kerasLambdaLayer = ModelRule(
        RuleDescriptor(
            id: "model/keras-lambda-layer",
            severity: .critical,
            title: "Keras model has a Lambda layer (Python bytecode)",
            summary: """
            A `Lambda` layer stores its function as marshalled Python bytecode (`__lambda__`); loading the model with \
            `safe_mode=False`, or after anything calls `keras.config.enable_unsafe_deserialization()` (a config can: \
            CVE-2025-9906), runs that code with the loader's rights.
            """,
            remediation: kerasRemediation,
            controls: ["mitre-atlas:AML.T0011.000", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                modelExample("""
                {"module": "keras", "class_name": "Sequential", "config": {"layers": [
                  {"module": "keras.layers",
                ↓   "class_name": "Lambda",
                   "config": {"name": "run", "function": {
                ↓     "class_name": "__lambda__", "config": {"value": "4wAAAAAAAAAAAAAAAAEAAAADAAAA"}}}}
                ]}}
                """, fileName: "example.keras"),
            ],
            passing: [
                modelExample("""
                {"module": "keras", "class_name": "Sequential", "config": {"layers": [
                  {"module": "keras.layers", "class_name": "Dense", "config": {"units": 4, "activation": "relu"}}
                ]}}
                """, fileName: "example.keras"),
            ],
            tags: ["ml", "keras"]
        ),
        check: ModelCheck { file in
            (file.artifact.keras?.objects ?? []).compactMap { object in
                switch object.className {
                case "Lambda":
                    ModelViolation("Lambda layer at \(kerasPlace(object)): its function is Python code that runs when the model is loaded without safe mode",
                                   member: object.member, offset: object.offset)
                case "__lambda__":
                    ModelViolation("marshalled Python bytecode (`__lambda__`) at \(kerasPlace(object)): it runs when the model is loaded without safe mode",
                                   member: object.member, offset: object.offset)
                default:
                    nil
                }
            }
        }
    )

    static let kerasArbitraryCallable = ModelRule(
        RuleDescriptor(
            id: "model/keras-arbitrary-callable",
            severity: .high,
            title: "Keras config names a callable outside Keras",
            summary: """
            An object in the model config names a `module` outside Keras (`os`, `subprocess`, any package): Keras before \
            3.9 imports it and calls what the config names while loading, safe mode or not (CVE-2025-1550); or it names a \
            Keras API that is not a model part (`keras.utils.get_file` downloads and writes files: CVE-2025-8747). A \
            module that a pickle blocklist names makes it critical.
            """,
            remediation: kerasRemediation,
            controls: ["mitre-atlas:AML.T0011.000", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                modelExample("""
                {"module": "keras", "class_name": "Sequential", "config": {"layers": [
                  {"module": "keras.layers", "class_name": "Dense", "config": {"units": 4,
                     "kernel_initializer": {"module": "os",
                ↓      "class_name": "function", "config": "system", "registered_name": null}}}
                ]}}
                """, fileName: "example.keras"),
                modelExample("""
                {"module": "keras", "class_name": "Sequential", "config": {"layers": [
                  {"module": "keras.utils",
                ↓   "class_name": "function", "config": "get_file", "registered_name": null}
                ]}}
                """, fileName: "example.keras"),
            ],
            passing: [
                modelExample("""
                {"module": "keras", "class_name": "Sequential", "config": {"layers": [
                  {"module": "keras.layers", "class_name": "Dense", "config": {"units": 4,
                     "activation": {"module": "builtins", "class_name": "function", "config": "relu", "registered_name": null}}},
                  {"module": "keras_hub.layers", "class_name": "TransformerEncoder", "config": {}}
                ]}}
                """, fileName: "example.keras"),
            ],
            tags: ["ml", "keras"]
        ),
        check: ModelCheck { file in
            (file.artifact.keras?.objects ?? []).compactMap { object -> ModelViolation? in
                guard let module = object.module, let name = object.qualifiedName, !isUnsafeDeserialization(object) else { return nil }
                // Built-in functions are looked up by name in Keras's own modules, never imported.
                if module == "builtins" && object.className == "function" { return nil }
                let package = module.split(separator: ".", maxSplits: 1).first.map(String.init) ?? module
                if kerasPackages.contains(package) {
                    guard kerasNonModelingAPIs.contains(name) else { return nil }
                    return ModelViolation(
                        "\(name) at \(kerasPlace(object)) is a Keras API that is not a model part (files, downloads, loading); "
                            + "Keras before 3.11 resolves it (CVE-2025-8747)",
                        member: object.member, offset: object.offset, severity: .critical)
                }
                let leaf = String(name.dropFirst(module.count + 1))
                let blocked = PicklePolicy.blocked(PickleGlobal(module: module, name: leaf))
                return ModelViolation(
                    "\(name) at \(kerasPlace(object)) is outside Keras: Keras before 3.9 imports \(module) and resolves it while loading (CVE-2025-1550)"
                        + (blocked.map { "; blocked by \($0) as a dangerous callable" } ?? ""),
                    member: object.member, offset: object.offset, severity: blocked == nil ? nil : .critical)
            }
        }
    )

    static func isUnsafeDeserialization(_ object: KerasConfig.Object) -> Bool {
        let names = [object.className, object.functionName, object.registeredName, object.qualifiedName].compactMap { $0 }
        return names.contains { $0.hasSuffix("enable_unsafe_deserialization") || $0.hasSuffix("SafeModeScope") }
    }

    static let kerasUnsafeDeserialization = ModelRule(
        RuleDescriptor(
            id: "model/keras-unsafe-deserialization",
            severity: .critical,
            title: "Keras config turns safe mode off",
            summary: """
            The config names `keras.config.enable_unsafe_deserialization` (or Keras's `SafeModeScope`): resolving it \
            while loading switches safe mode off for the rest of the load, so the Lambda layers after it run their \
            bytecode even under `load_model(safe_mode=True)` (CVE-2025-9906). No real model needs it.
            """,
            remediation: kerasRemediation,
            controls: ["mitre-atlas:AML.T0011.000", "mitre-atlas:AML.T0010.003", "owasp-ml:ML06"],
            failing: [
                modelExample("""
                {"module": "keras", "class_name": "Sequential", "config": {"layers": [
                  {"module": "keras.config",
                ↓   "class_name": "function", "config": "enable_unsafe_deserialization", "registered_name": null}
                ]}}
                """, fileName: "example.keras"),
            ],
            passing: [
                modelExample("""
                {"module": "keras", "class_name": "Sequential", "config": {"layers": [
                  {"module": "keras.layers", "class_name": "Dropout", "config": {"rate": 0.5}}
                ]}}
                """, fileName: "example.keras"),
            ],
            tags: ["ml", "keras"]
        ),
        check: ModelCheck { file in
            (file.artifact.keras?.objects ?? []).filter(isUnsafeDeserialization).map { object in
                ModelViolation(
                    "\(object.qualifiedName ?? object.functionName ?? object.className) at \(kerasPlace(object)) switches Keras's safe mode off while loading (CVE-2025-9906)",
                    member: object.member, offset: object.offset)
            }
        }
    )
}
