//! Opening a remote from its URL: `file://`, `s3://`, `webdav://` (`webdavs://`),
//! `azblob://`, `gcs://`. Credentials come from the URL (WebDAV), the standard
//! environment variables or this desktop's OS keyring, never from a file the remote could
//! read back.

use std::collections::HashMap;

use dossier_core::OsKeyring;
use opendal::services;
use url::Url;

use super::{Folder, ObjectStore, Remote};
use crate::error::{Error, Result};

fn bad(url: &str, reason: &'static str) -> Error {
    Error::BadUrl {
        url: url.to_owned(),
        reason,
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Secrets for remotes, kept apart from the URL (which is shown and stored).
#[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Credentials {
    /// S3 access key id and secret, and a session token for temporary keys.
    pub s3: Option<(String, String)>,
    pub s3_session_token: Option<String>,
    /// WebDAV password, when the URL carries only the user.
    pub webdav_password: Option<String>,
    /// Azure storage account key.
    pub azure_key: Option<String>,
    /// Path of a Google service account's JSON key.
    pub gcs_credential_path: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secrets themselves.
        f.debug_struct("Credentials")
            .field("s3", &self.s3.as_ref().map(|(id, _)| id))
            .field("webdav_password", &self.webdav_password.is_some())
            .field("azure_key", &self.azure_key.is_some())
            .field("gcs_credential_path", &self.gcs_credential_path)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// From the standard environment variables: `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `DOSSIER_WEBDAV_PASSWORD`,
    /// `AZURE_STORAGE_KEY`, `GOOGLE_APPLICATION_CREDENTIALS`.
    pub fn from_env() -> Self {
        Self {
            s3: env("AWS_ACCESS_KEY_ID").zip(env("AWS_SECRET_ACCESS_KEY")),
            s3_session_token: env("AWS_SESSION_TOKEN"),
            webdav_password: env("DOSSIER_WEBDAV_PASSWORD"),
            azure_key: env("AZURE_STORAGE_KEY"),
            gcs_credential_path: env("GOOGLE_APPLICATION_CREDENTIALS"),
        }
    }
}

impl Credentials {
    /// For the remote at `url`: the environment's, completed by what this desktop's
    /// keyring keeps for that URL ([`Credentials::keep_for`]). A desktop without a
    /// keyring uses the environment alone.
    pub fn for_remote(url: &str) -> Result<Self> {
        let mut creds = Self::from_env();
        if url.starts_with("file:") {
            return Ok(creds);
        }
        let kept = match OsKeyring.load_remote_secret(url) {
            Ok(Some(json)) => serde_json::from_str::<Credentials>(&json)
                .map_err(|source| Error::KeptCredentials { source })?,
            Ok(None) | Err(dossier_core::Error::KeyringUnavailable(_)) => return Ok(creds),
            Err(e) => return Err(e.into()),
        };
        creds.s3 = creds.s3.or(kept.s3);
        creds.s3_session_token = creds.s3_session_token.or(kept.s3_session_token);
        creds.webdav_password = creds.webdav_password.or(kept.webdav_password);
        creds.azure_key = creds.azure_key.or(kept.azure_key);
        creds.gcs_credential_path = creds.gcs_credential_path.or(kept.gcs_credential_path);
        Ok(creds)
    }

    /// Keep these credentials in this desktop's OS keyring for the remote at `url`.
    pub fn keep_for(&self, url: &str) -> Result<()> {
        let json = zeroize::Zeroizing::new(
            serde_json::to_string(self).map_err(|source| Error::KeptCredentials { source })?,
        );
        Ok(OsKeyring.store_remote_secret(url, &json)?)
    }

    /// No secret at all (a folder remote, or a URL that carries its own).
    pub fn is_empty(&self) -> bool {
        self.s3.is_none()
            && self.webdav_password.is_none()
            && self.azure_key.is_none()
            && self.gcs_credential_path.is_none()
    }
}

/// Refuse a URL that holds a password: URLs are kept in the library folder and shown,
/// so the password belongs in the environment or the keyring ([`Credentials`]).
pub fn check_storable(url: &str) -> Result<()> {
    let has_password = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split('/').next())
        .and_then(|authority| authority.rsplit_once('@'))
        .is_some_and(|(user, _)| user.contains(':'));
    if has_password {
        return Err(bad(
            url,
            "holds a password, which would be kept in the library folder; give the user only (webdav://user@host/path) and the password apart",
        ));
    }
    Ok(())
}

/// The remote a URL names, with credentials from the environment and the keyring
/// ([`Credentials::for_remote`]).
pub fn open(url: &str) -> Result<Box<dyn Remote>> {
    open_with(url, &Credentials::for_remote(url)?)
}

/// The remote a URL names, not yet wrapped in `Resilient`.
///
/// - `file:///srv/share/dossier` — a folder (local or a mounted network share);
/// - `s3://bucket/prefix?endpoint=https://…&region=…&path_style=false` — S3 or a
///   compatible store; keys from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and
///   `AWS_SESSION_TOKEN`); path-style requests unless `path_style=false`;
/// - `webdavs://user:password@host:port/path` (HTTPS); the password may instead come
///   from `DOSSIER_WEBDAV_PASSWORD`; `webdav://` is plain HTTP, refused beyond this
///   computer (loopback) unless `?plain_http=yes`;
/// - `azblob://container/prefix?account=NAME&endpoint=…`; key from `AZURE_STORAGE_KEY`;
/// - `gcs://bucket/prefix?endpoint=…`; credentials from `GOOGLE_APPLICATION_CREDENTIALS`.
pub fn open_with(url: &str, creds: &Credentials) -> Result<Box<dyn Remote>> {
    let parsed = Url::parse(url).map_err(|_| bad(url, "not a URL"))?;
    let query: HashMap<String, String> = parsed.query_pairs().into_owned().collect();
    let host = parsed.host_str().unwrap_or("");
    let root = match parsed.path().trim_matches('/') {
        "" => "/".to_owned(),
        p => format!("/{p}/"),
    };
    let known = |allowed: &[&str]| -> Result<()> {
        match query.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(_) => Err(bad(url, "has an option this kind of remote does not take")),
            None => Ok(()),
        }
    };
    match parsed.scheme() {
        "file" => {
            known(&[])?;
            let path = parsed
                .to_file_path()
                .map_err(|()| bad(url, "is not a folder path"))?;
            Ok(Box::new(Folder::new(&path)?))
        }
        "s3" => {
            known(&["endpoint", "region", "path_style"])?;
            if host.is_empty() {
                return Err(bad(url, "names no bucket (s3://bucket/prefix)"));
            }
            let mut b = services::S3::default()
                .bucket(host)
                .root(&root)
                .region(query.get("region").map_or("us-east-1", String::as_str))
                .disable_config_load();
            if let Some(e) = query.get("endpoint") {
                b = b.endpoint(e);
            }
            if query.get("path_style").is_some_and(|v| v == "false") {
                b = b.enable_virtual_host_style();
            }
            let Some((id, secret)) = &creds.s3 else {
                return Err(bad(
                    url,
                    "needs keys: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                ));
            };
            b = b.access_key_id(id).secret_access_key(secret);
            if let Some(token) = &creds.s3_session_token {
                b = b.session_token(token);
            }
            Ok(Box::new(ObjectStore::new(b)?))
        }
        scheme @ ("webdav" | "webdavs") => {
            known(&["plain_http"])?;
            if host.is_empty() {
                return Err(bad(url, "names no server (webdav://host/path)"));
            }
            // Plain HTTP carries the password (Basic) and every object across the network
            // unprotected: only to this computer itself, or when asked for by name.
            // (`webdav` is no scheme `url` knows, so its host stays text.)
            let name = host.trim_start_matches('[').trim_end_matches(']');
            let loopback = name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            let asked = query.get("plain_http").is_some_and(|v| v == "yes");
            if scheme == "webdav" && !loopback && !asked {
                return Err(bad(
                    url,
                    "would send the password unencrypted across the network; use \
                     webdavs:// (HTTPS), or add ?plain_http=yes if this network is trusted",
                ));
            }
            let http = if scheme == "webdavs" { "https" } else { "http" };
            let endpoint = match parsed.port() {
                Some(p) => format!("{http}://{host}:{p}"),
                None => format!("{http}://{host}"),
            };
            let mut b = services::Webdav::default().endpoint(&endpoint).root(&root);
            let user = (!parsed.username().is_empty()).then(|| parsed.username());
            if let Some(u) = user {
                b = b.username(u);
            }
            let password = parsed
                .password()
                .map(str::to_owned)
                .or_else(|| creds.webdav_password.clone());
            if let Some(p) = &password {
                b = b.password(p);
            }
            Ok(Box::new(ObjectStore::webdav(
                b,
                &endpoint,
                &root,
                user,
                password.as_deref(),
            )?))
        }
        "azblob" => {
            known(&["account", "endpoint"])?;
            let account = query
                .get("account")
                .ok_or_else(|| bad(url, "needs ?account=NAME"))?;
            let endpoint = query
                .get("endpoint")
                .cloned()
                .unwrap_or_else(|| format!("https://{account}.blob.core.windows.net"));
            let mut b = services::Azblob::default()
                .container(host)
                .root(&root)
                .endpoint(&endpoint)
                .account_name(account);
            if let Some(key) = &creds.azure_key {
                b = b.account_key(key);
            }
            Ok(Box::new(ObjectStore::new(b)?))
        }
        "gcs" => {
            known(&["endpoint"])?;
            let mut b = services::Gcs::default()
                .bucket(host)
                .root(&root)
                .disable_config_load()
                .disable_vm_metadata();
            if let Some(e) = query.get("endpoint") {
                b = b.endpoint(e);
            }
            if let Some(path) = &creds.gcs_credential_path {
                b = b.credential_path(path);
            }
            Ok(Box::new(ObjectStore::new(b)?))
        }
        _ => Err(bad(
            url,
            "is not a kind of remote Dossier knows (file, s3, webdav, webdavs, azblob, gcs)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_open_their_kind_of_remote_or_say_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let file = Url::from_directory_path(dir.path()).unwrap().to_string();
        assert!(format!("{:?}", open(&file).unwrap()).contains("Folder"));
        let webdav = open("webdav://u:p@127.0.0.1:8089/team/records").unwrap();
        assert!(format!("{webdav:?}").contains("ObjectStore"));
        // Plain HTTP beyond loopback only when asked for; HTTPS anywhere.
        assert!(open("webdav://u@localhost/x").is_ok());
        assert!(open("webdav://u@[::1]:8080/x").is_ok());
        assert!(open("webdav://u@192.168.1.20/x?plain_http=yes").is_ok());
        assert!(open("webdavs://u@files.school.example/x").is_ok());
        assert!(open("azblob://records/dossier?account=school").is_ok());
        let keys = Credentials {
            s3: Some(("K".into(), "secret".into())),
            ..Credentials::default()
        };
        assert!(
            open_with(
                "s3://records/dossier?endpoint=http://127.0.0.1:9&region=auto",
                &keys
            )
            .is_ok()
        );
        assert!(
            !format!("{keys:?}").contains("secret"),
            "secrets are not printed"
        );
        let none = Credentials::default();
        let e = open_with("s3://records/dossier", &none)
            .unwrap_err()
            .to_string();
        assert!(e.contains("needs keys"), "{e}");
        assert!(open("gcs://records-bucket/dossier").is_ok());
        for (url, why) in [
            ("ftp://host/x", "is not a kind"),
            ("not a url", "not a URL"),
            ("s3:///prefix", "names no bucket"),
            ("file:///tmp/x?region=eu", "has an option"),
            ("azblob://records", "needs ?account"),
            ("webdav://u@files.school.example/x", "unencrypted"),
            ("webdav://u@192.168.1.20/x", "unencrypted"),
        ] {
            let e = open(url).unwrap_err().to_string();
            assert!(e.contains(why), "{url}: {e}");
        }
    }
}
