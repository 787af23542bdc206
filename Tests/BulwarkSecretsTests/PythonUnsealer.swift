import Foundation

/// Unseals blobs with Python's `cryptography` package, independently of Bulwark's own code:
/// RSA-OAEP(SHA-256, MGF1-SHA-256, label) → session key → AES-256-GCM with the zero nonce.
enum PythonUnsealer {
    struct Job: Codable {
        var blob: String
        var label: String
    }

    struct Outcome: Codable {
        var ok: Bool
        /// Base64 of the plaintext when `ok`.
        var plaintext: String?
        var error: String?
        var rsaLength: Int?

        var plaintextBytes: [UInt8]? { plaintext.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } }
    }

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
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
    static func unseal(_ jobs: [Job], privateKeyPEM: String) throws -> [Outcome] {
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
}
