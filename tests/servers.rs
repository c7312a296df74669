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

/// Apache httpd's configuration for [`webdav_apache`]: mod_dav on `${ROOT}/dav`, no
/// sign-in (the share is on loopback, for one test).
const APACHE_CONF: &str = r#"
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule dav_module /usr/lib/apache2/modules/mod_dav.so
LoadModule dav_fs_module /usr/lib/apache2/modules/mod_dav_fs.so
ServerName 127.0.0.1
PidFile ${ROOT}/run/httpd.pid
ErrorLog ${ROOT}/run/error.log
User nobody
Group nogroup
DavLockDB ${ROOT}/run/davlock
DocumentRoot ${ROOT}/dav
<Directory ${ROOT}/dav>
  Dav On
  Require all granted
</Directory>
"#;

/// A real WebDAV server that honours `If-None-Match` (Apache httpd with mod_dav, one
/// process), unlike rclone's.
pub fn webdav_apache() -> Option<Server> {
    if !available("apache2") {
        return None;
    }
    Some(Server::start(
        "apache2",
        &[
            "-X",
            "-C",
            "Define ROOT {dir}",
            "-C",
            "Listen 127.0.0.1:{port}",
            "-f",
            "{dir}/httpd.conf",
        ],
        |dir| {
            std::fs::write(dir.join("httpd.conf"), APACHE_CONF).expect("apache config");
            for sub in ["dav", "run"] {
                std::fs::create_dir(dir.join(sub)).expect("apache folders");
            }
            // Run as root, httpd serves as `nobody`: it must reach and write these.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let open = |p: &std::path::Path, mode| {
                    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
                        .expect("apache folders")
                };
                open(dir, 0o755);
                open(&dir.join("dav"), 0o777);
                open(&dir.join("run"), 0o777);
            }
        },
    ))
}

impl Server {
    /// The URL of folder `path` on the WebDAV server.
    pub fn webdav_url(&self, path: &str) -> String {
        format!("webdav://u:p@127.0.0.1:{}/{path}", self.port)
    }
}
