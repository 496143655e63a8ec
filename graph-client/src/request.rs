//! What every request builder shares: its owner path, extra headers, `$top` and `$expand`
//! checks, and the option and paging methods generated into each.

use crate::error::{Error, Result};
use crate::ratelimit::RateClass;
use crate::send::{Call, CLIENT_REQUEST_ID, PREFER, PREFER_UNKNOWN_ENUMS};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, COOKIE, HOST};

/// The largest `$top` the chat endpoints accept.
pub const MAX_TOP: u32 = 50;

/// Headers of one request, re-sent on every page, with the first invalid one remembered.
#[derive(Debug, Clone, Default)]
pub(crate) struct Headers {
    map: HeaderMap,
    problem: Option<String>,
}

impl Headers {
    pub(crate) fn add(&mut self, name: &str, value: &str) {
        if let Err(problem) = self.try_add(name, value) {
            self.problem.get_or_insert(problem);
        }
    }

    fn try_add(&mut self, name: &str, value: &str) -> Result<(), String> {
        let name = HeaderName::try_from(name).map_err(|_| format!("`{name}` is not a valid header name"))?;
        if [AUTHORIZATION, HOST, COOKIE, CLIENT_REQUEST_ID].contains(&name) {
            return Err(format!("the `{name}` header is set by the client"));
        }
        let mut value = HeaderValue::try_from(value).map_err(|_| format!("bad value for the `{name}` header"))?;
        // Custom headers may carry keys (for a proxy, say): keep them out of `Debug` output.
        value.set_sensitive(true);
        self.map.append(name, value);
        Ok(())
    }

    pub(crate) fn prefer_unknown_enum_members(&mut self) {
        self.map.append(PREFER, PREFER_UNKNOWN_ENUMS);
    }

    pub(crate) fn into_call(self, rate: RateClass) -> Result<Call> {
        match self.problem {
            Some(problem) => Err(Error::InvalidRequest(problem)),
            None => Ok(Call { headers: self.map, rate }),
        }
    }
}

/// Checks `$top` against the documented maximum.
pub(crate) fn check_top(top: Option<u32>) -> Result<()> {
    match top {
        Some(top) if !(1..=MAX_TOP).contains(&top) => {
            Err(Error::InvalidRequest(format!("$top must be between 1 and {MAX_TOP}, got {top}")))
        }
        _ => Ok(()),
    }
}

/// The navigation properties of a chat that `$expand` supports.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ChatExpand {
    pub(crate) members: bool,
    pub(crate) last_message_preview: bool,
}

impl ChatExpand {
    /// The `$expand` value, if anything is expanded.
    pub(crate) fn value(self) -> Option<String> {
        let names = [(self.members, "members"), (self.last_message_preview, "lastMessagePreview")];
        let names: Vec<_> = names.iter().filter(|(on, _)| *on).map(|(_, name)| *name).collect();
        (!names.is_empty()).then(|| names.join(","))
    }
}

/// The options every request builder has, as methods.
macro_rules! common_options {
    () => {
        /// Sends the header `name: value` with the request, and again with every page request.
        /// The value is treated as sensitive: `Debug` output does not show it.
        /// `Authorization`, `Cookie`, `Host` and `client-request-id` are set by the client; asking
        /// for them (or an invalid header) makes the request fail with
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before sending.
        pub fn header(mut self, name: &str, value: &str) -> Self {
            self.headers.add(name, value);
            self
        }

        /// Sends `Prefer: include-unknown-enum-members` with this request and all its pages (see
        /// also [`GraphClientBuilder::include_unknown_enum_members`](crate::GraphClientBuilder::include_unknown_enum_members)).
        pub fn include_unknown_enum_members(mut self) -> Self {
            self.headers.prefer_unknown_enum_members();
            self
        }
    };
}

/// `pages` and `items` of a list request, which streams what its `prepare` builds; with `raw`,
/// also `raw_pages`. One body for every list keeps their paging the same.
macro_rules! paging_methods {
    ($item:ty, $noun:literal) => {
        #[doc = concat!("The ", $noun, ", page by page.")]
        pub fn pages(self) -> $crate::Pages<$item> {
            let client = self.client.clone();
            $crate::Pages::new(client, self.prepare())
        }

        #[doc = concat!("The ", $noun, ", one by one.")]
        pub fn items(self) -> $crate::Items<$item> {
            self.pages().items()
        }
    };
    ($item:ty, $noun:literal, raw) => {
        $crate::request::paging_methods!($item, $noun);

        #[doc = concat!("The ", $noun, " page by page, each as its JSON text exactly as received: for archives and")]
        /// exports that must keep the service's bytes. Paging, retries and checks are the same.
        pub fn raw_pages(self) -> $crate::Pages<Box<serde_json::value::RawValue>> {
            let client = self.client.clone();
            $crate::Pages::new(client, self.prepare())
        }
    };
}

/// The `$expand` options of a chat request, as methods; doc lines given are appended to
/// `expand_members`.
macro_rules! chat_expand_options {
    ($(#[doc = $members_doc:literal])*) => {
        /// `$expand=members`.
        $(#[doc = $members_doc])*
        pub fn expand_members(mut self) -> Self {
            self.expand.members = true;
            self
        }

        /// `$expand=lastMessagePreview`.
        pub fn expand_last_message_preview(mut self) -> Self {
            self.expand.last_message_preview = true;
            self
        }
    };
}

pub(crate) use {chat_expand_options, common_options, paging_methods};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_headers_the_client_owns() {
        for name in ["Authorization", "host", "Client-Request-Id", "cookie", "bad name", "x\n"] {
            let mut headers = Headers::default();
            headers.add(name, "x");
            assert!(headers.into_call(RateClass::AllMessages).is_err(), "{name}");
        }
        let mut headers = Headers::default();
        headers.add("x-custom", "bad\nvalue");
        assert!(headers.into_call(RateClass::AllMessages).is_err());
        let mut headers = Headers::default();
        headers.add("ConsistencyLevel", "eventual");
        assert_eq!(headers.into_call(RateClass::AllMessages).unwrap().headers["consistencylevel"], "eventual");
    }

    #[test]
    fn top_is_checked() {
        assert!(check_top(None).is_ok() && check_top(Some(1)).is_ok() && check_top(Some(50)).is_ok());
        assert!(check_top(Some(0)).is_err() && check_top(Some(51)).is_err());
    }
}
