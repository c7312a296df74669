//! [`FaultProxy`]: an HTTP proxy on 127.0.0.1 between a client and a real server that
//! breaks a chosen share of requests: the connection dropped before the request is
//! forwarded, a 500 answer, a slow answer, the reply lost after the server acted, or the
//! reply body cut short. It counts requests, so a test can act (kill a process) exactly
//! when the n-th request arrives instead of after a guessed delay.
//!
//! One request per connection: the request goes upstream with `Connection: close`, and
//! the reply comes back with it, so a client opens a new connection for the next one.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The connection closes before the request reaches the server.
    Drop,
    /// A `500 Internal Server Error` answer; the server never sees the request.
    ServerError,
    /// The answer comes after this long.
    Slow(Duration),
    /// The server acts on the request; its answer is lost.
    LostReply,
    /// The answer's body is cut in half and the connection closed.
    Truncate,
}

const KINDS: [Fault; 5] = [
    Fault::Drop,
    Fault::ServerError,
    Fault::Slow(Duration::from_millis(150)),
    Fault::LostReply,
    Fault::Truncate,
];

#[derive(Debug)]
struct Shared {
    upstream: u16,
    /// Faults per million requests, and the state of a small random generator.
    plan: Mutex<(u32, u64)>,
    requests: Mutex<u64>,
    arrived: Condvar,
    injected: AtomicU64,
    bytes_up: AtomicU64,
    bytes_down: AtomicU64,
    stop: AtomicBool,
    /// Cut the next request whose body is larger than this many bytes mid-body.
    cut_upload: Mutex<Option<usize>>,
}

/// The proxy; it stops when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    port: u16,
    shared: Arc<Shared>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FaultProxy {
    /// Start a proxy to the server on `upstream`, passing everything through until
    /// [`FaultProxy::set_fault_rate`] says otherwise.
    pub fn start(upstream: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("bound").port();
        let shared = Arc::new(Shared {
            upstream,
            plan: Mutex::new((0, 0x9E37_79B9_7F4A_7C15 ^ u64::from(port))),
            requests: Mutex::new(0),
            arrived: Condvar::new(),
            injected: AtomicU64::new(0),
            bytes_up: AtomicU64::new(0),
            bytes_down: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            cut_upload: Mutex::new(None),
        });
        let s = Arc::clone(&shared);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let s = Arc::clone(&s);
                std::thread::spawn(move || {
                    let _ = serve(&s, conn);
                });
            }
        });
        Self { port, shared }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Break this share of requests (0.0 to 1.0), each with a fault picked at random.
    pub fn set_fault_rate(&self, rate: f64) {
        lock(&self.shared.plan).0 = (rate.clamp(0.0, 1.0) * 1e6) as u32;
    }

    /// Cut the next request with a body larger than `min_body` bytes (an upload): the
    /// server receives its head and half its body, then the connection closes, as when a
    /// laptop's network drops in the middle of a PUT; the client gets no answer.
    pub fn cut_next_upload_over(&self, min_body: usize) {
        *lock(&self.shared.cut_upload) = Some(min_body);
    }

    /// Whether the cut asked for by [`FaultProxy::cut_next_upload_over`] happened.
    pub fn upload_was_cut(&self) -> bool {
        lock(&self.shared.cut_upload).is_none()
    }

    /// Requests seen so far.
    pub fn requests(&self) -> u64 {
        *lock(&self.shared.requests)
    }

    /// Requests that were broken so far.
    pub fn injected(&self) -> u64 {
        self.shared.injected.load(Ordering::SeqCst)
    }

    /// Bytes of requests (heads and bodies) passed to the server so far.
    pub fn bytes_up(&self) -> u64 {
        self.shared.bytes_up.load(Ordering::SeqCst)
    }

    /// Bytes of answers (heads and bodies) from the server so far.
    pub fn bytes_down(&self) -> u64 {
        self.shared.bytes_down.load(Ordering::SeqCst)
    }

    /// Wait until at least `n` requests arrived; `false` if `timeout` passed first.
    pub fn wait_for_requests(&self, n: u64, timeout: Duration) -> bool {
        let guard = lock(&self.shared.requests);
        let (count, _) = self
            .shared
            .arrived
            .wait_timeout_while(guard, timeout, |seen| *seen < n)
            .unwrap_or_else(PoisonError::into_inner);
        *count >= n
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

impl Shared {
    fn pick(&self) -> Option<Fault> {
        let mut plan = lock(&self.plan);
        let (rate, state) = &mut *plan;
        // xorshift64*
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        let r = state.wrapping_mul(0x2545_F491_4F6C_DD1D);
        if (r % 1_000_000) as u32 >= *rate {
            return None;
        }
        self.injected.fetch_add(1, Ordering::SeqCst);
        Some(KINDS[((r >> 32) % KINDS.len() as u64) as usize])
    }
}

/// Read a head (request or status line and headers) up to its empty line; `None` at a
/// clean end of stream.
fn read_head(r: &mut impl BufRead) -> std::io::Result<Option<Vec<String>>> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        if line.is_empty() {
            return Ok(Some(lines));
        }
        lines.push(line);
    }
}

fn header<'a>(head: &'a [String], name: &str) -> Option<&'a str> {
    head.iter().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The head again, with `Connection: close` instead of whatever it said.
fn closing(head: &[String]) -> Vec<u8> {
    let mut out = String::new();
    for (i, l) in head.iter().enumerate() {
        let is_connection = i > 0
            && l.split_once(':')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("connection"));
        if !is_connection {
            out += l;
            out += "\r\n";
        }
    }
    out += "Connection: close\r\n\r\n";
    out.into_bytes()
}

/// The request body as it came (raw chunked encoding included).
fn read_body(r: &mut impl BufRead, head: &[String]) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    if header(head, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size_line = String::new();
            r.read_line(&mut size_line)?;
            body.extend_from_slice(size_line.as_bytes());
            let size = usize::from_str_radix(size_line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| std::io::Error::other("bad chunk size"))?;
            if size == 0 {
                // Trailers, then the empty line.
                while let Some(l) = read_line_raw(r)? {
                    body.extend_from_slice(&l);
                    if l == b"\r\n" {
                        break;
                    }
                }
                return Ok(body);
            }
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk);
        }
    }
    let len: usize = header(head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    body.resize(len, 0);
    r.read_exact(&mut body)?;
    Ok(body)
}

fn read_line_raw(r: &mut impl BufRead) -> std::io::Result<Option<Vec<u8>>> {
    let mut l = Vec::new();
    Ok((r.read_until(b'\n', &mut l)? > 0).then_some(l))
}

fn serve(s: &Shared, client: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut client = client;
    let Some(head) = read_head(&mut reader)? else {
        return Ok(());
    };
    let body = read_body(&mut reader, &head)?;
    {
        *lock(&s.requests) += 1;
        s.arrived.notify_all();
    }
    let cut = {
        let mut armed = lock(&s.cut_upload);
        let hit = armed.is_some_and(|min| body.len() > min);
        if hit {
            *armed = None;
        }
        hit
    };
    if cut {
        let mut upstream = TcpStream::connect(("127.0.0.1", s.upstream))?;
        upstream.write_all(&closing(&head))?;
        upstream.write_all(&body[..body.len() / 2])?;
        upstream.flush()?;
        // The server reads to the end of what it got, then its read fails.
        upstream.shutdown(Shutdown::Write)?;
        let mut ignored = Vec::new();
        let _ = upstream.read_to_end(&mut ignored);
        return client.shutdown(Shutdown::Both);
    }
    let fault = s.pick();
    match fault {
        Some(Fault::Drop) => return client.shutdown(Shutdown::Both),
        Some(Fault::ServerError) => {
            client.write_all(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )?;
            return client.shutdown(Shutdown::Both);
        }
        // The fault itself: a server that answers late.
        Some(Fault::Slow(d)) => std::thread::sleep(d),
        _ => {}
    }
    let mut upstream = TcpStream::connect(("127.0.0.1", s.upstream))?;
    let request_head = closing(&head);
    upstream.write_all(&request_head)?;
    upstream.write_all(&body)?;
    s.bytes_up
        .fetch_add((request_head.len() + body.len()) as u64, Ordering::SeqCst);
    let mut reply = BufReader::new(upstream);
    let reply_head = read_head(&mut reply)?.unwrap_or_default();
    let mut reply_body = Vec::new();
    reply.read_to_end(&mut reply_body)?;
    s.bytes_down.fetch_add(
        (closing(&reply_head).len() + reply_body.len()) as u64,
        Ordering::SeqCst,
    );
    match fault {
        Some(Fault::LostReply) => {}
        Some(Fault::Truncate) => {
            client.write_all(&closing(&reply_head))?;
            client.write_all(&reply_body[..reply_body.len() / 2])?;
        }
        _ => {
            client.write_all(&closing(&reply_head))?;
            client.write_all(&reply_body)?;
        }
    }
    client.shutdown(Shutdown::Both)
}
