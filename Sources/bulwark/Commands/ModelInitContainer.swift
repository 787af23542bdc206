import ArgumentParser
import BulwarkCore
import Foundation

/// The Bulwark command lines the init container runs, and the paths they use: the one place that
/// spells the flags of `bulwark model verify` and `bulwark model decrypt` in this command (they
/// are defined by those commands; a change there must be made here too). `verify` is written as
/// the signing commands were specified (`--key PUB DIR`) before they were merged: check it.
enum ModelInitContainerCommands {
    /// Where the Secret(s) with the key-encryption key and the signing public key are mounted.
    static let keysDirectory = "/keys"
    static let publicKeyFile = "model.pub"
    static let kekFile = "kek"
    /// Where the encrypted (and signed) model is mounted, read-only.
    static let encryptedDirectory = "/encrypted"
    static let encryptedFile = "model.enc"
    /// The memory-backed volume the model is decrypted into and the server reads.
    static let modelsDirectory = "/models"
    static let decryptedFile = "model"

    static var verify: [String] {
        ["bulwark", "model", "verify", "--key", "\(keysDirectory)/\(publicKeyFile)", encryptedDirectory]
    }

    /// `bulwark model decrypt --kek-file KEK INPUT -o OUT` (docs/cli.md, "bulwark model encrypt and
    /// bulwark model decrypt"): the plaintext is written next to OUT and renamed only once every
    /// chunk has authenticated.
    static var decrypt: [String] {
        ["bulwark", "model", "decrypt", "--kek-file", "\(keysDirectory)/\(kekFile)",
         "\(encryptedDirectory)/\(encryptedFile)", "-o", "\(modelsDirectory)/\(decryptedFile)"]
    }

    /// The script of the init container: `sh -e` stops at the first failing step, so a model whose
    /// signature does not verify is never decrypted and the pod never starts.
    static var script: String {
        [verify, decrypt].map { $0.joined(separator: " ") }.joined(separator: "\n")
    }
}

struct ModelInitContainer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-container",
        abstract: "Print a Deployment that verifies and decrypts a model in an init container before the model server starts.",
        discussion: """
        The init container runs Bulwark from --image: `\(ModelInitContainerCommands.verify.joined(separator: " "))` \
        checks the encrypted model's signature, then `\(ModelInitContainerCommands.decrypt.joined(separator: " "))` \
        decrypts it into a memory-backed emptyDir (--size-limit) that the model server (--model-image) mounts \
        read-only at \(ModelInitContainerCommands.modelsDirectory). The encrypted model comes from a \
        PersistentVolumeClaim mounted read-only (--encrypted-claim, default NAME-encrypted-model) or an image \
        volume (--encrypted-image); the key-encryption key is the key `\(ModelInitContainerCommands.kekFile)` of \
        the Secret --secret, the public key the key `\(ModelInitContainerCommands.publicKeyFile)` of --key-secret \
        (default: the same Secret), mounted read-only at \(ModelInitContainerCommands.keysDirectory) in the init \
        container only. Both containers run as UID 10001 with a read-only root filesystem, no privilege escalation, \
        every capability dropped, the RuntimeDefault seccomp profile and resource limits; the model server's memory \
        limit is --size-limit plus 4Gi. The --image must contain /bin/sh (the two steps run in one `sh -ec`).

        The manifest (with a default-deny NetworkPolicy for the namespace and DNS egress for the pods) passes \
        `bulwark scan` without findings at medium or above and `bulwark pss --level restricted`; an image not \
        pinned by digest is a warning here and an info finding there. Adapt the model server's arguments, \
        ports, probes and resources to the server you run.
        """
    )

    @Option(help: ArgumentHelp("The image with the bulwark executable that runs in the init container (pin it by digest).", valueName: "image"))
    var image: String

    @Option(help: ArgumentHelp("The Secret holding the key-encryption key (key `kek`).", valueName: "name"))
    var secret: String

    @Option(name: .customLong("model-image"), help: ArgumentHelp("The model server's image (pin it by digest).", valueName: "image"))
    var modelImage = "registry.example.com/ml/model-server:1.0.0"

    @Option(name: .customLong("size-limit"), help: ArgumentHelp("sizeLimit of the memory-backed volume the model is decrypted into: a whole number of Mi, Gi or Ti.", valueName: "quantity"))
    var sizeLimit = "16Gi"

    @Option(name: .customLong("key-secret"), help: ArgumentHelp("The Secret holding the model-signing public key (key `model.pub`); default: --secret.", valueName: "name"))
    var keySecret: String?

    @Option(name: [.customShort("n"), .long], help: ArgumentHelp("The Deployment's namespace.", valueName: "namespace"))
    var namespace = "models"

    @Option(help: ArgumentHelp("The Deployment's name (and its pods' app.kubernetes.io/name label).", valueName: "name"))
    var name = "model-server"

    @Option(name: .customLong("encrypted-claim"), help: ArgumentHelp("The PersistentVolumeClaim holding \(ModelInitContainerCommands.encryptedFile) and its signature (default: NAME-encrypted-model).", valueName: "name"))
    var encryptedClaim: String?

    @Option(name: .customLong("encrypted-image"), help: ArgumentHelp("An OCI image holding \(ModelInitContainerCommands.encryptedFile) and its signature, mounted as an image volume instead of a claim (Kubernetes 1.33 or later).", valueName: "image"))
    var encryptedImage: String?

    func validate() throws {
        try Self.checkLabel(name, option: "--name")
        try Self.checkLabel(namespace, option: "--namespace")
        try Self.checkSubdomain(secret, option: "--secret")
        if let keySecret { try Self.checkSubdomain(keySecret, option: "--key-secret") }
        if let encryptedClaim { try Self.checkSubdomain(encryptedClaim, option: "--encrypted-claim") }
        if encryptedClaim != nil && encryptedImage != nil {
            throw ValidationError("--encrypted-claim and --encrypted-image are alternatives: give one")
        }
        try Self.checkImage(image, option: "--image")
        try Self.checkImage(modelImage, option: "--model-image")
        if let encryptedImage { try Self.checkImage(encryptedImage, option: "--encrypted-image") }
        if ModelInitContainerManifest.mebibytes(sizeLimit) == nil {
            throw ValidationError("--size-limit: \"\(sizeLimit.terminalSafe)\" is not a whole number of Mi, Gi or Ti (e.g. 512Mi, 16Gi)")
        }
    }

    func run() async throws {
        let manifest = ModelInitContainerManifest(
            name: name, namespace: namespace, image: image, modelImage: modelImage, secret: secret, keySecret: keySecret ?? secret,
            sizeLimit: sizeLimit, encryptedSource: encryptedImage.map { .image($0) } ?? .claim(encryptedClaim ?? "\(name)-encrypted-model"))
        for (option, reference) in [("--image", image), ("--model-image", modelImage)] where !ImageDigest.isPinned(reference) {
            Console.current.warning("\(option) \(reference) is not pinned by a digest (@sha256:…); bulwark scan reports it (k8s/image-digest, info)")
        }
        try Console.current.emit(manifest.render())
    }

    /// A DNS-1123 label (names of Deployments and namespaces).
    static func checkLabel(_ value: String, option: String) throws {
        guard value.utf8.count <= 63, isDNSName(value, dots: false) else {
            throw ValidationError("\(option): \"\(value.terminalSafe)\" is not a DNS label (lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit)")
        }
    }

    /// A DNS-1123 subdomain (names of Secrets and claims).
    static func checkSubdomain(_ value: String, option: String) throws {
        guard value.utf8.count <= 253, isDNSName(value, dots: true) else {
            throw ValidationError("\(option): \"\(value.terminalSafe)\" is not a valid object name (lower-case letters, digits, '-' and '.')")
        }
    }

    static func isDNSName(_ value: String, dots: Bool) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, let last = bytes.last,
              ASCII.isLower(first) || ASCII.isDigit(first), ASCII.isLower(last) || ASCII.isDigit(last) else { return false }
        return bytes.allSatisfy { ASCII.isLower($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "-") || (dots && $0 == UInt8(ascii: ".")) }
    }

    /// An image reference without blanks or control characters (it is quoted in the YAML anyway).
    static func checkImage(_ value: String, option: String) throws {
        guard !value.isEmpty, value.utf8.count <= 1024,
              value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ValidationError("\(option): \"\(value.terminalSafe)\" is not an image reference")
        }
    }
}

/// Whether an image reference is pinned by digest.
enum ImageDigest {
    static func isPinned(_ reference: String) -> Bool {
        guard let at = reference.lastIndex(of: "@") else { return false }
        let digest = reference[reference.index(after: at)...]
        return digest.hasPrefix("sha256:") && digest.utf8.count == "sha256:".utf8.count + 64
            && digest.dropFirst("sha256:".count).utf8.allSatisfy { ASCII.isHexDigit($0) }
    }
}

/// The Deployment `bulwark model init-container` prints, as YAML text (written field by field so
/// that its order, comments and quoting are stable; the test reads it back and scans it).
struct ModelInitContainerManifest {
    enum EncryptedSource {
        case claim(String)
        case image(String)
    }

    let name: String
    let namespace: String
    let image: String
    let modelImage: String
    let secret: String
    let keySecret: String
    let sizeLimit: String
    let encryptedSource: EncryptedSource

    /// What the model server may use besides the decrypted model (loading it, serving requests).
    static let serverHeadroomMiB = 4096
    /// What the init container may use besides the decrypted model it writes: tmpfs pages are
    /// charged to the container that writes them.
    static let initHeadroomMiB = 1024

    /// `512Mi` → 512, `16Gi` → 16384, `1Ti` → 1048576; nil for anything else (or beyond 1024Ti).
    static func mebibytes(_ quantity: String) -> Int? {
        for (suffix, factor) in [("Mi", 1), ("Gi", 1024), ("Ti", 1_048_576)] where quantity.hasSuffix(suffix) {
            let digits = quantity.dropLast(suffix.count)
            guard let first = digits.utf8.first, first != UInt8(ascii: "0"), digits.utf8.count <= 7,
                  digits.utf8.allSatisfy(ASCII.isDigit), let number = Int(digits), number * factor <= 1024 * 1_048_576 else { return nil }
            return number * factor
        }
        return nil
    }

    static func quantity(mebibytes: Int) -> String {
        mebibytes % 1024 == 0 ? "\(mebibytes / 1024)Gi" : "\(mebibytes)Mi"
    }

    func render() -> String {
        let size = Self.mebibytes(sizeLimit) ?? 16384
        let initMemory = Self.quantity(mebibytes: size + Self.initHeadroomMiB)
        let serverMemory = Self.quantity(mebibytes: size + Self.serverHeadroomMiB)
        let commands = ModelInitContainerCommands.self
        let quote = { (text: String) in QuotedString.quoted(text) }
        let encryptedVolume: String
        switch encryptedSource {
        case .claim(let claim):
            encryptedVolume = """
                    - name: encrypted-model
                      persistentVolumeClaim:
                        claimName: \(claim)
                        readOnly: true
            """
        case .image(let reference):
            encryptedVolume = """
                    - name: encrypted-model
                      image:
                        reference: \(quote(reference))
                        pullPolicy: IfNotPresent
            """
        }
        let keySources = keySecret == secret ? """
                      - secret:
                          name: \(secret)
                          items:
                            - {key: \(commands.kekFile), path: \(commands.kekFile)}
                            - {key: \(commands.publicKeyFile), path: \(commands.publicKeyFile)}
        """ : """
                      - secret:
                          name: \(secret)
                          items:
                            - {key: \(commands.kekFile), path: \(commands.kekFile)}
                      - secret:
                          name: \(keySecret)
                          items:
                            - {key: \(commands.publicKeyFile), path: \(commands.publicKeyFile)}
        """
        let securityContext = """
                  securityContext:
                    runAsNonRoot: true
                    runAsUser: 10001
                    runAsGroup: 10001
                    allowPrivilegeEscalation: false
                    privileged: false
                    readOnlyRootFilesystem: true
                    capabilities:
                      drop: [ALL]
                    seccompProfile:
                      type: RuntimeDefault
        """
        let script = commands.script.split(separator: "\n").map { "              " + $0 }.joined(separator: "\n")
        return """
        # Generated by `bulwark model init-container`. The init container checks the encrypted model's
        # signature, then decrypts it into a memory-backed emptyDir; the model server mounts that volume
        # read-only and never sees the key-encryption key. Adapt the model server's arguments, ports,
        # probes and resources to the server you run.
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          namespace: \(namespace)
          labels:
            app.kubernetes.io/name: \(name)
            app.kubernetes.io/component: inference
        spec:
          replicas: 1
          revisionHistoryLimit: 5
          selector:
            matchLabels:
              app.kubernetes.io/name: \(name)
              app.kubernetes.io/component: inference
          template:
            metadata:
              labels:
                app.kubernetes.io/name: \(name)
                app.kubernetes.io/component: inference
            spec:
              automountServiceAccountToken: false
              enableServiceLinks: false
              securityContext:
                runAsNonRoot: true
                runAsUser: 10001
                runAsGroup: 10001
                fsGroup: 10001
                seccompProfile:
                  type: RuntimeDefault
              initContainers:
                - name: verify-decrypt-model
                  image: \(quote(image))
                  imagePullPolicy: IfNotPresent
                  command: ["/bin/sh", "-ec"]
                  args:
                    - |
        \(script)
        \(securityContext)
                  resources:
                    requests: {cpu: 500m, memory: \(initMemory), ephemeral-storage: 64Mi}
                    limits: {cpu: "2", memory: \(initMemory), ephemeral-storage: 64Mi}
                  volumeMounts:
                    - name: encrypted-model
                      mountPath: \(commands.encryptedDirectory)
                      readOnly: true
                    - name: model-keys
                      mountPath: \(commands.keysDirectory)
                      readOnly: true
                    - name: model
                      mountPath: \(commands.modelsDirectory)
                    - name: tmp
                      mountPath: /tmp
              containers:
                - name: model-server
                  image: \(quote(modelImage))
                  imagePullPolicy: IfNotPresent
                  env:
                    - name: MODEL_PATH
                      value: \(commands.modelsDirectory)/\(commands.decryptedFile)
        \(securityContext)
                  resources:
                    requests: {cpu: "1", memory: \(serverMemory), ephemeral-storage: 256Mi}
                    limits: {cpu: "4", memory: \(serverMemory), ephemeral-storage: 256Mi}
                  volumeMounts:
                    - name: model
                      mountPath: \(commands.modelsDirectory)
                      readOnly: true
                    - name: tmp
                      mountPath: /tmp
              volumes:
        \(encryptedVolume)
                - name: model-keys
                  projected:
                    defaultMode: 288  # 0440: readable by the pods' group (fsGroup 10001) only
                    sources:
        \(keySources)
                - name: model
                  emptyDir:
                    medium: Memory
                    sizeLimit: \(sizeLimit)
                - name: tmp
                  emptyDir:
                    sizeLimit: 64Mi
        ---
        # Nothing reaches the pods of the namespace and they reach nothing (the model is local and the
        # init container needs no network). Drop this when the namespace has a default deny already;
        # allow the model server's callers with a policy of their own (`bulwark netpol generate`).
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: default-deny
          namespace: \(namespace)
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
        ---
        # Name lookups only (the cluster DNS), for the model server's pods.
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: \(name)-dns
          namespace: \(namespace)
        spec:
          podSelector:
            matchLabels:
              app.kubernetes.io/name: \(name)
              app.kubernetes.io/component: inference
          policyTypes: [Egress]
          egress:
            - to:
                - namespaceSelector:
                    matchLabels: {kubernetes.io/metadata.name: kube-system}
                  podSelector:
                    matchLabels: {k8s-app: kube-dns}
              ports:
                - {protocol: UDP, port: 53}
                - {protocol: TCP, port: 53}

        """
    }
}
