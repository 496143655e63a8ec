//! A loopback HTTP/1.1 server scripted byte by byte, for answers no well-behaved server gives:
//! bodies cut short, endless streams, lying `Content-Length`s.

use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// How to answer one connection, after reading its request head.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Writes these bytes, then closes the connection.
    Close(String),
    /// Writes `head` (status line and headers with `transfer-encoding: chunked`, ending in an
    /// empty line), then 64 KiB chunks until the client goes away; never the last chunk.
    EndlessChunks(String),
    /// Writes `head`, then nothing, until the client goes away.
    Stall(String),
}

/// What one connection got.
#[derive(Debug)]
pub struct Served {
    /// The request head, as text.
    pub request: String,
    /// The bytes written after the head (for [`Answer::EndlessChunks`]).
    pub written: u64,
}

/// A server answering its connections in turn with its script, then closing its port.
pub struct RawServer {
    /// `http://127.0.0.1:PORT`, to give a client as base URL.
    pub base_url: String,
    task: JoinHandle<Vec<Served>>,
}

impl RawServer {
    /// Waits until every scripted connection was answered (the caller bounds the wait).
    pub async fn served(self) -> Vec<Served> {
        self.task.await.expect("the raw server task")
    }
}

/// A 200 head with a JSON content type and `extra` headers (each ending in `\r\n`).
pub fn ok_head(extra: &str) -> String {
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{extra}\r\n")
}

/// Starts a server on 127.0.0.1 that answers one connection per answer, in order.
pub async fn serve(answers: Vec<Answer>) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let address: SocketAddr = listener.local_addr().expect("local address");
    let task = tokio::spawn(async move {
        let mut served = Vec::new();
        for answer in answers {
            let (mut stream, _) = listener.accept().await.expect("accept");
            let request = read_head(&mut stream).await;
            let written = answer_with(&mut stream, answer).await;
            served.push(Served { request, written });
        }
        served
    });
    RawServer { base_url: format!("http://{address}"), task }
}

async fn read_head(stream: &mut TcpStream) -> String {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(read) => request.extend_from_slice(&buffer[..read]),
        }
    }
    String::from_utf8_lossy(&request).into_owned()
}

async fn answer_with(stream: &mut TcpStream, answer: Answer) -> u64 {
    match answer {
        Answer::Close(bytes) => {
            let _ = stream.write_all(bytes.as_bytes()).await;
            let _ = stream.shutdown().await;
            0
        }
        Answer::EndlessChunks(head) => {
            if stream.write_all(head.as_bytes()).await.is_err() {
                return 0;
            }
            let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
            chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
            chunk.extend_from_slice(b"\r\n");
            let mut written = 0u64;
            // Ends when the client closes the connection and a write fails.
            while stream.write_all(&chunk).await.is_ok() {
                written += chunk.len() as u64;
            }
            written
        }
        Answer::Stall(head) => {
            if stream.write_all(head.as_bytes()).await.is_ok() {
                // Ends when the client closes the connection.
                let mut buffer = [0u8; 1024];
                while matches!(stream.read(&mut buffer).await, Ok(read) if read > 0) {}
            }
            0
        }
    }
}
