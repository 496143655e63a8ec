//! National clouds: Graph root, token authority and scope go together.

use std::net::IpAddr;
use url::{Host, Url};

/// A Microsoft Graph deployment.
///
/// ```
/// # use graph_client::Cloud;
/// assert_eq!(Cloud::UsGovL5.graph_root(), "https://dod-graph.microsoft.us");
/// assert_eq!(Cloud::UsGovL5.authority(), "https://login.microsoftonline.us");
/// assert_eq!(Cloud::UsGovL5.scope(), "https://dod-graph.microsoft.us/.default");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Cloud {
    /// The global service (also used by GCC moderate).
    #[default]
    Global,
    /// US Government L4 (GCC High).
    UsGovL4,
    /// US Government L5 (DoD).
    UsGovL5,
    /// China, operated by 21Vianet. Teams APIs may not be available there.
    China,
}

impl Cloud {
    /// The Graph service root, without a version or trailing slash.
    pub fn graph_root(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovL4 => "https://graph.microsoft.us",
            Cloud::UsGovL5 => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The Microsoft Entra authority host that issues tokens for this cloud.
    pub fn authority(self) -> &'static str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGovL4 | Cloud::UsGovL5 => "https://login.microsoftonline.us",
            Cloud::China => "https://login.partner.microsoftonline.cn",
        }
    }

    /// The `.default` scope of the cloud's Graph root, for the client-credentials flow.
    pub fn scope(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com/.default",
            Cloud::UsGovL4 => "https://graph.microsoft.us/.default",
            Cloud::UsGovL5 => "https://dod-graph.microsoft.us/.default",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn/.default",
        }
    }
}

/// A URL the client sends a secret to, without trailing slash: `https` or loopback `http`, with
/// no credentials, query or fragment.
pub(crate) fn checked_root(text: &str, what: &str) -> Result<String, String> {
    let url = Url::parse(text).map_err(|err| format!("{what} `{text}` is not a URL: {err}"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err(format!("{what} `{text}` uses plain http; only loopback addresses may")),
        other => return Err(format!("{what} `{text}` has scheme `{other}`; expected https")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{what} must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{what} `{text}` must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Whether the URL's host is `localhost` or a loopback IP address.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clouds_match_their_scope_to_their_root() {
        for cloud in [Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5, Cloud::China] {
            assert_eq!(cloud.scope(), format!("{}/.default", cloud.graph_root()));
            assert!(cloud.authority().starts_with("https://login."));
        }
    }

    #[test]
    fn plain_http_only_for_loopback() {
        assert_eq!(checked_root("http://127.0.0.1:8080/", "base URL").unwrap(), "http://127.0.0.1:8080");
        assert!(checked_root("http://[::1]:8080", "base URL").is_ok());
        assert!(checked_root("http://localhost:1/graph/", "base URL").is_ok());
        assert_eq!(checked_root("https://proxy.example/graph/", "base URL").unwrap(), "https://proxy.example/graph");
        assert!(checked_root("http://graph.microsoft.com", "base URL").is_err());
        assert!(checked_root("http://10.0.0.1", "base URL").is_err());
        assert!(checked_root("http://localhost.evil.example", "base URL").is_err());
        assert!(checked_root("ftp://127.0.0.1", "base URL").is_err());
        assert!(checked_root("https://user:pw@proxy.example", "base URL").is_err());
        assert!(checked_root("https://proxy.example/?a=b", "base URL").is_err());
        assert!(checked_root("not a url", "base URL").is_err());
    }
}
