//! What the mock signs and encrypts, as Graph does: rich notifications' `encryptedContent` under
//! the subscriber's certificate, and `validationTokens` signed with the mock's own key, whose
//! public half `/mock/jwks` serves.

use aes::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
use base64::Engine;
use graph_models::ChangeNotificationEncryptedContent;
use hmac::{Hmac, Mac};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::rand_core::{OsRng, RngCore};
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha1::Sha1;
use sha2::Sha256;
use std::sync::OnceLock;

/// The subscriber key pair of the tests and examples: the private key (PKCS#8 PEM) that
/// decrypts what the mock encrypts under [`SUBSCRIBER_CERT_PEM`]. For tests only.
pub const SUBSCRIBER_KEY_PEM: &str = include_str!("../keys/subscriber-key.pem");

/// The self-signed certificate of [`SUBSCRIBER_KEY_PEM`], to name as `encryptionCertificate`.
pub const SUBSCRIBER_CERT_PEM: &str = include_str!("../keys/subscriber-cert.pem");

/// Another private key, for tests that decrypt with the wrong one.
pub const OTHER_KEY_PEM: &str = include_str!("../keys/other-key.pem");

const TOKEN_SIGNING_KEY_PEM: &str = include_str!("../keys/token-signing-key.pem");

/// The `kid` of the mock's token-signing key.
pub const TOKEN_KEY_ID: &str = "graph-mock-token-key";

/// The app id the mock's validation tokens name as `aud`.
pub const APP_ID: &str = "6f1a5c9e-0d2b-4c8a-9e3f-2b7d1a0c4e58";

/// The `azp` of the mock's validation tokens: Graph's change-notification publisher.
pub const PUBLISHER: &str = "0bf30f3b-4a52-48df-9a82-234910c4a086";

/// The base64 DER body of a PEM certificate, as `encryptionCertificate` carries it.
pub fn certificate_base64(pem: &str) -> String {
    pem.lines().filter(|line| !line.starts_with("-----")).map(str::trim).collect()
}

/// The RSA public key of a certificate given as base64 DER, or why it is not one.
pub fn certificate_key(certificate: &str) -> Result<RsaPublicKey, String> {
    use x509_cert::der::{Decode, Encode};
    let der = base64::engine::general_purpose::STANDARD
        .decode(certificate.trim())
        .map_err(|_| "the encryptionCertificate is not base64".to_owned())?;
    let certificate =
        x509_cert::Certificate::from_der(&der).map_err(|_| "the encryptionCertificate is not an X.509 certificate")?;
    let spki = certificate.tbs_certificate.subject_public_key_info.to_der().map_err(|err| err.to_string())?;
    RsaPublicKey::from_public_key_der(&spki).map_err(|_| "the encryptionCertificate has no RSA key".to_owned())
}

/// `encryptedContent` for `data`: a fresh AES-256 key, the data under it (CBC, PKCS7, the key's
/// first 16 bytes as IV), its HMAC-SHA256, and the key under `key` (RSA-OAEP with SHA-1).
pub fn encrypt(key: &RsaPublicKey, data: &[u8], certificate_id: &str) -> ChangeNotificationEncryptedContent {
    let mut symmetric = [0u8; 32];
    OsRng.fill_bytes(&mut symmetric);
    let encrypted = cbc::Encryptor::<aes::Aes256>::new(&symmetric.into(), symmetric[..16].into())
        .encrypt_padded_vec_mut::<Pkcs7>(data);
    let mut mac = Hmac::<Sha256>::new_from_slice(&symmetric).expect("HMAC takes any key length");
    mac.update(&encrypted);
    let signature = mac.finalize().into_bytes();
    let wrapped = key.encrypt(&mut OsRng, Oaep::new::<Sha1>(), &symmetric).expect("a 32-byte key fits under RSA-2048");
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes).into();
    let mut content = ChangeNotificationEncryptedContent::default();
    content.data = b64(&encrypted);
    content.data_signature = b64(&signature);
    content.data_key = b64(&wrapped);
    content.encryption_certificate_id = certificate_id.to_owned().into();
    content.encryption_certificate_thumbprint = "0000000000000000000000000000000000000000".to_owned().into();
    content
}

fn signing_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::from_pkcs8_pem(TOKEN_SIGNING_KEY_PEM).expect("the vendored key parses"))
}

/// A validation token for `audience`, valid for an hour from `now` (seconds since the epoch).
pub fn validation_token(audience: &str, now: i64) -> String {
    let header = jsonwebtoken::Header {
        kid: Some(TOKEN_KEY_ID.to_owned()),
        ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256)
    };
    let claims = json!({
        "aud": audience,
        "azp": PUBLISHER,
        "iss": "https://sts.windows.net/2432b57b-0abd-43db-aa7b-16eadd115d34/",
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
    });
    let key =
        jsonwebtoken::EncodingKey::from_rsa_pem(TOKEN_SIGNING_KEY_PEM.as_bytes()).expect("the vendored key parses");
    jsonwebtoken::encode(&header, &claims, &key).expect("RS256 signs")
}

/// The JWKS of the token-signing key.
pub fn jwks() -> Value {
    let public = signing_key().to_public_key();
    let b64 = |bytes: Vec<u8>| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    json!({"keys": [{
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": TOKEN_KEY_ID,
        "n": b64(public.n().to_bytes_be()),
        "e": b64(public.e().to_bytes_be()),
    }]})
}
