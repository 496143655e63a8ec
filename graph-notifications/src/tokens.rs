//! `validationTokens`: JWTs the Microsoft identity platform issues for each delivery of rich
//! notifications. Each must be signed by a key of the JWKS the caller provides (Microsoft's
//! signing keys, from the OpenID configuration of the tenant), name the app as `aud` and Graph's
//! change-notification publisher as `azp`, and not be expired.

use super::NotificationError;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

/// The `azp` of Graph's change-notification tokens: the app id of Microsoft Graph Change
/// Tracking, as Microsoft documents it.
pub const CHANGE_NOTIFICATION_PUBLISHER: &str = "0bf30f3b-4a52-48df-9a82-234910c4a086";

/// Verifies validation tokens against a key set.
#[derive(Clone)]
pub struct TokenValidator {
    keys: JwkSet,
    app_id: String,
    publisher: String,
}

impl std::fmt::Debug for TokenValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenValidator").field("app_id", &self.app_id).field("keys", &self.keys.keys.len()).finish()
    }
}

#[derive(serde::Deserialize)]
struct Claims {
    azp: Option<String>,
}

impl TokenValidator {
    /// Tokens for `app_id`, signed by a key of `jwks` (the JSON of a JWKS document).
    pub fn new(jwks: &str, app_id: impl Into<String>) -> Result<TokenValidator, NotificationError> {
        let keys: JwkSet = serde_json::from_str(jwks)
            .map_err(|_| NotificationError::ValidationToken("the key set is not a JWKS document".to_owned()))?;
        Ok(TokenValidator { keys, app_id: app_id.into(), publisher: CHANGE_NOTIFICATION_PUBLISHER.to_owned() })
    }

    /// Another `azp` than Graph's (for a test double such as graph-mock).
    pub fn publisher(mut self, publisher: impl Into<String>) -> Self {
        self.publisher = publisher.into();
        self
    }

    /// Every token verifies, and there is at least one.
    pub fn verify_all(&self, tokens: &[String]) -> Result<(), NotificationError> {
        if tokens.is_empty() {
            return Err(NotificationError::ValidationToken("a rich notification without validation tokens".into()));
        }
        tokens.iter().try_for_each(|token| self.verify(token))
    }

    /// One token verifies.
    pub fn verify(&self, token: &str) -> Result<(), NotificationError> {
        let fail = |reason: &str| NotificationError::ValidationToken(reason.to_owned());
        let header = jsonwebtoken::decode_header(token).map_err(|_| fail("a token is not a JWT"))?;
        if header.alg != Algorithm::RS256 {
            return Err(fail("a token is not signed with RS256"));
        }
        let kid = header.kid.ok_or_else(|| fail("a token names no signing key"))?;
        let jwk = self.keys.find(&kid).ok_or_else(|| fail("a token is signed by a key not in the key set"))?;
        let key = DecodingKey::from_jwk(jwk).map_err(|_| fail("a key of the key set is unusable"))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[&self.app_id]);
        validation.set_required_spec_claims(&["exp", "aud"]);
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|err| {
            use jsonwebtoken::errors::ErrorKind;
            fail(match err.kind() {
                ErrorKind::ExpiredSignature => "a token has expired",
                ErrorKind::InvalidAudience => "a token is for another app",
                ErrorKind::InvalidSignature | ErrorKind::Base64(_) => "a token's signature does not verify",
                _ => "a token does not verify",
            })
        })?;
        match claims.claims.azp {
            Some(azp) if azp == self.publisher => Ok(()),
            _ => Err(fail("a token was not issued to Graph's change-notification publisher")),
        }
    }
}
