//! Real servers for the tests, started on a free port of 127.0.0.1: `s3s-fs` (S3) and
//! `rclone serve webdav`. In CI a missing server fails the test instead of skipping it.

/// The URL of prefix `prefix` of the `records` bucket of an S3 server on `port`.
pub fn s3_url(port: u16, prefix: &str) -> String {
    format!("s3://records/{prefix}?endpoint=http://127.0.0.1:{port}&region=us-east-1")
}

/// A test server on 127.0.0.1 (s3s-fs, `rclone serve webdav`), stopped when dropped.
#[derive(Debug)]
pub struct Server {
    child: std::process::Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `program` can run here; in CI (`CI=true`) a missing server fails the test
/// instead of skipping it.
pub fn available(program: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} is not installed (scripts/setup.sh installs it)"
        );
        eprintln!("skipped: {program} is not installed");
    }
    found
}

impl Server {
    /// Start `program` with `args` (`{port}` and `{dir}` filled in) and wait until it
    /// accepts connections.
    pub fn start(program: &str, args: &[&str], setup: impl FnOnce(&std::path::Path)) -> Self {
        let dir = tempfile::tempdir().expect("test server");
        setup(dir.path());
        // A free port: bind to 0, note it, let it go.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("test server")
            .local_addr()
            .expect("test server")
            .port();
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                a.replace("{port}", &port.to_string())
                    .replace("{dir}", &dir.path().display().to_string())
            })
            .collect();
        let mut child = std::process::Command::new(program)
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("test server");
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                child.try_wait().expect("test server").is_none(),
                "{program} exited at start"
            );
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "{program} did not listen on {port}"
            );
            std::thread::yield_now();
        }
        Self {
            child,
            port,
            _dir: dir,
        }
    }
}

/// The access key of [`s3`]'s server.
pub const S3_KEY: &str = "K";
/// The secret key of [`s3`]'s server.
pub const S3_SECRET: &str = "S3CRET";

/// A real S3 server (s3s-fs) with an empty bucket `records` (keys [`S3_KEY`],
/// [`S3_SECRET`]).
pub fn s3() -> Option<Server> {
    if !available("s3s-fs") {
        return None;
    }
    let server = Server::start(
        "s3s-fs",
        &[
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
            "--access-key",
            S3_KEY,
            "--secret-key",
            S3_SECRET,
            "{dir}",
        ],
        |dir| std::fs::create_dir(dir.join("records")).expect("a bucket folder"),
    );
    Some(server)
}

impl Server {
    /// The URL of prefix `prefix` in the S3 server's bucket, reached on `port` (the
    /// server's own, or a proxy's in front of it).
    pub fn s3_url(&self, prefix: &str) -> String {
        s3_url(self.port, prefix)
    }

    /// The folder the server keeps its objects in.
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }
}

/// A real WebDAV server (`rclone serve webdav`, user `u`, password `p`).
pub fn webdav() -> Option<Server> {
    if !available("rclone") {
        return None;
    }
    Some(Server::start(
        "rclone",
        &[
            "serve",
            "webdav",
            "{dir}",
            "--addr",
            "127.0.0.1:{port}",
            "--user",
            "u",
            "--pass",
            "p",
        ],
        |_| {},
    ))
}

impl Server {
    /// The URL of folder `path` on the WebDAV server.
    pub fn webdav_url(&self, path: &str) -> String {
        format!("webdav://u:p@127.0.0.1:{}/{path}", self.port)
    }
}
