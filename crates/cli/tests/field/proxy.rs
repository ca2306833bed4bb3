//! A fault-injecting TCP proxy between a laptop and a real server: it cuts a request or an
//! answer after so many bytes, answers garbage itself, stalls, throttles, and counts bytes. The
//! sync tests and the desktop's end-to-end tests put it in front of the server on port 0.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to a request whose first line starts with `matches` (`POST /v1/push`).
#[derive(Debug, Clone)]
pub enum Fault {
    /// Forwards this many bytes of the request, then drops both sides.
    CutRequestAfter(usize),
    /// Forwards the whole request and this many bytes of the answer, then drops both sides.
    CutResponseAfter(usize),
    /// Answers these bytes itself; the server never sees the request.
    Respond(Vec<u8>),
    /// Accepts the request and never answers.
    Stall,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub matches: String,
    pub fault: Fault,
    pub times: u32,
}

pub fn rule(matches: &str, fault: Fault, times: u32) -> Rule {
    Rule {
        matches: matches.into(),
        fault,
        times,
    }
}

/// A TCP proxy in front of the server that injects faults, throttles, and counts bytes.
#[derive(Clone)]
pub struct Proxy {
    pub addr: SocketAddr,
    pub target: Arc<Mutex<SocketAddr>>,
    rules: Arc<Mutex<Vec<Rule>>>,
    pub requests: Arc<Mutex<Vec<String>>>,
    /// Bytes per second in each direction (0: no limit).
    pub rate: Arc<AtomicU64>,
    pub bytes_up: Arc<AtomicU64>,
    pub bytes_down: Arc<AtomicU64>,
    /// Bumped to close every connection open through the proxy.
    closing: Arc<tokio::sync::watch::Sender<u64>>,
    /// Asks the server to close each connection after its answer, so that every request of a
    /// client that keeps connections alive (the app's: a health check, then the push on the
    /// same connection) comes on a connection of its own and meets the rules.
    pub one_request_per_connection: Arc<std::sync::atomic::AtomicBool>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let proxy = Proxy {
            addr: listener.local_addr().expect("addr"),
            target: Arc::new(Mutex::new(target)),
            rules: Arc::new(Mutex::new(Vec::new())),
            requests: Arc::new(Mutex::new(Vec::new())),
            rate: Arc::new(AtomicU64::new(0)),
            bytes_up: Arc::new(AtomicU64::new(0)),
            bytes_down: Arc::new(AtomicU64::new(0)),
            closing: Arc::new(tokio::sync::watch::channel(0).0),
            one_request_per_connection: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        };
        let shared = proxy.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let proxy = shared.clone();
                tokio::spawn(async move {
                    let _ = proxy.serve(socket).await;
                });
            }
        });
        proxy
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn add(&self, rule: Rule) {
        self.rules.lock().expect("rules").push(rule);
    }

    pub fn clear(&self) {
        self.rules.lock().expect("rules").clear();
    }

    /// Closes every connection open through the proxy, as a link that drops between two
    /// requests does: a client that keeps its connections alive opens a new one next time, and
    /// so meets the rules added since.
    pub fn drop_connections(&self) {
        self.closing.send_modify(|n| *n += 1);
    }

    /// Rules not yet used up.
    pub fn rules_left(&self) -> usize {
        self.rules
            .lock()
            .expect("rules")
            .iter()
            .filter(|r| r.times > 0)
            .count()
    }

    async fn serve(&self, mut client: TcpStream) -> std::io::Result<()> {
        let mut head = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = client.read(&mut buf).await?;
            if n == 0 {
                return Ok(());
            }
            head.extend_from_slice(&buf[..n]);
        }
        let line =
            String::from_utf8_lossy(&head[..head.iter().position(|b| *b == b'\r').unwrap_or(0)])
                .to_string();
        self.requests.lock().expect("log").push(line.clone());
        if self.one_request_per_connection.load(Ordering::Relaxed) {
            if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                let at = end + 2;
                head.splice(at..at, b"connection: close\r\n".iter().copied());
            }
        }
        let fault = {
            let mut rules = self.rules.lock().expect("rules");
            rules
                .iter_mut()
                .find(|r| r.times > 0 && line.starts_with(&r.matches))
                .map(|r| {
                    r.times -= 1;
                    r.fault.clone()
                })
        };
        match &fault {
            Some(Fault::Respond(bytes)) => {
                client.write_all(bytes).await?;
                client.shutdown().await?;
                return Ok(());
            }
            Some(Fault::Stall) => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Ok(());
            }
            _ => {}
        }
        let target = *self.target.lock().expect("target");
        let mut server = TcpStream::connect(target).await?;
        if let Some(Fault::CutRequestAfter(limit)) = fault {
            // The link dies: part of the request arrives, then neither side hears more.
            let mut pending = head;
            let mut sent = 0usize;
            loop {
                let take = pending.len().min(limit - sent);
                server.write_all(&pending[..take]).await?;
                self.bytes_up.fetch_add(take as u64, Ordering::Relaxed);
                sent += take;
                if sent >= limit {
                    break;
                }
                let n = client.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                pending = buf[..n].to_vec();
            }
            // Reset both connections (no orderly close), as a dropped link looks. A zero linger
            // resets at once, so the blocking the deprecation warns of does not happen.
            #[allow(deprecated)]
            {
                let _ = server.set_linger(Some(Duration::ZERO));
                let _ = client.set_linger(Some(Duration::ZERO));
            }
            return Ok(());
        }
        let (mut client_read, mut client_write) = client.into_split();
        let (mut server_read, mut server_write) = server.into_split();
        let cut_request = match fault {
            Some(Fault::CutRequestAfter(n)) => Some(n),
            _ => None,
        };
        let cut_response = match fault {
            Some(Fault::CutResponseAfter(n)) => Some(n),
            _ => None,
        };
        let up = {
            let proxy = self.clone();
            tokio::spawn(async move {
                let mut sent = 0usize;
                let mut pending = head;
                loop {
                    if let Some(limit) = cut_request {
                        if sent + pending.len() >= limit {
                            let _ = server_write.write_all(&pending[..limit - sent]).await;
                            proxy
                                .bytes_up
                                .fetch_add((limit - sent) as u64, Ordering::Relaxed);
                            return false;
                        }
                    }
                    if !pending.is_empty() {
                        proxy.throttle(pending.len()).await;
                        if server_write.write_all(&pending).await.is_err() {
                            return true;
                        }
                        proxy
                            .bytes_up
                            .fetch_add(pending.len() as u64, Ordering::Relaxed);
                        sent += pending.len();
                    }
                    let mut buf = vec![0u8; 16 * 1024];
                    match client_read.read(&mut buf).await {
                        Ok(0) | Err(_) => {
                            let _ = server_write.shutdown().await;
                            return true;
                        }
                        Ok(n) => pending = buf[..n].to_vec(),
                    }
                }
            })
        };
        let mut received = 0usize;
        let mut buf = vec![0u8; 16 * 1024];
        let mut closing = self.closing.subscribe();
        closing.mark_unchanged();
        loop {
            if up.is_finished() && cut_request.is_some() {
                break;
            }
            let read = tokio::select! {
                r = server_read.read(&mut buf) => r,
                _ = closing.changed() => break,
                _ = tokio::time::sleep(Duration::from_millis(50)), if cut_request.is_some() => continue,
            };
            let n = match read {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let n = match cut_response {
                Some(limit) if received + n >= limit => {
                    let _ = client_write.write_all(&buf[..limit - received]).await;
                    break;
                }
                _ => n,
            };
            self.throttle(n).await;
            if client_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
            self.bytes_down.fetch_add(n as u64, Ordering::Relaxed);
            received += n;
        }
        up.abort();
        Ok(())
    }

    async fn throttle(&self, bytes: usize) {
        let rate = self.rate.load(Ordering::Relaxed);
        if rate > 0 {
            tokio::time::sleep(Duration::from_secs_f64(bytes as f64 / rate as f64)).await;
        }
    }
}

/// An HTTP answer with `status`, a content type and a body.
pub fn answer(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}
