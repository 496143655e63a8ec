//! One behaviour per test: what the generated models keep, choose and report.

use graph_models::{
    decode, AadUserConversationMember, CallEndedEventMessageDetail, Chat, ChatMessage, ChatMessageHistoryItem,
    ChatMessagePolicyViolation, ChatMessagePolicyViolationDlpActionTypes as Dlp, ChatType, ConversationMember,
    EventMessageDetail, Flags, Identity, IdentityBase, IdentitySet, Page, Property,
};
use serde_json::{json, Value};

/// Deserialises `input` as `T`, checks that it serialises back to an equal value, returns it.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(input: Value) -> T {
    let model: T = serde_json::from_value(input.clone()).expect("deserialises");
    assert_eq!(serde_json::to_value(&model).unwrap(), input);
    model
}

#[test]
fn unknown_enum_string_is_kept_in_the_fallback() {
    let chat: Chat = round_trip(json!({"id": "19:a@thread.v2", "chatType": "community"}));
    assert_eq!(chat.chat_type, Property::Value(ChatType::Other("community".into())));
    assert_eq!(chat.chat_type.get().unwrap().as_str(), "community");
    assert_eq!("group".parse::<ChatType>(), Ok(ChatType::Group));
    // An escaped string reaches the enum as an owned copy; it still names the member.
    assert_eq!(serde_json::from_str::<ChatType>(r#""\u0067roup""#).unwrap(), ChatType::Group);
    assert_eq!(ChatType::UnknownFutureValue.to_string(), "unknownFutureValue");
}

#[test]
fn an_unknown_odata_type_keeps_the_shared_properties_typed_and_the_rest_as_text() {
    let object = json!({"@odata.type": "#microsoft.graph.futureMember", "id": "m1", "displayName": "Ann",
        "badge": {"x": [1, 2]}});
    let member: ConversationMember = round_trip(object);
    let ConversationMember::Other(kept) = &member else { panic!("{member:?}") };
    assert_eq!(kept.id.as_deref(), Some("m1"));
    assert_eq!(kept.additional_properties.get("badge").unwrap().get(), r#"{"x":[1,2]}"#);
    assert_eq!(member.odata_type().as_deref(), Some("#microsoft.graph.futureMember"));
    // The accessors of the properties every member has work for a type the schema does not know.
    assert_eq!(member.display_name().as_deref(), Some("Ann"));
}

#[test]
fn odata_type_chooses_the_concrete_type_wherever_it_stands() {
    for object in [
        json!({"@odata.type": "#microsoft.graph.aadUserConversationMember", "id": "m1", "email": "a@b.c"}),
        json!({"id": "m1", "email": "a@b.c", "@odata.type": "#microsoft.graph.aadUserConversationMember"}),
    ] {
        let member: ConversationMember = round_trip(object);
        let ConversationMember::AadUserConversationMember(aad) = member else { panic!("{member:?}") };
        assert_eq!(aad.email.as_deref(), Some("a@b.c"));
    }
}

#[test]
fn without_odata_type_an_abstract_declared_type_falls_back_and_a_concrete_one_is_read_as_itself() {
    let member: ConversationMember = round_trip(json!({"id": "m1", "displayName": "Ann"}));
    assert!(matches!(member, ConversationMember::Other(_)));
    let user: Identity = round_trip(json!({"id": "u1", "displayName": "Ann", "tenantId": "t"}));
    let Identity::Identity(base) = user else { panic!("{user:?}") };
    assert_eq!(base.display_name.as_deref(), Some("Ann"));
    assert_eq!(base.additional_properties.get_str("tenantId").as_deref(), Some("t"));
}

#[test]
fn event_details_nest_polymorphic_identity_sets() {
    let detail: EventMessageDetail = round_trip(json!({
        "@odata.type": "#microsoft.graph.callEndedEventMessageDetail",
        "callDuration": "PT1M13S",
        "callEventType": "meeting",
        "initiator": {"application": null, "device": null,
            "user": {"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": "u1", "userIdentityType": "emailUser"}},
        "callParticipants": [{"participant": {"user": {"id": "u2"}}}]
    }));
    let EventMessageDetail::CallEndedEventMessageDetail(ended) = &detail else { panic!("{detail:?}") };
    let CallEndedEventMessageDetail { call_duration, initiator, .. } = &**ended;
    assert_eq!(call_duration.get().unwrap().to_signed_duration().unwrap().as_secs(), 73);
    let Some(IdentitySet::IdentitySet(set)) = initiator.get() else { panic!("{initiator:?}") };
    assert!(set.application.is_null());
    let Some(Identity::TeamworkUserIdentity(user)) = set.user.get() else { panic!() };
    assert_eq!(user.user_identity_type.get().unwrap().as_str(), "emailUser");
}

#[test]
fn unknown_properties_are_kept_and_written_back() {
    let message: ChatMessage = round_trip(json!({
        "id": "1",
        "futureProperty": {"deep": [true, null, 1.5]},
        "@odata.etag": "W/\"1\"",
        "body": {"content": "hi", "contentType": "text", "renderHints": "x"}
    }));
    let future: Value = message.additional_properties.get_as("futureProperty").unwrap().unwrap();
    assert_eq!(future["deep"][2], 1.5);
    assert_eq!(message.body.get().unwrap().additional_properties.get_str("renderHints").as_deref(), Some("x"));
}

#[test]
fn null_and_absent_stay_apart() {
    let message: ChatMessage = round_trip(json!({"id": "1", "subject": null, "from": null}));
    assert!(message.subject.is_null());
    assert!(message.summary.is_absent());
    assert_eq!(serde_json::to_string(&message).unwrap(), r#"{"id":"1","subject":null,"from":null}"#);
}

#[test]
fn malformed_timestamps_are_kept_and_fail_only_when_read() {
    let message: ChatMessage = round_trip(json!({"id": "1", "createdDateTime": "2021-03-1706:47:05.123Z"}));
    let created = message.created_date_time.get().unwrap();
    assert_eq!(created.as_str(), "2021-03-1706:47:05.123Z");
    assert!(created.to_timestamp().is_err());
}

#[test]
fn timestamps_parse_including_year_one_and_seven_fractional_digits() {
    let chat: Chat = round_trip(json!({
        "id": "c",
        "createdDateTime": "2020-12-04T23:10:28.51Z",
        "lastUpdatedDateTime": "2021-01-01T00:00:00.1234567Z",
        "viewpoint": {"isHidden": false, "lastMessageReadDateTime": "0001-01-01T00:00:00Z"}
    }));
    let read = chat.viewpoint.get().unwrap().last_message_read_date_time.get().unwrap();
    assert_eq!(read.to_timestamp().unwrap(), "0001-01-01T00:00:00Z".parse::<jiff::Timestamp>().unwrap());
    let updated = chat.last_updated_date_time.get().unwrap().to_timestamp().unwrap();
    assert_eq!(updated.subsec_nanosecond(), 123_456_700);
}

#[test]
fn flags_with_unknown_names_round_trip() {
    let violation: ChatMessagePolicyViolation =
        round_trip(json!({"dlpAction": "notifySender,blockAccess,quarantine", "verdictDetails": "none"}));
    let dlp = violation.dlp_action.get().unwrap();
    assert_eq!(dlp.members(), &[Dlp::NotifySender, Dlp::BlockAccess, Dlp::Other("quarantine".into())]);
    let history: ChatMessageHistoryItem =
        round_trip(json!({"actions": "", "modifiedDateTime": "2021-01-01T00:00:00Z"}));
    assert!(history.actions.get().unwrap().is_empty());
    assert_eq!(serde_json::to_value(Flags::new(vec![Dlp::None])).unwrap(), "none");
    // Escaped text is split the same; a value that is not a string is reported as such.
    let escaped: Flags<Dlp> = serde_json::from_str(r#""notifySender,\u0062lockAccess""#).unwrap();
    assert_eq!(escaped.members(), &[Dlp::NotifySender, Dlp::BlockAccess]);
    let err = serde_json::from_str::<Flags<Dlp>>("[1]").unwrap_err();
    assert_eq!(err.to_string(), "invalid type: sequence, expected comma-separated member names at line 1 column 0");
}

#[test]
fn mention_ids_are_integers() {
    let mention: graph_models::ChatMessageMention = round_trip(json!({"id": 0, "mentionText": "Ann"}));
    assert_eq!(mention.id, Property::Value(0));
}

#[test]
fn bad_payloads_name_the_path_to_the_bad_field() {
    let err = decode::<Page<ChatMessage>>(br#"{"value": [{"id": "1"}, {"id": "2", "mentions": [{"id": "0"}]}]}"#)
        .unwrap_err();
    assert_eq!(err.path, "value[1].mentions[0].id");
    assert_eq!(
        err.to_string(),
        "`value[1].mentions[0].id`: invalid type: string \"0\", expected i32 at line 1 column 59"
    );
    let err = decode::<Chat>(b"{\"id\": \"c\", \"topic\": 7}").unwrap_err();
    assert_eq!(err.path, "topic");
    let err = decode::<Chat>(br#"{"chatType": 1}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`chatType`: invalid type: integer `1`, expected a `chatType` string at line 1 column 14"
    );
    assert!(decode::<Chat>(b"{\"id\": \"c\"} trailing").is_err());
    assert!(decode::<Page<Chat>>(b"{\"@odata.count\": 0}").unwrap_err().to_string().contains("missing field `value`"));
}

#[test]
fn pages_keep_every_annotation() {
    let page: Page<Chat> = round_trip(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#chats",
        "@odata.count": 2,
        "@odata.nextLink": "https://graph.microsoft.com/v1.0/chats?$skiptoken=abc",
        "@odata.deltaLink": null,
        "@microsoft.graph.tips": "x",
        "value": [{"id": "a", "chatType": "group"}, {"id": "b", "chatType": "oneOnOne"}]
    }));
    assert_eq!(page.count, Property::Value(2));
    assert!(page.delta_link.is_null());
    assert_eq!(page.next_link(), Some("https://graph.microsoft.com/v1.0/chats?$skiptoken=abc"));
    assert_eq!(page.into_iter().count(), 2);
}

#[test]
fn an_odata_type_is_written_back_where_it_stood() {
    // First, as Graph writes it, so that readers can choose the subtype without buffering.
    for text in [
        r##"{"@odata.type":"#microsoft.graph.skypeUserConversationMember","id":"m"}"##,
        r##"{"id":"m","@odata.type":"#microsoft.graph.skypeUserConversationMember"}"##,
    ] {
        let member: ConversationMember = decode(text.as_bytes()).unwrap();
        assert!(matches!(member, ConversationMember::SkypeUserConversationMember(_)), "{text}");
        assert_eq!(serde_json::to_string(&member).unwrap(), text);
    }
}

#[test]
fn undeclared_properties_are_written_back_where_they_stood() {
    let text = r#"{"@odata.etag":"W/\"1\"","id":"1","futureProperty":{"deep":[true,null,1.5]},"etag":"1","subject":null,"body":{"contentType":"text","renderHints":"x","content":"hi"}}"#;
    let message: ChatMessage = decode(text.as_bytes()).unwrap();
    assert_eq!(serde_json::to_string(&message).unwrap(), text);
}

#[test]
fn undeclared_properties_set_in_code_come_after_the_declared_ones_and_annotations_first() {
    let mut message = ChatMessage::default();
    message.subject = Property::Null;
    message.additional_properties.insert("x", 1);
    message.additional_properties.insert("@odata.etag", "e");
    message.id = Property::Value("1".to_owned());
    assert_eq!(serde_json::to_string(&message).unwrap(), r#"{"@odata.etag":"e","id":"1","subject":null,"x":1}"#);
    // A map read on its own has no declared neighbours: its entries go where ones set in code do.
    message.additional_properties = serde_json::from_str(r#"{"tenantId":"t","@odata.etag":"e"}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&message).unwrap(),
        r#"{"@odata.etag":"e","id":"1","subject":null,"tenantId":"t"}"#
    );
}

#[test]
fn no_input_shape_panics() {
    // Wrong JSON kinds at every level are errors, not panics.
    for input in
        ["null", "1", "\"s\"", "[]", "{\"value\": 1}", "{\"value\": [1]}", "{\"value\": [{\"eventDetail\": []}]}"]
    {
        assert!(decode::<Page<ChatMessage>>(input.as_bytes()).is_err(), "{input}");
    }
    assert!(decode::<ConversationMember>(br#"{"@odata.type": 5}"#)
        .is_ok_and(|it| matches!(it, ConversationMember::Other(_))));
}

/// The numbers of the issue that found them, each as an undeclared property, in an unknown
/// object and in an array: written back byte for byte, and none of them fails the message.
#[test]
fn undeclared_numbers_are_written_back_exactly_as_received() {
    for number in [
        "123456789012345678901234567890",
        "18446744073709551616",
        "-0",
        "9007199254740993.0",
        "1e3",
        "1e400",
        "-1.5E-7",
    ] {
        let text = format!(
            r#"{{"id":"1","body":{{"content":"x","size":{number}}},"count":{number},"future":{{"deep":[{number},{{"n":{number}}}]}}}}"#
        );
        let message: ChatMessage = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{number}: {err}"));
        assert_eq!(serde_json::to_string(&message).unwrap(), text, "{number}");
        assert_eq!(message.additional_properties.get("count").unwrap().get(), number);
        // Through `decode` too, and inside an object of an unknown type.
        let member = format!(r##"{{"@odata.type":"#microsoft.graph.futureMember","id":"m","weight":{number}}}"##);
        let decoded: ConversationMember = decode(member.as_bytes()).unwrap();
        assert_eq!(serde_json::to_string(&decoded).unwrap(), member);
    }
}

#[test]
fn undeclared_text_keeps_its_escapes_and_spacing() {
    let text = r#"{"id":"1","note":"caf\u00e9 \"quoted\"","shape":{ "a" : [ 1 , 2 ] }}"#;
    let message: ChatMessage = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&message).unwrap(), text);
    assert_eq!(message.additional_properties.get_str("note").as_deref(), Some("café \"quoted\""));
}

#[test]
fn a_polymorphic_value_built_in_code_writes_its_type_and_reads_back_as_itself() {
    let mut aad = AadUserConversationMember::default();
    aad.display_name = Property::Value("Ann".to_owned());
    let member = ConversationMember::from(aad);
    let text = serde_json::to_string(&member).unwrap();
    assert_eq!(text, r##"{"@odata.type":"#microsoft.graph.aadUserConversationMember","displayName":"Ann"}"##);
    assert_eq!(serde_json::from_str::<ConversationMember>(&text).unwrap(), member.clone().with_type());
    // A value that carries its type already is not given a second one.
    let read: ConversationMember = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&read).unwrap(), text);
    // The declared type's own variant reads back the same without one, so it gets none.
    let mut base = IdentityBase::default();
    base.id = Property::Value("u1".to_owned());
    let identity = Identity::from(base);
    assert_eq!(serde_json::to_string(&identity).unwrap(), r#"{"id":"u1"}"#);
    assert_eq!(serde_json::from_str::<Identity>(r#"{"id":"u1"}"#).unwrap(), identity);
}

/// The same member as read back: with the `@odata.type` it was written with.
trait WithType {
    fn with_type(self) -> Self;
}

impl WithType for ConversationMember {
    fn with_type(mut self) -> Self {
        if let ConversationMember::AadUserConversationMember(aad) = &mut self {
            aad.additional_properties.insert("@odata.type", "#microsoft.graph.aadUserConversationMember");
        }
        self
    }
}

#[test]
fn decode_reads_utf8_once_and_reports_bytes_that_are_not() {
    let message: ChatMessage = decode("{\"id\":\"1\",\"subject\":\"caf\u{e9}\"}".as_bytes()).unwrap();
    assert_eq!(message.subject.as_deref(), Some("café"));
    let err = decode::<ChatMessage>(b"{\"id\":\"1\",\"subject\":\"caf\xe9\"}").unwrap_err();
    assert_eq!(err.path, "subject");
    assert!(err.to_string().contains("invalid unicode code point"), "{err}");
}

#[test]
fn a_client_state_is_kept_and_written_back_but_never_shown_by_debug() {
    let secret = "8c41f0b2d7e94a1f";
    let subscription: graph_models::Subscription =
        round_trip(json!({"id": "s", "clientState": secret, "resource": "/chats/getAllMessages"}));
    assert_eq!(subscription.client_state.get().map(String::as_str), Some(secret));
    let shown = format!("{subscription:?}");
    assert!(shown.contains("client_state: Value(<redacted>)") && shown.contains("resource: Value("), "{shown}");
    let notification: graph_models::ChangeNotification =
        round_trip(json!({"clientState": secret, "changeType": "created"}));
    let shown = format!("{notification:#?}");
    assert!(!shown.contains(secret), "{shown}");
    let absent: graph_models::ChangeNotification = round_trip(json!({"clientState": null}));
    assert!(format!("{absent:?}").contains("client_state: Null"));
}
