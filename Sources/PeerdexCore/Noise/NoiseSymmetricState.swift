import Crypto

/// The chaining key, handshake hash and cipher of a handshake (`SymmetricState`, section 5.2),
/// for SHA-256.
struct NoiseSymmetricState: Sendable {
    private(set) var chainingKey: [UInt8]
    /// The handshake hash `h`: after the handshake, a value both sides share that names it.
    private(set) var hash: [UInt8]
    private(set) var cipher = NoiseCipherState()

    /// `InitializeSymmetric(protocol_name)`.
    init(protocolName: String) {
        let name = Array(protocolName.utf8)
        hash = name.count <= Noise.hashLength
            ? name + [UInt8](repeating: 0, count: Noise.hashLength - name.count) : Self.sha256(name)
        chainingKey = hash
    }

    /// `MixKey(input_key_material)`.
    mutating func mixKey(_ inputKeyMaterial: [UInt8]) {
        let outputs = Self.hkdf(chainingKey: chainingKey, inputKeyMaterial: inputKeyMaterial, count: 2)
        chainingKey = outputs[0]
        cipher = NoiseCipherState(key: outputs[1])
    }

    /// `MixHash(data)`.
    mutating func mixHash(_ data: [UInt8]) {
        hash = Self.sha256(hash + data)
    }

    /// `EncryptAndHash(plaintext)`.
    mutating func encryptAndHash(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let ciphertext = try cipher.encrypt(plaintext, ad: hash)
        mixHash(ciphertext)
        return ciphertext
    }

    /// `DecryptAndHash(ciphertext)`.
    mutating func decryptAndHash(_ ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let plaintext = try cipher.decrypt(ciphertext, ad: hash)
        mixHash(ciphertext)
        return plaintext
    }

    /// `Split()`: the initiator's sending and receiving ciphers.
    func split() -> (initiatorToResponder: NoiseCipherState, responderToInitiator: NoiseCipherState) {
        let outputs = Self.hkdf(chainingKey: chainingKey, inputKeyMaterial: [], count: 2)
        return (NoiseCipherState(key: outputs[0]), NoiseCipherState(key: outputs[1]))
    }

    // MARK: - Primitives

    static func sha256(_ data: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: data)) }

    static func hmac(key: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// Noise's HKDF (section 4.3): `count` outputs of HASHLEN bytes.
    static func hkdf(chainingKey: [UInt8], inputKeyMaterial: [UInt8], count: Int) -> [[UInt8]] {
        let tempKey = hmac(key: chainingKey, data: inputKeyMaterial)
        var outputs = [[UInt8]]()
        var previous = [UInt8]()
        for index in 1...count {
            previous = hmac(key: tempKey, data: previous + [UInt8(index)])
            outputs.append(previous)
        }
        return outputs
    }
}
