import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes and reads X.509 certificates with the system OpenSSL (the TLS layer reads them into swift-nio-ssl's BoringSSL).
enum CertificateFactory {
    /// P-256 key + self-signed certificate: CN = name, SAN = name + addresses, CA:FALSE, 10 years, random serial.
    /// keyUsage includes keyCertSign because BoringSSL only accepts a self-signed certificate as a trust root when it
    /// may sign certificates; OpenSSL and LXD don't mind either way.
    static func makeSelfSigned(name: String, addresses: [String]) throws -> TLSCredentials {
        try validate(name: name)
        let ips = try addresses.map(normaliseAddress).filter { !$0.isEmpty }

        let key = try generateP256Key()
        defer { EVP_PKEY_free(key) }
        guard let cert = X509_new() else { throw CryptoError.openSSL("X509_new") }
        defer { X509_free(cert) }

        guard X509_set_version(cert, 2) == 1 else { throw CryptoError.openSSL("setting the X.509 version") }
        try setRandomSerial(cert)
        guard X509_gmtime_adj(X509_getm_notBefore(cert), 0) != nil,
              X509_time_adj_ex(X509_getm_notAfter(cert), 3652, 0, nil) != nil
        else { throw CryptoError.openSSL("setting the validity period") }
        guard X509_set_pubkey(cert, key) == 1 else { throw CryptoError.openSSL("setting the public key") }

        let subject = X509_get_subject_name(cert)
        let organisation = Array("MicroCloud".utf8), commonName = Array(name.utf8)
        guard X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, organisation, Int32(organisation.count), -1, 0) == 1,
              X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, commonName, Int32(commonName.count), -1, 0) == 1,
              X509_set_issuer_name(cert, subject) == 1
        else { throw CryptoError.openSSL("setting the subject name") }

        var seen = Set<String>()
        let altNames = (["DNS:" + name] + ips.map { "IP:" + $0 }).filter { seen.insert($0).inserted }
        try addExtension(cert, NID_basic_constraints, "critical,CA:FALSE")
        try addExtension(cert, NID_key_usage, "critical,digitalSignature,keyEncipherment,keyCertSign")
        try addExtension(cert, NID_ext_key_usage, "serverAuth,clientAuth")
        try addExtension(cert, NID_subject_key_identifier, "hash")
        try addExtension(cert, NID_subject_alt_name, altNames.joined(separator: ","))

        guard X509_sign(cert, key, EVP_sha256()) > 0 else { throw CryptoError.openSSL("signing the certificate") }
        let certPEM = try pem { PEM_write_bio_X509($0, cert) }
        let keyPEM = try pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        return TLSCredentials(certificatePEM: certPEM, privateKeyPEM: keyPEM)
    }

    static func derBytes(ofPEM pem: String) throws -> [UInt8] {
        let cert = try readCertificate(pem)
        defer { X509_free(cert) }
        var der: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_X509(cert, &der)
        guard length > 0, let der else { throw CryptoError.openSSL("encoding the certificate as DER") }
        defer { CRYPTO_free(der, #fileID, #line) }  // OPENSSL_free is a macro
        return Array(UnsafeBufferPointer(start: der, count: Int(length)))
    }

    static func checkKeyMatches(certificatePEM: String, privateKeyPEM: String) throws {
        let cert = try readCertificate(certificatePEM)
        defer { X509_free(cert) }
        let bio = try memoryBIO(privateKeyPEM)
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            throw CryptoError.openSSL("the private key is not a readable unencrypted PEM key")
        }
        defer { EVP_PKEY_free(key) }
        guard X509_check_private_key(cert, key) == 1 else {
            ERR_clear_error()
            throw CryptoError("the private key does not belong to the certificate")
        }
    }

    // MARK: - pieces

    /// Names go into the CN and a DNS SAN via OpenSSL's config syntax, so keep them to hostname characters.
    static func validate(name: String) throws {
        let allowed = name.utf8.allSatisfy { c in
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 45 || c == 46 || c == 95
        }
        guard !name.isEmpty, name.utf8.count <= 63, allowed else {
            throw CryptoError("name \"\(name)\": use 1 to 63 letters, digits, '-', '.' or '_'")
        }
    }

    /// Accepts "10.0.0.5", "10.0.0.5/24" or an IPv6 address; returns the address without the prefix length.
    static func normaliseAddress(_ text: String) throws -> String {
        let bare = String(text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        if bare.isEmpty { return "" }
        var v4 = in_addr(), v6 = in6_addr()
        guard inet_pton(AF_INET, bare, &v4) == 1 || inet_pton(AF_INET6, bare, &v6) == 1 else {
            throw CryptoError("address \"\(text)\" is not an IPv4 or IPv6 address")
        }
        return bare
    }

    private static func generateP256Key() throws -> OpaquePointer {
        guard let key = cossl_ec_p256_gen() else { throw CryptoError.openSSL("generating a P-256 key") }
        return key
    }

    private static func setRandomSerial(_ cert: OpaquePointer) throws {
        var bytes = Crypto.randomBytes(16)
        bytes[0] &= 0x7F  // positive and at most 16 bytes in DER
        bytes[0] |= 0x40  // and never a short (or zero) serial
        guard let bn = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw CryptoError.openSSL("BN_bin2bn") }
        defer { BN_free(bn) }
        guard BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nil else {
            throw CryptoError.openSSL("setting the serial number")
        }
    }

    private static func addExtension(_ cert: OpaquePointer, _ nid: Int32, _ value: String) throws {
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, cert, cert, nil, nil, 0)
        guard let ext = X509V3_EXT_nconf_nid(nil, &ctx, nid, value) else {
            throw CryptoError.openSSL("building extension \(String(cString: OBJ_nid2sn(nid))) = \(value)")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(cert, ext, -1) == 1 else { throw CryptoError.openSSL("adding an extension") }
    }

    private static func readCertificate(_ pem: String) throws -> OpaquePointer {
        let bio = try memoryBIO(pem)
        defer { BIO_free(bio) }
        guard let cert = PEM_read_bio_X509(bio, nil, nil, nil) else {
            throw CryptoError.openSSL("not a PEM certificate")
        }
        return cert
    }

    private static func memoryBIO(_ text: String) throws -> OpaquePointer {
        let bytes = Array(text.utf8)
        // BIO_new_mem_buf does not copy; write into a growable memory BIO instead so `bytes` may die.
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.openSSL("BIO_new") }
        if !bytes.isEmpty {
            guard BIO_write(bio, bytes, Int32(bytes.count)) == Int32(bytes.count) else {
                BIO_free(bio)
                throw CryptoError.openSSL("BIO_write")
            }
        }
        return bio
    }

    private static func pem(_ write: (OpaquePointer) -> Int32) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.openSSL("BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw CryptoError.openSSL("writing PEM") }
        var data: UnsafeMutablePointer<CChar>? = nil
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data)
        guard length > 0, let data else { throw CryptoError.openSSL("reading PEM back") }
        return UnsafeBufferPointer(start: data, count: length).withMemoryRebound(to: UInt8.self) {
            String(decoding: $0, as: UTF8.self)
        }
    }
}
