//! Property tests: JSON shaped like the schema, with random subsets of properties, explicit `null`s,
//! undeclared properties (nested objects and arrays, odd numbers, unicode), unknown enum strings,
//! known, unknown and non-string `@odata.type`s and odd timestamps, deserialises into the models
//! and serialises back to an equal `serde_json::Value`.
//!
//! The generator is driven by `schema/*.json` itself, read at test time: every declared property
//! of every type reachable from `chatMessage`, `chat` and `conversationMember` is generated with
//! its declared type, so a model that drifts from the schema fails here too.
//!
//! `PROPTEST_CASES` overrides the number of cases per property (256 by default).

use codegen::schema::{EnumDef, PropertyDef, TypeDef};
use graph_models::{
    Chat, ChatMessage, ChatMessageActions, ChatMessageImportance, ChatMessagePolicyViolationDlpActionTypes,
    ChatMessageType, ChatType, ConversationMember, DateTimeOffset, Duration, EventMessageDetail, Flags, Identity,
    IdentitySet, Page, TeamworkUserIdentityType,
};
use proptest::prelude::*;
use proptest::strategy::{Union, ValueTree};
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Cases per property; the whole file runs in a few seconds in a debug build.
const CASES: u32 = 256;

/// Object levels below the top-level value that still get object-typed properties; deeper, those
/// are absent, `null` or `[]`. Four reaches an identity inside a call participant's identity set
/// inside an event detail inside a message.
const DEPTH: u32 = 4;

const ODATA_TYPE: &str = "@odata.type";

/// A string matching `pattern`; the pattern is parsed once, here, not for every value.
fn regex(pattern: &str) -> BoxedStrategy<String> {
    proptest::string::string_regex(pattern).expect("a valid pattern").boxed()
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|it| it.parse().ok()).unwrap_or(CASES);
    // Failures are shrunk and printed; nothing is written next to the sources.
    Config { cases, failure_persistence: None, ..Config::default() }
}

// ---------------------------------------------------------------------------------------------
// The schema, read by the generator's own loader and indexed by name.

#[derive(Debug, Default)]
struct Schema {
    types: BTreeMap<String, TypeDef>,
    enums: BTreeMap<String, EnumDef>,
}

impl Schema {
    fn load() -> Schema {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
        let files = codegen::schema::load(&dir).unwrap_or_else(|errors| panic!("{errors}"));
        let mut schema = Schema::default();
        for file in files {
            schema.types.extend(file.content.types.into_iter().map(|it| (it.name.clone(), it)));
            schema.enums.extend(file.content.enums.into_iter().map(|it| (it.name.clone(), it)));
        }
        assert!(schema.types.contains_key("chatMessage") && schema.enums.contains_key("chatType"), "{dir:?}");
        schema
    }

    /// The type and its bases, root first.
    fn chain(&self, name: &str) -> Vec<&TypeDef> {
        let mut chain = Vec::new();
        let mut current = self.types.get(name);
        while let Some(ty) = current {
            chain.push(ty);
            current = ty.base.as_deref().and_then(|it| self.types.get(it));
        }
        chain.reverse();
        chain
    }

    /// Every property of a type, inherited ones first.
    fn properties(&self, name: &str) -> Vec<&PropertyDef> {
        self.chain(name).into_iter().flat_map(|it| &it.properties).collect()
    }

    /// The concrete types that are `name` or derive from it.
    fn concrete_subtypes(&self, name: &str) -> Vec<&TypeDef> {
        self.types
            .values()
            .filter(|it| !it.is_abstract && self.chain(&it.name).iter().any(|b| b.name == name))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Leaves: strings, numbers, timestamps, enum and flags text, arbitrary JSON.

// Each leaf strategy is built once per thread and shared (a `BoxedStrategy` is reference-counted):
// building one parses its patterns, which is slow in a debug build.

/// Plain text, any unicode (control characters included) and a few known troublemakers.
fn text() -> BoxedStrategy<String> {
    thread_local!(static CACHED: BoxedStrategy<String> = build_text());
    CACHED.with(Clone::clone)
}

fn build_text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => regex("[a-zA-Z0-9 ._:@/-]{0,16}"),
        2 => prop::collection::vec(any::<char>(), 0..8).prop_map(String::from_iter),
        1 => regex("\\PC{0,12}"),
        1 => prop::sample::select(vec![
            "", "\u{0}", "\"", "\\", "<p>Hi</p>", "😀👍🏽", "\u{2028}\u{feff}", "null", "19:abc@thread.v2", "ß\u{301}",
        ])
        .prop_map(str::to_owned),
    ]
    .boxed()
}

/// `Edm.DateTimeOffset` text: well-formed, odd but valid (year 0001, 7 fractional digits,
/// offsets), and malformed (the documentation's own `2021-03-1706:47:05.123Z`, out-of-range
/// fields, arbitrary text).
fn timestamp() -> BoxedStrategy<String> {
    thread_local!(static CACHED: BoxedStrategy<String> = build_timestamp());
    CACHED.with(Clone::clone)
}

fn build_timestamp() -> BoxedStrategy<String> {
    let fixed = prop::sample::select(vec![
        "2021-03-17T06:47:05.123Z",
        "2021-03-1706:47:05.123Z",
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00.0000000Z",
        "9999-12-31T23:59:59.9999999Z",
        "2020-12-08T23:53:05.8012345+05:30",
        "2020-12-08T23:53:05-00:00",
        "2020-12-08T23:53:05z",
        "2020-02-30T25:61:61Z",
        "2020-12-08",
        "20201208T235305Z",
        " 2020-12-08T23:53:05Z ",
        "",
        "null",
    ])
    .prop_map(str::to_owned);
    let fields = (0u32..=10_000, 0u32..=13, 0u32..=32, 0u32..=25, 0u32..=61, 0u32..=61);
    let fraction = regex("(\\.[0-9]{1,9})?");
    let offset = regex("(Z|z|[+-][0-9]{2}:[0-9]{2}|[+-][0-9]{4}|)");
    let separator = prop::sample::select(vec!["T", " ", "t"]);
    let composed = (fields, fraction, offset, separator).prop_map(
        |((year, month, day, hour, minute, second), fraction, offset, separator)| {
            format!("{year:04}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}:{second:02}{fraction}{offset}")
        },
    );
    prop_oneof![2 => fixed, 5 => composed, 1 => text()].boxed()
}

/// `Edm.Duration` text: ISO 8601 durations, signed and fractional, and malformed ones.
fn duration() -> BoxedStrategy<String> {
    thread_local!(static CACHED: BoxedStrategy<String> = build_duration());
    CACHED.with(Clone::clone)
}

fn build_duration() -> BoxedStrategy<String> {
    prop_oneof![
        2 => prop::sample::select(vec!["PT1M13S", "P1D", "PT0S", "-PT5M", "P1Y2M3DT4H5M6.7S", "PT", "P", "1h", ""])
            .prop_map(str::to_owned),
        4 => regex("-?P([0-9]{1,3}D)?(T([0-9]{1,3}H)?([0-9]{1,3}M)?([0-9]{1,3}(\\.[0-9]{1,7})?S)?)?"),
        1 => text(),
    ]
    .boxed()
}

/// A known member, an unknown name, or any text at all; and whether it is a known member.
fn enum_text(members: &[String]) -> BoxedStrategy<(String, bool)> {
    let known = members.to_vec();
    let check = known.clone();
    prop_oneof![
        3 => prop::sample::select(known),
        1 => regex("[a-zA-Z]{1,12}"),
        1 => text(),
    ]
    .prop_map(move |it| {
        let is_known = check.contains(&it);
        (it, is_known)
    })
    .boxed()
}

/// Comma-separated flags: known and unknown names, empty names, spaces around names.
fn flags_text(members: &[String]) -> BoxedStrategy<String> {
    let name = prop_oneof![3 => prop::sample::select(members.to_vec()), 1 => regex("[a-zA-Z ]{0,8}")];
    prop::collection::vec(name, 0..4).prop_map(|names| names.join(",")).boxed()
}

/// A property name no model declares: plain, unicode, annotations (`@odata.etag`), property
/// annotations (`name@odata.x`), and names that sort before `@odata.type` (`!`, digits, space),
/// which makes a polymorphic reader buffer them before it can choose a type.
fn unknown_key() -> BoxedStrategy<String> {
    thread_local!(static CACHED: BoxedStrategy<String> = build_unknown_key());
    CACHED.with(Clone::clone)
}

fn build_unknown_key() -> BoxedStrategy<String> {
    prop_oneof![
        3 => regex("[a-z][a-zA-Z0-9]{0,10}"),
        1 => regex("\\PC{0,6}"),
        1 => regex("@odata\\.[a-zA-Z]{1,8}"),
        1 => regex("[a-z]{1,6}@odata\\.[a-zA-Z]{1,8}"),
        1 => regex("[ !#$%&0-9][a-z]{0,4}"),
    ]
    .boxed()
}

/// Numbers a payload may carry: any integer, floats like 1.5, integers beyond `u64`.
fn number() -> BoxedStrategy<Value> {
    thread_local!(static CACHED: BoxedStrategy<Value> = build_number());
    CACHED.with(Clone::clone)
}

fn build_number() -> BoxedStrategy<Value> {
    prop_oneof![
        2 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => any::<f64>().prop_filter("finite", |it| it.is_finite()).prop_map(Value::from),
        1 => prop::sample::select(vec![
            "1.5", "-0", "-0.0", "0.1", "1e-7", "1e300", "18446744073709551615", "18446744073709551616",
            "-9223372036854775809", "123456789012345678901234567890",
        ])
        .prop_map(|it| serde_json::from_str::<Value>(it).unwrap()),
    ]
    .boxed()
}

/// Any JSON value, nested up to three levels.
fn any_json() -> BoxedStrategy<Value> {
    thread_local!(static CACHED: BoxedStrategy<Value> = build_any_json());
    CACHED.with(Clone::clone)
}

fn build_any_json() -> BoxedStrategy<Value> {
    let leaf =
        prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::Bool), number(), text().prop_map(Value::String),];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((unknown_key(), inner), 0..4).prop_map(|it| Value::Object(it.into_iter().collect())),
        ]
    })
    .boxed()
}

/// Usually none, else one or two undeclared properties; a key may be one the object declares,
/// which the caller drops.
fn extra() -> BoxedStrategy<Vec<(String, Value)>> {
    thread_local!(static CACHED: BoxedStrategy<Vec<(String, Value)>> = prop_oneof![
        2 => Just(Vec::new()),
        1 => prop::collection::vec((unknown_key(), any_json()), 1..3),
    ]
    .boxed());
    CACHED.with(Clone::clone)
}

// ---------------------------------------------------------------------------------------------
// Schema-shaped objects.

/// Builds strategies for schema types, each (type, depth) once.
struct Generator {
    schema: Schema,
    cache: RefCell<HashMap<(String, u32), BoxedStrategy<Value>>>,
}

impl Generator {
    fn new() -> Generator {
        Generator { schema: Schema::load(), cache: RefCell::default() }
    }

    /// A value of type `name` (a primitive, an enum or a type), or `None` for a type when no
    /// depth is left.
    fn element(&self, name: &str, depth: u32) -> Option<BoxedStrategy<Value>> {
        let strategy = match name {
            "String" => text().prop_map(Value::String).boxed(),
            "Boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
            "Int32" => prop_oneof![any::<i32>(), Just(i32::MIN), Just(i32::MAX), Just(0)].prop_map(Value::from).boxed(),
            "DateTimeOffset" => timestamp().prop_map(Value::String).boxed(),
            "Duration" => duration().prop_map(Value::String).boxed(),
            "Binary" => prop_oneof![regex("[A-Za-z0-9+/]{0,16}={0,2}"), text()].prop_map(Value::String).boxed(),
            "Guid" => prop_oneof![
                regex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
                text()
            ]
            .prop_map(Value::String)
            .boxed(),
            _ => match self.schema.enums.get(name) {
                Some(en) if en.flags => flags_text(&member_names(en)).prop_map(Value::String).boxed(),
                Some(en) => enum_text(&member_names(en)).prop_map(|(it, _)| Value::String(it)).boxed(),
                None if depth == 0 => return None,
                None => self.value(name, depth - 1),
            },
        };
        Some(strategy)
    }

    /// A value of the declared type `name`: a polymorphic choice or a plain object.
    fn value(&self, name: &str, depth: u32) -> BoxedStrategy<Value> {
        let key = (name.to_owned(), depth);
        if let Some(cached) = self.cache.borrow().get(&key) {
            return cached.clone();
        }
        let ty = &self.schema.types[name];
        let strategy = if ty.polymorphic { self.polymorphic(ty, depth) } else { self.plain(ty, depth) };
        self.cache.borrow_mut().insert(key, strategy.clone());
        strategy
    }

    /// A declared property: absent (`None`), `null`, or a value of its type.
    fn property(&self, property: &PropertyDef, depth: u32) -> BoxedStrategy<Option<Value>> {
        // A navigation property holds whole entities (`replies`, `messages`, `members`): one level
        // of them costs two, or messages within messages would dominate every case.
        let depth = if property.navigation { depth.saturating_sub(1) } else { depth };
        let value = match (self.element(&property.type_name, depth), property.collection) {
            (Some(element), true) => prop::collection::vec(element, 0..3).prop_map(Value::Array).boxed(),
            (Some(element), false) => element,
            (None, true) => Just(Value::Array(Vec::new())).boxed(),
            (None, false) => Just(Value::Null).boxed(),
        };
        prop_oneof![3 => Just(None), 1 => Just(Some(Value::Null)), 4 => value.prop_map(Some)].boxed()
    }

    /// The properties of type `name` (a random subset, some `null`) and undeclared ones, without
    /// `@odata.type`.
    fn object(&self, name: &str, depth: u32) -> BoxedStrategy<Map<String, Value>> {
        let properties = self.schema.properties(name);
        let names: Vec<String> = properties.iter().map(|it| it.name.clone()).collect();
        let values: Vec<_> = properties.iter().map(|it| self.property(it, depth)).collect();
        (values, extra())
            .prop_map(move |(values, extra)| {
                let mut object = Map::new();
                for (name, value) in names.iter().zip(values) {
                    if let Some(value) = value {
                        object.insert(name.clone(), value);
                    }
                }
                for (key, value) in extra {
                    if key != ODATA_TYPE && !names.contains(&key) {
                        object.insert(key, value);
                    }
                }
                object
            })
            .boxed()
    }

    /// An object of a type that is not polymorphic; `@odata.type` is then just an undeclared
    /// annotation, its own, any text, or none.
    fn plain(&self, ty: &TypeDef, depth: u32) -> BoxedStrategy<Value> {
        let own = ty.odata_type.clone();
        let tag = prop_oneof![3 => Just(None), 1 => Just(Some(own)), 1 => text().prop_map(Some)];
        (self.object(&ty.name, depth), tag).prop_map(|(object, tag)| Value::Object(with_tag(object, tag))).boxed()
    }

    /// A value of a polymorphic type: a concrete subtype named by its `@odata.type`, the declared
    /// type without one, an unknown or foreign `@odata.type`, or one that is not a string.
    fn polymorphic(&self, ty: &TypeDef, depth: u32) -> BoxedStrategy<Value> {
        let shared = self.object(&ty.name, depth);
        let subtypes = self.schema.concrete_subtypes(&ty.name);
        let known: Vec<_> = subtypes
            .iter()
            .map(|sub| {
                let tag = sub.odata_type.clone();
                self.object(&sub.name, depth)
                    .prop_map(move |object| Value::Object(with_tag(object, Some(tag.clone()))))
                    .boxed()
            })
            .collect();
        let foreign: Vec<String> = self
            .schema
            .types
            .values()
            .filter(|it| !subtypes.iter().any(|sub| sub.name == it.name))
            .map(|it| it.odata_type.clone())
            .collect();
        let unknown = prop_oneof![
            2 => regex("#microsoft\\.graph\\.[a-zA-Z]{1,12}Future"),
            1 => prop::sample::select(foreign),
            1 => text(),
        ];
        let not_a_string = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            number(),
            Just(Value::Array(Vec::new())),
            Just(serde_json::json!({"name": "#microsoft.graph.identity"})),
        ];
        let untagged = shared.clone().prop_map(|object| Value::Object(with_tag(object, None))).boxed();
        let unknown =
            (shared.clone(), unknown).prop_map(|(object, tag)| Value::Object(with_tag(object, Some(tag)))).boxed();
        let not_a_string = (shared, not_a_string)
            .prop_map(|(mut object, tag)| {
                object.insert(ODATA_TYPE.to_owned(), tag);
                Value::Object(object)
            })
            .boxed();
        let mut choices = vec![(2, untagged), (2, unknown), (1, not_a_string)];
        if !known.is_empty() {
            choices.push((6, Union::new(known).boxed()));
        }
        Union::new_weighted(choices).boxed()
    }

    /// A collection response: `value` and the OData annotations, some `null`, plus undeclared ones.
    fn page(&self, item: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
        let link = || prop_oneof![Just(None), Just(Some(Value::Null)), text().prop_map(|it| Some(Value::String(it)))];
        let count = prop_oneof![Just(None), Just(Some(Value::Null)), any::<i64>().prop_map(|it| Some(Value::from(it)))];
        let items = prop::collection::vec(item, 0..4);
        (items, link(), count, link(), link(), extra())
            .prop_map(|(items, context, count, next, delta, extra)| {
                let mut page = Map::new();
                for (key, value) in extra {
                    page.insert(key, value);
                }
                let declared = [
                    ("@odata.context", context),
                    ("@odata.count", count),
                    ("@odata.nextLink", next),
                    ("@odata.deltaLink", delta),
                    ("value", Some(Value::Array(items))),
                ];
                for (key, value) in declared {
                    match value {
                        Some(value) => page.insert(key.to_owned(), value),
                        None => page.remove(key),
                    };
                }
                Value::Object(page)
            })
            .boxed()
    }
}

fn with_tag(mut object: Map<String, Value>, tag: Option<String>) -> Map<String, Value> {
    if let Some(tag) = tag {
        object.insert(ODATA_TYPE.to_owned(), Value::String(tag));
    }
    object
}

fn values_of(name: &str) -> BoxedStrategy<Value> {
    Generator::new().value(name, DEPTH)
}

fn pages_of(name: &str) -> BoxedStrategy<Value> {
    let generator = Generator::new();
    // Items one level shallower than on their own: a page holds up to three.
    let item = generator.value(name, DEPTH - 2);
    generator.page(item)
}

fn members_of(name: &str) -> Vec<String> {
    member_names(Schema::load().enums.get(name).unwrap_or_else(|| panic!("enum {name}")))
}

/// The members' wire names, which is all the text strategies need.
fn member_names(en: &EnumDef) -> Vec<String> {
    en.members.iter().map(|it| it.name.clone()).collect()
}

// ---------------------------------------------------------------------------------------------
// The checks.

/// `input` deserialises as `T` and serialises back to an equal value: from a `Value`, and from
/// its text through `graph_models::decode` (the streaming path, with borrowed keys).
///
/// Undeclared values are kept as JSON text; read from a `Value`, that is the `Value`'s text. Both
/// sides are therefore compared after one pass through the same parser, which reads a float's
/// shortest text back to within one unit in the last place.
fn round_trip<T: DeserializeOwned + Serialize>(input: &Value) -> Result<T, TestCaseError> {
    let model: T = serde_json::from_value(input.clone())
        .map_err(|err| TestCaseError::fail(format!("does not deserialise: {err}\n{input:#}")))?;
    let text = serde_json::to_string(input).unwrap();
    let reparsed = |value: &T| serde_json::from_str::<Value>(&serde_json::to_string(value).unwrap()).unwrap();
    prop_assert_eq!(reparsed(&model), serde_json::from_str::<Value>(&text).unwrap(), "from a Value");
    let decoded: T = graph_models::decode(text.as_bytes())
        .map_err(|err| TestCaseError::fail(format!("does not decode: {err}\n{text}")))?;
    // Compared with the text parsed again, so that a float is read by the same parser on both sides.
    prop_assert_eq!(reparsed(&decoded), serde_json::from_str::<Value>(&text).unwrap(), "from text");
    Ok(model)
}

/// The text of a JSON number as a person or another serialiser may write it: big integers,
/// many digits, exponents, `-0`. Many are beyond `f64` and `u64`.
fn number_text() -> BoxedStrategy<String> {
    regex("-?(0|[1-9][0-9]{0,40})(\\.[0-9]{1,30})?([eE][+-]?[0-9]{1,4})?")
}

/// Undeclared properties holding number texts, alone, in arrays and in nested objects, after the
/// declared `id`: the message is written back byte for byte.
fn message_with_numbers() -> BoxedStrategy<String> {
    let entry = (regex("x_[a-z]{1,8}"), number_text(), 0..3usize).prop_map(|(key, number, shape)| match shape {
        0 => format!(r#""{key}":{number}"#),
        1 => format!(r#""{key}":[{number},{number}]"#),
        _ => format!(r#""{key}":{{"deep":{{"n":[{number}]}}}}"#),
    });
    prop::collection::vec(entry, 1..6).prop_map(|entries| format!(r#"{{"id":"1",{}}}"#, entries.join(","))).boxed()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn chat_messages_round_trip(message in values_of("chatMessage")) {
        round_trip::<ChatMessage>(&message)?;
    }

    #[test]
    fn undeclared_numbers_round_trip_byte_for_byte(text in message_with_numbers()) {
        let message: ChatMessage = graph_models::decode(text.as_bytes())
            .map_err(|err| TestCaseError::fail(format!("does not decode: {err}\n{text}")))?;
        prop_assert_eq!(serde_json::to_string(&message).unwrap(), text);
    }

    #[test]
    fn chats_with_members_and_messages_round_trip(chat in values_of("chat")) {
        round_trip::<Chat>(&chat)?;
    }

    #[test]
    fn conversation_members_round_trip(member in values_of("conversationMember")) {
        round_trip::<ConversationMember>(&member)?;
    }

    #[test]
    fn event_details_and_identity_sets_round_trip(
        detail in values_of("eventMessageDetail"),
        set in values_of("identitySet"),
        identity in values_of("identity"),
    ) {
        round_trip::<EventMessageDetail>(&detail)?;
        round_trip::<IdentitySet>(&set)?;
        round_trip::<Identity>(&identity)?;
    }

    #[test]
    fn pages_of_messages_round_trip(page in pages_of("chatMessage")) {
        round_trip::<Page<ChatMessage>>(&page)?;
    }

    #[test]
    fn pages_of_chats_round_trip(page in pages_of("chat")) {
        round_trip::<Page<Chat>>(&page)?;
    }

    #[test]
    fn pages_of_members_round_trip(page in pages_of("conversationMember")) {
        round_trip::<Page<ConversationMember>>(&page)?;
    }

    #[test]
    fn timestamps_and_durations_keep_their_text(stamp in timestamp(), length in duration()) {
        let model: DateTimeOffset = round_trip(&Value::String(stamp.clone()))?;
        prop_assert_eq!(model.as_str(), stamp.as_str());
        // Typed access fails on odd text without panicking; an instant it reads, written back as
        // RFC 3339 by `From<jiff::Timestamp>`, reads again as the same instant.
        if let Ok(instant) = model.to_timestamp() {
            prop_assert_eq!(DateTimeOffset::from(instant).to_timestamp().ok(), Some(instant));
        }
        let model: Duration = round_trip(&Value::String(length.clone()))?;
        prop_assert_eq!(model.as_str(), length.as_str());
        let _ = (model.to_span(), model.to_signed_duration());
    }

    #[test]
    fn enum_values_are_known_members_or_kept_in_other(
        (chat_type, chat_type_known) in enum_text(&members_of("chatType")),
        (message_type, message_type_known) in enum_text(&members_of("chatMessageType")),
        (importance, importance_known) in enum_text(&members_of("chatMessageImportance")),
        (user_type, user_type_known) in enum_text(&members_of("teamworkUserIdentityType")),
    ) {
        let model: ChatType = round_trip(&Value::String(chat_type.clone()))?;
        prop_assert_eq!(matches!(model, ChatType::Other(_)), !chat_type_known);
        prop_assert_eq!(model.as_str(), chat_type.as_str());
        let model: ChatMessageType = round_trip(&Value::String(message_type.clone()))?;
        prop_assert_eq!(matches!(model, ChatMessageType::Other(_)), !message_type_known);
        prop_assert_eq!(model.as_str(), message_type.as_str());
        let model: ChatMessageImportance = round_trip(&Value::String(importance.clone()))?;
        prop_assert_eq!(matches!(model, ChatMessageImportance::Other(_)), !importance_known);
        let model: TeamworkUserIdentityType = round_trip(&Value::String(user_type.clone()))?;
        prop_assert_eq!(matches!(model, TeamworkUserIdentityType::Other(_)), !user_type_known);
    }

    #[test]
    fn flags_keep_every_name_in_order(
        actions in flags_text(&members_of("chatMessageActions")),
        dlp in flags_text(&members_of("chatMessagePolicyViolationDlpActionTypes")),
    ) {
        let model: Flags<ChatMessageActions> = round_trip(&Value::String(actions.clone()))?;
        let names: Vec<&str> = model.members().iter().map(|it| it.as_str()).collect();
        let expected: Vec<&str> = if actions.is_empty() { Vec::new() } else { actions.split(',').collect() };
        prop_assert_eq!(names, expected);
        let model: Flags<ChatMessagePolicyViolationDlpActionTypes> = round_trip(&Value::String(dlp.clone()))?;
        prop_assert_eq!(model.members().len(), if dlp.is_empty() { 0 } else { dlp.split(',').count() });
    }
}

/// The generator reaches the shapes the properties are about: known and unknown event details
/// and identities, identities without `@odata.type`, `null`s, undeclared properties, unknown enum
/// strings, and both well-formed and malformed timestamps. Without this a generator that
/// produced only empty objects would pass every property above.
#[test]
fn the_generator_reaches_every_interesting_shape() {
    const SAMPLES: usize = 200;
    let strategy = values_of("chatMessage");
    let mut runner = TestRunner::deterministic();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut see = |what: &'static str, yes: bool| {
        if yes {
            *seen.entry(what).or_default() += 1;
        }
    };
    for _ in 0..SAMPLES {
        let value = strategy.new_tree(&mut runner).unwrap().current();
        let message: ChatMessage = serde_json::from_value(value).expect("generated messages deserialise");
        if let Some(detail) = message.event_detail.get() {
            see("known event detail", !matches!(detail, EventMessageDetail::Other(_)));
            see("unknown event detail", matches!(detail, EventMessageDetail::Other(_)));
        }
        if let Some(user) = message.from.get().and_then(|it| it.user.get()) {
            see("identity without @odata.type", matches!(user, Identity::Identity(_)));
            see("identity subtype", !matches!(user, Identity::Identity(_) | Identity::Other(_)));
            see("unknown identity", matches!(user, Identity::Other(_)));
        }
        see("null subject", message.subject.is_null());
        see("absent subject", message.subject.is_absent());
        see("undeclared property", !message.additional_properties.is_empty());
        see("unknown message type", matches!(message.message_type.get(), Some(ChatMessageType::Other(_))));
        see(
            "known message type",
            matches!(message.message_type.get(), Some(it) if !matches!(it, ChatMessageType::Other(_))),
        );
        if let Some(created) = message.created_date_time.get() {
            see("valid timestamp", created.to_timestamp().is_ok());
            see("malformed timestamp", created.to_timestamp().is_err());
        }
        see("mentions", message.mentions.get().is_some_and(|it| !it.is_empty()));
        see("reactions", message.reactions.get().is_some_and(|it| !it.is_empty()));
        see("attachments", message.attachments.get().is_some_and(|it| !it.is_empty()));
        see("replies", message.replies.get().is_some_and(|it| !it.is_empty()));
    }
    let expected = [
        "known event detail",
        "unknown event detail",
        "identity without @odata.type",
        "identity subtype",
        "unknown identity",
        "null subject",
        "absent subject",
        "undeclared property",
        "unknown message type",
        "known message type",
        "valid timestamp",
        "malformed timestamp",
        "mentions",
        "reactions",
        "attachments",
        "replies",
    ];
    for what in expected {
        assert!(
            seen.get(what).is_some_and(|it| *it >= 3),
            "{what} seen {:?} times in {SAMPLES} messages",
            seen.get(what)
        );
    }
}
