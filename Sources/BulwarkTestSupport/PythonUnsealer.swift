import Foundation

/// Unseals blobs with Python's `cryptography` package, independently of Bulwark's own code:
/// RSA-OAEP(SHA-256, MGF1-SHA-256, label) → session key → AES-256-GCM with the zero nonce.
public enum PythonUnsealer {
    public struct Job: Codable, Sendable {
        public var blob: String
        public var label: String

        public init(blob: String, label: String) {
            self.blob = blob
            self.label = label
        }
    }

    public struct Outcome: Codable, Sendable {
        public var ok: Bool
        /// Base64 of the plaintext when `ok`.
        public var plaintext: String?
        public var error: String?
        public var rsaLength: Int?

        public var plaintextBytes: [UInt8]? { plaintext.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } }
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    static let script = """
    import base64, json, sys
    try:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError as error:
        print("cannot import the cryptography package: %s" % error, file=sys.stderr)
        sys.exit(3)
    key_path, jobs_path, out_path = sys.argv[1:4]
    with open(key_path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    with open(jobs_path) as f:
        jobs = json.load(f)
    results = []
    for job in jobs:
        try:
            blob = base64.b64decode(job["blob"], validate=True)
            if len(blob) < 2:
                raise ValueError("blob shorter than its length prefix")
            n = int.from_bytes(blob[:2], "big")
            if len(blob) < n + 2:
                raise ValueError("blob shorter than its RSA ciphertext")
            oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(),
                                label=job["label"].encode() or None)
            session_key = key.decrypt(blob[2:2 + n], oaep)
            plaintext = AESGCM(session_key).decrypt(b"\\0" * 12, blob[2 + n:], None)
            results.append({"ok": True, "plaintext": base64.b64encode(plaintext).decode(), "rsaLength": n})
        except Exception as error:
            results.append({"ok": False, "error": "%s: %s" % (type(error).__name__, error)})
    with open(out_path, "w") as f:
        json.dump(results, f)
    """

    /// Runs the jobs through `python3`. Throws `Unavailable` (never skips) when python3 or its
    /// `cryptography` package is missing: the interoperability test must run in CI.
    public static func unseal(_ jobs: [Job], privateKeyPEM: String) throws -> [Outcome] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-seal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("key.pem")
        let jobsFile = directory.appendingPathComponent("jobs.json")
        let outFile = directory.appendingPathComponent("out.json")
        try Data(privateKeyPEM.utf8).write(to: keyFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile.path)
        try JSONEncoder().encode(jobs).write(to: jobsFile)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, keyFile.path, jobsFile.path, outFile.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Unavailable(description: "cannot start python3 (\(error)); the Sealed Secrets interoperability test needs python3 with the cryptography package (pip install cryptography)")
        }
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        switch process.terminationStatus {
        case 0:
            break
        case 3:
            throw Unavailable(description: "python3 lacks the cryptography package (pip install cryptography): \(errorText)")
        case 127:
            throw Unavailable(description: "python3 is not installed; the Sealed Secrets interoperability test needs python3 with the cryptography package")
        default:
            throw Unavailable(description: "python3 exited with \(process.terminationStatus): \(errorText)")
        }
        return try JSONDecoder().decode([Outcome].self, from: Data(contentsOf: outFile))
    }

    /// A throwaway RSA key and a self-signed certificate for it, as the sealed-secrets controller
    /// makes them, generated by Python's `cryptography` (so tests outside the crypto targets can
    /// seal and unseal). Throws `Unavailable` when python3 or the package is missing.
    public static func makeKey(bits: Int = 2048) throws -> (privateKeyPEM: String, certificatePEM: String) {
        let script = """
        import datetime, sys
        try:
            from cryptography import x509
            from cryptography.x509.oid import NameOID
            from cryptography.hazmat.primitives import hashes, serialization
            from cryptography.hazmat.primitives.asymmetric import rsa
        except ImportError as error:
            print("cannot import the cryptography package: %s" % error, file=sys.stderr)
            sys.exit(3)
        key = rsa.generate_private_key(public_exponent=65537, key_size=int(sys.argv[1]))
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sealed-secret"),
                          x509.NameAttribute(NameOID.COMMON_NAME, "sealed-secret")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
                .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
        sys.stdout.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode())
        sys.stdout.write(cert.public_bytes(serialization.Encoding.PEM).decode())
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(bits)]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Unavailable(description: "cannot start python3 (\(error)); this test needs python3 with the cryptography package")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Unavailable(description: "python3 could not make a key (exit \(process.terminationStatus)): \(errorText)")
        }
        guard let split = text.range(of: "-----BEGIN CERTIFICATE-----") else {
            throw Unavailable(description: "python3 printed no certificate: \(text.prefix(200))")
        }
        return (String(text[..<split.lowerBound]), String(text[split.lowerBound...]))
    }
}
