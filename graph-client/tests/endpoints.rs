//! Every endpoint and option against a loopback Graph double, and the checks made before sending.

mod common;

use common::{bounded, chat, client, message, page, query, received};
use futures::TryStreamExt;
use graph_client::{Cloud, Error, GraphClient, MessageOrder, Model, Sender};
use graph_models::{ChatType, ConversationMember, TeamworkApplicationIdentityType, TeamworkUserIdentityType};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn serve(server: &MockServer, at: &str, body: serde_json::Value) {
    Mock::given(method("GET")).and(path(at)).respond_with(ok(body)).mount(server).await;
}

fn t(text: &str) -> jiff::Timestamp {
    text.parse().unwrap()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

#[tokio::test]
async fn list_chats_on_all_three_paths_with_every_option() {
    let server = MockServer::start().await;
    for at in ["/v1.0/chats", "/v1.0/me/chats", "/v1.0/users/alice@contoso.com/chats"] {
        serve(&server, at, page(vec![chat("19:a@thread.v2"), chat("19:b@thread.v2")], None)).await;
    }
    let client = client(&server);
    let all: Vec<_> = bounded(client.chats().items().try_collect()).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].chat_type.get(), Some(&ChatType::Group));
    let mine: Vec<_> = bounded(client.me().chats().top(2).items().try_collect()).await.unwrap();
    assert_eq!(mine[1].id.as_deref(), Some("19:b@thread.v2"));
    let theirs: Vec<_> = bounded(
        client
            .user("alice@contoso.com")
            .chats()
            .top(50)
            .filter("chatType eq 'group'")
            .order_by_last_message_desc()
            .expand_members()
            .expand_last_message_preview()
            .items()
            .try_collect(),
    )
    .await
    .unwrap();
    assert_eq!(theirs.len(), 2);

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].url.path(), "/v1.0/chats");
    assert_eq!(requests[0].url.query(), None);
    assert_eq!(query(&requests[1]), pairs(&[("$top", "2")]));
    assert_eq!(
        query(&requests[2]),
        pairs(&[
            ("$top", "50"),
            ("$filter", "chatType eq 'group'"),
            ("$orderby", "lastMessagePreview/createdDateTime desc"),
            ("$expand", "members,lastMessagePreview"),
        ])
    );
    // Literal `$` names; values percent-encoded (no `+` for spaces, which OData could misread).
    assert!(requests[2].url.query().unwrap().starts_with("$top=50&$filter=chatType%20eq%20%27group%27&"));
}

#[tokio::test]
async fn get_chat_on_all_three_paths_with_expand() {
    let server = MockServer::start().await;
    let with_members = json!({
        "id": "19:a@thread.v2", "chatType": "oneOnOne",
        "members": [{"@odata.type": "#microsoft.graph.aadUserConversationMember", "id": "m1", "displayName": "Alice", "roles": ["owner"]}],
    });
    serve(&server, "/v1.0/chats/19:a@thread.v2", with_members).await;
    serve(&server, "/v1.0/me/chats/19:a@thread.v2", chat("19:a@thread.v2")).await;
    serve(&server, "/v1.0/users/u-1/chats/19:a@thread.v2", chat("19:a@thread.v2")).await;
    let client = client(&server);

    let chat =
        bounded(client.chat("19:a@thread.v2").get().expand_members().expand_last_message_preview()).await.unwrap();
    let Some([ConversationMember::AadUserConversationMember(member)]) = chat.members.get().map(Vec::as_slice) else {
        panic!("members: {:?}", chat.members)
    };
    assert_eq!(member.display_name.as_deref(), Some("Alice"));
    let mine = bounded(client.me().chat("19:a@thread.v2").get().send()).await.unwrap();
    assert_eq!(mine.topic.as_deref(), Some("topic of 19:a@thread.v2"));
    bounded(client.user("u-1").chat("19:a@thread.v2").get()).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(query(&requests[0]), pairs(&[("$expand", "members,lastMessagePreview")]));
    assert_eq!(requests[1].url.query(), None);
    assert_eq!(requests[2].url.path(), "/v1.0/users/u-1/chats/19:a@thread.v2");
}

#[tokio::test]
async fn list_messages_on_all_three_paths_with_orders_and_filters() {
    let server = MockServer::start().await;
    for at in [
        "/v1.0/chats/19:a@thread.v2/messages",
        "/v1.0/me/chats/19:a@thread.v2/messages",
        "/v1.0/users/u-1/chats/19:a@thread.v2/messages",
    ] {
        serve(&server, at, page(vec![message("1"), message("2")], None)).await;
    }
    let client = client(&server);
    let chat = client.chat("19:a@thread.v2");

    let messages: Vec<_> = bounded(chat.messages().top(50).items().try_collect()).await.unwrap();
    assert_eq!(messages[0].sender_name(), Some("Alice"));
    assert_eq!(messages[1].body_content(), Some("<p>message 2</p>"));
    let ordered = client.me().chat("19:a@thread.v2").messages().order_by(MessageOrder::CreatedDesc).items();
    bounded(ordered.try_collect::<Vec<_>>()).await.unwrap();
    let range = client
        .user("u-1")
        .chat("19:a@thread.v2")
        .messages()
        .modified_after(t("2022-09-22T00:00:00Z"))
        .modified_before(t("2022-09-24T00:00:00Z"))
        .items();
    bounded(range.try_collect::<Vec<_>>()).await.unwrap();
    let older = chat.messages().top(10).created_before(t("2021-03-29T03:22:49.7539Z")).pages();
    bounded(older.try_collect::<Vec<_>>()).await.unwrap();
    let by_modified =
        chat.messages().order_by(MessageOrder::LastModifiedDesc).modified_after(t("2022-09-22T00:00:00Z"));
    bounded(by_modified.items().try_collect::<Vec<_>>()).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(query(&requests[0]), pairs(&[("$top", "50")]));
    assert_eq!(query(&requests[1]), pairs(&[("$orderby", "createdDateTime desc")]));
    assert_eq!(
        query(&requests[2]),
        pairs(&[
            ("$orderby", "lastModifiedDateTime desc"),
            (
                "$filter",
                "lastModifiedDateTime gt 2022-09-22T00:00:00.000Z and lastModifiedDateTime lt 2022-09-24T00:00:00.000Z"
            ),
        ])
    );
    // A createdDateTime filter brings its own $orderby, or the service would ignore it.
    assert_eq!(
        query(&requests[3]),
        pairs(&[
            ("$top", "10"),
            ("$orderby", "createdDateTime desc"),
            ("$filter", "createdDateTime lt 2021-03-29T03:22:49.753Z")
        ])
    );
    assert_eq!(query(&requests[4])[0], ("$orderby".to_owned(), "lastModifiedDateTime desc".to_owned()));
}

#[tokio::test]
async fn get_all_messages_with_model_top_and_range() {
    let server = MockServer::start().await;
    serve(&server, "/v1.0/users/0b4f1cf6/chats/getAllMessages", page(vec![message("1")], None)).await;
    let client = client(&server);
    let user = client.user("0b4f1cf6");

    let evaluation: Vec<_> = bounded(user.all_messages().items().try_collect()).await.unwrap();
    assert_eq!(evaluation.len(), 1);
    bounded(user.all_messages().model(Model::A).items().try_collect::<Vec<_>>()).await.unwrap();
    let ranged = user
        .all_messages()
        .model(Model::B)
        .top(50)
        .modified_after(t("2020-06-04T18:03:11.591Z"))
        .modified_before(t("2020-06-05T21:00:09.413Z"));
    bounded(ranged.pages().try_collect::<Vec<_>>()).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests[0].url.query(), None, "no model means evaluation mode");
    assert_eq!(query(&requests[1]), pairs(&[("model", "A")]));
    assert_eq!(
        query(&requests[2]),
        pairs(&[
            ("model", "B"),
            ("$top", "50"),
            (
                "$filter",
                "lastModifiedDateTime gt 2020-06-04T18:03:11.591Z and lastModifiedDateTime lt 2020-06-05T21:00:09.413Z"
            ),
        ])
    );
}

#[tokio::test]
async fn get_all_messages_with_the_export_guidance_filters() {
    let server = MockServer::start().await;
    serve(&server, "/v1.0/users/u/chats/getAllMessages", page(vec![message("1")], None)).await;
    serve(&server, "/v1.0/users/u/chats/getAllRetainedMessages", page(vec![message("2")], None)).await;
    let client = client(&server);
    let user = client.user("u");
    let one = user.all_messages().sent_by(Sender::User("o'brien".into()));
    bounded(one.items().try_collect::<Vec<_>>()).await.unwrap();
    let several = user
        .all_messages()
        .sent_by(Sender::User("a".into()))
        .sent_by(Sender::UserIdentityType(TeamworkUserIdentityType::FederatedUser))
        .sent_by(Sender::ApplicationIdentityType(TeamworkApplicationIdentityType::Bot))
        .without_system_events()
        .modified_after(t("2020-06-04T18:03:11.591Z"));
    bounded(several.items().try_collect::<Vec<_>>()).await.unwrap();
    let retained: Vec<_> = bounded(user.all_retained_messages().model(Model::A).items().try_collect()).await.unwrap();
    assert_eq!(retained.len(), 1);

    let requests = received(&server).await;
    assert_eq!(query(&requests[0]), pairs(&[("$filter", "from/user/id eq 'o''brien'")]));
    assert_eq!(
        query(&requests[1]),
        pairs(&[(
            "$filter",
            "(from/user/id eq 'a' or from/user/userIdentityType eq 'federatedUser' or \
             from/application/applicationIdentityType eq 'bot') and messageType ne 'systemEventMessage' and \
             lastModifiedDateTime gt 2020-06-04T18:03:11.591Z"
        )])
    );
    assert_eq!(requests[2].url.path(), "/v1.0/users/u/chats/getAllRetainedMessages");
    assert_eq!(query(&requests[2]), pairs(&[("model", "A")]));
}

#[tokio::test]
async fn members_are_typed_by_odata_type() {
    let server = MockServer::start().await;
    let members = vec![
        json!({"@odata.type": "#microsoft.graph.aadUserConversationMember", "id": "m1", "displayName": "Alice", "userId": "u-1"}),
        json!({"@odata.type": "#microsoft.graph.anonymousGuestConversationMember", "id": "m2", "displayName": "Guest"}),
        json!({"@odata.type": "#microsoft.graph.futureConversationMember", "id": "m3"}),
    ];
    serve(&server, "/v1.0/chats/19:a@thread.v2/members", page(members.clone(), None)).await;
    serve(&server, "/v1.0/users/u-1/chats/19:a@thread.v2/members", page(members, None)).await;
    let client = client(&server);

    let members: Vec<_> = bounded(client.chat("19:a@thread.v2").members().items().try_collect()).await.unwrap();
    assert!(
        matches!(&members[0], ConversationMember::AadUserConversationMember(m) if m.display_name.as_deref() == Some("Alice"))
    );
    assert!(matches!(members[1], ConversationMember::AnonymousGuestConversationMember(_)));
    assert!(matches!(members[2], ConversationMember::Other(_)));
    let theirs: Vec<_> =
        bounded(client.user("u-1").chat("19:a@thread.v2").members().items().try_collect()).await.unwrap();
    assert_eq!(theirs.len(), 3);
}

/// Runs a request that must fail before sending, and checks that nothing reached the server.
async fn refused<T: std::fmt::Debug>(server: &MockServer, result: Result<T, Error>, expect: &str) {
    match result {
        Err(Error::InvalidRequest(message)) => assert!(message.contains(expect), "`{message}` lacks `{expect}`"),
        other => panic!("expected InvalidRequest({expect}), got {other:?}"),
    }
    assert!(received(server).await.is_empty(), "a refused request reached the server");
}

async fn first_page<S: futures::Stream<Item = Result<T, Error>> + Unpin, T>(mut stream: S) -> Result<T, Error> {
    bounded(stream.try_next()).await.map(|item| item.expect("a page"))
}

#[tokio::test]
async fn documented_limits_are_checked_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let chat = client.chat("19:a@thread.v2");
    let t1 = t("2022-09-22T00:00:00Z");
    let t2 = t("2022-09-24T00:00:00Z");

    refused(&server, first_page(chat.messages().top(51).pages()).await, "$top must be between 1 and 50, got 51").await;
    refused(&server, first_page(chat.messages().top(0).pages()).await, "got 0").await;
    refused(&server, first_page(client.chats().top(51).pages()).await, "$top").await;
    refused(&server, first_page(client.user("u").all_messages().top(1000).pages()).await, "$top").await;
    let mismatched = chat.messages().order_by(MessageOrder::CreatedDesc).modified_after(t1);
    refused(&server, first_page(mismatched.pages()).await, "needs $orderby=lastModifiedDateTime desc").await;
    let mismatched = chat.messages().order_by(MessageOrder::LastModifiedDesc).created_before(t1);
    refused(&server, first_page(mismatched.pages()).await, "needs $orderby=createdDateTime desc").await;
    refused(&server, first_page(chat.messages().modified_after(t1).created_before(t2).pages()).await, "not both").await;
    refused(&server, first_page(chat.messages().modified_after(t2).modified_before(t1).pages()).await, "empty").await;
    refused(
        &server,
        first_page(client.user("u").all_messages().modified_after(t2).modified_before(t2).pages()).await,
        "empty",
    )
    .await;
    refused(&server, first_page(client.chats().filter("  ").pages()).await, "$filter").await;
    refused(&server, bounded(client.chat("").get()).await, "chat id must not be empty").await;
    refused(&server, first_page(client.chat("..").messages().items()).await, "must not be `..`").await;
    refused(&server, first_page(client.user("").chats().items()).await, "user id").await;
    refused(
        &server,
        first_page(chat.members().header("Authorization", "Bearer other").items()).await,
        "set by the client",
    )
    .await;
    refused(&server, first_page(chat.members().header("x-bad", "a\nb").items()).await, "bad value").await;
    let empty_sender = client.user("u").all_messages().sent_by(Sender::User(" ".into()));
    refused(&server, first_page(empty_sender.pages()).await, "user id must not be empty").await;
    let contradiction = client.user("u").all_messages().sent_by(Sender::System).without_system_events();
    refused(&server, first_page(contradiction.pages()).await, "selects nothing").await;
    refused(&server, bounded(chat.message("").send()).await, "message id must not be empty").await;
    refused(&server, bounded(chat.hosted_content_bytes("1", "..").send()).await, "hosted content id").await;

    let gov = GraphClient::builder().cloud(Cloud::UsGovL4).base_url(server.uri()).bearer_token("t").build().unwrap();
    refused(&server, first_page(gov.user("u").all_messages().pages()).await, "global cloud only").await;
    refused(&server, first_page(gov.me().chats().order_by_last_message_desc().pages()).await, "US Government").await;
}

#[tokio::test]
async fn client_configuration_is_checked() {
    let plain_http = GraphClient::builder().base_url("http://graph.example.com").bearer_token("t").build();
    assert!(matches!(plain_http, Err(Error::Config(message)) if message.contains("plain http")));
    assert!(
        matches!(GraphClient::builder().build(), Err(Error::Config(message)) if message.contains("token provider"))
    );
    let loopback = GraphClient::builder().base_url("http://localhost:1/graph/v1.0/").bearer_token("t").build().unwrap();
    assert!(format!("{loopback:?}").contains("http://localhost:1/graph/v1.0\""), "{loopback:?}");
    for cloud in [Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5, Cloud::China] {
        let client = GraphClient::builder().cloud(cloud).bearer_token("t").build().unwrap();
        assert!(format!("{client:?}").contains(&format!("{}/v1.0", cloud.graph_root())));
        assert_eq!(client.cloud(), cloud);
    }
}
