//! `dossier-sync`'s integration tests (one binary): the remote suite against every
//! implementation, and the engine between real libraries.

mod engine;
mod remote;
mod servers;
