//! Rich notifications' `encryptedContent`: the AES key unwrapped with the app's RSA key
//! (RSA-OAEP with SHA-1), the data's HMAC-SHA256 checked under it in constant time before
//! anything is decrypted, then AES-256-CBC with PKCS7 padding and the key's first 16 bytes as the
//! IV. The steps are Microsoft's (see "Decrypting resource data from change notifications").

use super::DecryptedMessage;
use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
use base64::Engine;
use graph_models::ChangeNotificationEncryptedContent;
use hmac::{Hmac, Mac};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Oaep, RsaPrivateKey};
use sha1::Sha1;
use sha2::Sha256;

type Aes256CbcDecryptor = cbc::Decryptor<aes::Aes256>;

/// The app's private key, for decrypting rich notifications. Its `Debug` shows nothing of it.
#[derive(Clone)]
pub struct Decryptor {
    key: RsaPrivateKey,
    certificate_id: Option<String>,
}

impl std::fmt::Debug for Decryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decryptor").field("certificate_id", &self.certificate_id).finish_non_exhaustive()
    }
}

impl Decryptor {
    /// The RSA private key in PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE
    /// KEY`). The error says which form was expected, never anything of the text.
    pub fn from_pem(pem: &str) -> Result<Decryptor, String> {
        let key = RsaPrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
            .map_err(|_| "not an RSA private key in PEM (PKCS#8 or PKCS#1)".to_owned())?;
        Ok(Decryptor { key, certificate_id: None })
    }

    /// Only content encrypted for this `encryptionCertificateId` is decrypted; other content is
    /// refused before the key is used.
    pub fn certificate_id(mut self, id: impl Into<String>) -> Self {
        self.certificate_id = Some(id.into());
        self
    }

    /// The decrypted bytes, or why there are none.
    pub fn decrypt(&self, content: &ChangeNotificationEncryptedContent) -> Result<Vec<u8>, String> {
        let text = |value: &graph_models::Property<String>, name: &str| {
            value.get().cloned().ok_or_else(|| format!("`{name}` is missing"))
        };
        if let Some(expected) = &self.certificate_id {
            let id = content.encryption_certificate_id.get().map(String::as_str).unwrap_or_default();
            if id != expected {
                return Err("encrypted for another certificate than this key's".to_owned());
            }
        }
        let base64 = |value: String, name: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(value.trim())
                .map_err(|_| format!("`{name}` is not base64"))
        };
        let wrapped = base64(text(&content.data_key, "dataKey")?, "dataKey")?;
        let data = base64(text(&content.data, "data")?, "data")?;
        let signature = base64(text(&content.data_signature, "dataSignature")?, "dataSignature")?;
        let key = self
            .key
            .decrypt(Oaep::new::<Sha1>(), &wrapped)
            .map_err(|_| "the data key does not decrypt with this private key".to_owned())?;
        if key.len() != 32 {
            return Err(format!("the data key is {} bytes, not 32", key.len()));
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| "the data key is unusable".to_owned())?;
        mac.update(&data);
        mac.verify_slice(&signature)
            .map_err(|_| "the data signature does not match: the data was altered".to_owned())?;
        Aes256CbcDecryptor::new_from_slices(&key, &key[..16])
            .map_err(|_| "the data key is unusable".to_owned())?
            .decrypt_padded_vec_mut::<Pkcs7>(&data)
            .map_err(|_| "the data does not decrypt (bad padding)".to_owned())
    }

    /// The decrypted message: its text exactly as decrypted, and typed.
    pub fn decrypt_message(&self, content: &ChangeNotificationEncryptedContent) -> Result<DecryptedMessage, String> {
        let bytes = self.decrypt(content)?;
        let text = String::from_utf8(bytes).map_err(|_| "the decrypted data is not UTF-8".to_owned())?;
        // serde_json's messages can quote what they read: only the kind and place are shown.
        let place = |err: serde_json::Error| {
            format!("the decrypted data is not a chat message: {}", super::json_error_place(&err))
        };
        let raw = RawValue::from_string(text).map_err(place)?;
        let message =
            graph_models::decode::<graph_models::ChatMessage>(raw.get().as_bytes()).map_err(|err| place(err.source))?;
        Ok(DecryptedMessage { raw, message })
    }
}

use serde_json::value::RawValue;
