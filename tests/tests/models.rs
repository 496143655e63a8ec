//! One behaviour per test: what the generated models keep, choose and report.

use graph_models::{
    decode, CallEndedEventMessageDetail, Chat, ChatMessage, ChatMessageHistoryItem, ChatMessagePolicyViolation,
    ChatMessagePolicyViolationDlpActionTypes as Dlp, ChatType, ConversationMember, EventMessageDetail, Flags, Identity,
    IdentitySet, Page, Property,
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
fn unknown_odata_type_keeps_the_object_whole() {
    let object = json!({"@odata.type": "#microsoft.graph.futureMember", "id": "m1", "badge": {"x": [1, 2]}});
    let member: ConversationMember = round_trip(object.clone());
    let ConversationMember::Other(kept) = &member else { panic!("{member:?}") };
    assert_eq!(Value::Object(kept.to_json_object()), object);
    assert_eq!(member.odata_type(), Some("#microsoft.graph.futureMember"));
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
    assert_eq!(base.additional_properties["tenantId"], "t");
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
    assert_eq!(message.additional_properties["futureProperty"]["deep"][2], 1.5);
    assert_eq!(message.body.get().unwrap().additional_properties["renderHints"], "x");
}

#[test]
fn null_and_absent_stay_apart() {
    let message: ChatMessage = round_trip(json!({"id": "1", "subject": null, "from": null}));
    assert!(message.subject.is_null());
    assert!(message.summary.is_absent());
    assert_eq!(serde_json::to_string(&message).unwrap(), r#"{"id":"1","from":null,"subject":null}"#);
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
fn annotations_are_written_first_so_readers_can_stream_subtypes() {
    let member: ConversationMember =
        serde_json::from_value(json!({"id": "m", "@odata.type": "#microsoft.graph.skypeUserConversationMember"}))
            .unwrap();
    let text = serde_json::to_string(&member).unwrap();
    assert!(text.starts_with(r##"{"@odata.type":"#microsoft.graph.skypeUserConversationMember""##), "{text}");
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
