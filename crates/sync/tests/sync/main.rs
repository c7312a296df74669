//! `dossier-sync`'s integration tests (one binary): the remote suite against every
//! implementation, the engine between real libraries, and convergence of three
//! desktops under random schedules.

mod convergence;
mod engine;
mod remote;
mod servers;
