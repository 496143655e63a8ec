//! `Page<T>`: the OData collection envelope every list endpoint answers with.

use crate::de::Key;
use crate::ser::StructWriter;
use crate::{AdditionalProperties, Property};
use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// One page of a collection response, lossless like the models: annotations the page does not
/// declare are kept in `additional_properties`, and absent and `null` stay apart.
///
/// ```
/// # use graph_models::{ChatMessage, Page};
/// let page: Page<ChatMessage> = serde_json::from_str(
///     r#"{"@odata.nextLink": "https://graph.microsoft.com/v1.0/chats/x/messages?$skiptoken=2", "value": []}"#,
/// ).unwrap();
/// assert!(page.value.is_empty());
/// assert_eq!(page.next_link(), Some("https://graph.microsoft.com/v1.0/chats/x/messages?$skiptoken=2"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page; required: a response without `value` is not a page.
    pub value: Vec<T>,
    /// `@odata.nextLink`: the URL of the next page, to be followed verbatim.
    pub next_link: Property<String>,
    /// `@odata.deltaLink`: the URL that returns changes since this response.
    pub delta_link: Property<String>,
    /// `@odata.count`: the total number of items, when the request asked for it.
    pub count: Property<i64>,
    /// `@odata.context`: the metadata URL describing the response.
    pub context: Property<String>,
    /// Every other property of the envelope, kept verbatim.
    pub additional_properties: AdditionalProperties,
}

impl<T> Page<T> {
    /// The URL of the next page, if there is one.
    pub fn next_link(&self) -> Option<&str> {
        self.next_link.as_deref()
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            value: Vec::new(),
            next_link: Property::Absent,
            delta_link: Property::Absent,
            count: Property::Absent,
            context: Property::Absent,
            additional_properties: AdditionalProperties::new(),
        }
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.value.into_iter()
    }
}

const CONTEXT: &str = "@odata.context";
const COUNT: &str = "@odata.count";
const NEXT_LINK: &str = "@odata.nextLink";
const DELTA_LINK: &str = "@odata.deltaLink";
const VALUE: &str = "value";

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StructWriter::begin(serializer, &self.additional_properties, None)
            .property(CONTEXT, &self.context)
            .property(COUNT, &self.count)
            .property(NEXT_LINK, &self.next_link)
            .property(DELTA_LINK, &self.delta_link)
            .property(VALUE, &Property::Value(&self.value))
            .end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PageVisitor(PhantomData))
    }
}

struct PageVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
    type Value = Page<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a collection response object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        let mut page = Page::default();
        let mut value = None;
        let mut declared = 0u16;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                CONTEXT => page.context = map.next_value()?,
                COUNT => page.count = map.next_value()?,
                NEXT_LINK => page.next_link = map.next_value()?,
                DELTA_LINK => page.delta_link = map.next_value()?,
                VALUE => value = Some(map.next_value()?),
                _ => {
                    crate::de::additional(&mut map, &mut page.additional_properties, key, declared)?;
                    continue;
                }
            }
            declared = crate::additional::next_place(declared);
        }
        page.value = value.ok_or_else(|| A::Error::missing_field(VALUE))?;
        Ok(page)
    }
}
