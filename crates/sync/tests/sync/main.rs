//! `dossier-sync`'s integration tests (one binary): the remote suite against every
//! implementation, the engine between real libraries, and convergence of three
//! desktops under random schedules, sync through a fault-injecting proxy, and the
//! replica suite against every way of reaching a library.

// A test binary: unwrap() failing is the test failing, with its location.
#![allow(clippy::unwrap_used)]

mod adversarial;
mod convergence;
mod engine;
mod faults;
mod remote;
mod replica;

/// Credentials for `dossier_e2e::servers::s3`'s server.
fn s3_keys() -> dossier_sync::Credentials {
    dossier_sync::Credentials {
        s3: Some((
            dossier_e2e::servers::S3_KEY.into(),
            dossier_e2e::servers::S3_SECRET.into(),
        )),
        ..Default::default()
    }
}
