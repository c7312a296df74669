//! Invitations from the command line (issue 21): `dossier people invite | invitations |
//! confirm | withdraw` on an owner's desktop, and `dossier clone URL DIR --invite`
//! on the invitee's. The objects travel through the library's remote.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use dossier_core::{
    Access, Error as CoreError, InvitationEntry, InvitationState, InviteCode, KdfParams, Library,
};
use dossier_sync::SyncOptions;
use zeroize::Zeroizing;

use crate::connect::{engine, runtime};
use crate::exit;
use crate::output;
use crate::unlock::{new_passphrase, typed_passphrase, unlock_local};

/// The library's remote, or why an invitation cannot travel.
fn remote_of(lib: &Library) -> Result<(String, Box<dyn dossier_sync::Remote>)> {
    let Some(url) = lib.remote()? else {
        bail!(
            "invitations travel through the library's remote, and this library has none: add \
             one with `dossier remote add URL`"
        );
    };
    let remote = dossier_sync::open(&url)?;
    Ok((url, remote))
}

pub fn invite(
    root: &Path,
    name: &str,
    role: dossier_core::Role,
    collections: &[String],
    json: bool,
) -> Result<u8> {
    let mut lib = unlock_local(root, Access::Write)?;
    let made = lib.prepare_invitation(name, role, collections)?;
    let (url, remote) = remote_of(&lib)?;
    let rt = runtime()?;
    rt.block_on(dossier_sync::publish_invitation(remote.as_ref(), &made))
        .with_context(|| format!("putting the invitation on {url}"))?;
    lib.record_invitation(&made)?;
    let code = made.code.display();
    if json {
        output::json(&serde_json::json!({
            "invitation": made.invitation.id,
            "member": made.invitation.member,
            "name": made.invitation.name,
            "role": role,
            "collections": collections,
            "code": code.as_str(),
            "expires_ms": made.invitation.expires_ms,
            "url": url,
        }))?;
    } else {
        println!(
            "Invited {} as {}. Give them this one-time code yourself (in person or by \
             phone), never through the shared storage:",
            made.invitation.name,
            role.name()
        );
        println!();
        println!("    {}", code.as_str());
        println!();
        println!(
            "On their desktop: dossier clone {url} FOLDER --invite, and the code when asked. \
             They read you a \
             fingerprint; confirm it with `dossier people confirm \"{}\" --fingerprint \
             DIGITS`. The invitation is open until {}.",
            made.invitation.name,
            output::time(made.invitation.expires_ms)
        );
    }
    Ok(0)
}

/// The open invitation named by `who` (a name without regard to case, or the start of its
/// id).
fn find<'a>(list: &'a [InvitationEntry], who: &str) -> Result<&'a InvitationEntry> {
    let who = who.trim();
    let found: Vec<_> = list
        .iter()
        .filter(|e| e.state == InvitationState::Open)
        .filter(|e| {
            e.name.eq_ignore_ascii_case(who) || (!who.is_empty() && e.id.to_hex().starts_with(who))
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => bail!("no open invitation is for {who:?}; see `dossier people invitations`"),
        _ => bail!("several open invitations match {who:?}; give the start of its id"),
    }
}

pub fn invitations(root: &Path, json: bool) -> Result<u8> {
    let lib = unlock_local(root, Access::Read)?;
    let list = lib.invitations()?;
    let remote = match lib.remote()? {
        Some(_) => Some(remote_of(&lib)?.1),
        None => None,
    };
    let rt = runtime()?;
    let mut rows = Vec::new();
    for e in &list {
        // Whether an answer that opens with the code is there, for the open ones. Its
        // fingerprint is not shown: the owner types the digits the invitee reads out.
        let code = e.code.as_deref().map(InviteCode::parse).transpose()?;
        let answered = match (&remote, &code, e.state) {
            (Some(remote), Some(code), InvitationState::Open) => {
                match rt.block_on(dossier_sync::fetch_reply(remote.as_ref(), code))? {
                    Some(reply) => lib.invitation_reply(e.id, &reply).is_ok(),
                    None => false,
                }
            }
            _ => false,
        };
        rows.push((e, answered));
    }
    if json {
        let out: Vec<_> = rows
            .iter()
            .map(|(e, answered)| {
                serde_json::json!({
                    "invitation": e.id,
                    "member": e.member,
                    "name": e.name,
                    "role": e.role,
                    "collections": e.collections,
                    "code": e.code,
                    "expires_ms": e.expires_ms,
                    "state": e.state,
                    "answered": answered,
                })
            })
            .collect();
        output::json(&out)?;
    } else if rows.is_empty() {
        println!("No one has been invited (`dossier people invite NAME --role ROLE`).");
    } else {
        for (e, answered) in &rows {
            let state = match (e.state, answered) {
                (InvitationState::Open, true) => "answered: type the digits they read you \
                                                  (`dossier people confirm NAME --fingerprint`)"
                    .to_owned(),
                (InvitationState::Open, false) => match &e.code {
                    Some(code) => format!("waiting for their answer (code {code})"),
                    None => "waiting for their answer".to_owned(),
                },
                (InvitationState::Joined, _) => "joined".to_owned(),
                (InvitationState::Withdrawn, _) => "withdrawn".to_owned(),
                (InvitationState::Expired, _) => "expired".to_owned(),
            };
            println!(
                "{:<24} {:<18} {} [{}]",
                e.name,
                e.role.name(),
                state,
                &e.id.to_hex()[..8]
            );
        }
    }
    Ok(0)
}

pub fn confirm(root: &Path, who: &str, fingerprint: &str) -> Result<u8> {
    let mut lib = unlock_local(root, Access::Write)?;
    let list = lib.invitations()?;
    let entry = find(&list, who)?.clone();
    let code = InviteCode::parse(entry.code.as_deref().ok_or(CoreError::InvitationClosed {
        reason: "only an owner it was made by or for can open its answer",
    })?)?;
    let (url, remote) = remote_of(&lib)?;
    let rt = runtime()?;
    let reply = rt
        .block_on(dossier_sync::fetch_reply(remote.as_ref(), &code))?
        .ok_or(CoreError::InvitationNotAnswered {
            name: entry.name.clone(),
        })?;
    let person = lib.confirm_invitation(entry.id, &reply, fingerprint)?;
    // Their slot reaches the remote with this sync: then their desktop can join.
    let engine = engine(&rt, &url, lib)?;
    let report = rt.block_on(engine.sync_with(SyncOptions::default()));
    engine.into_local().into_library()?;
    report.with_context(|| format!("sending {}'s access to {url}", person.name))?;
    println!(
        "{} is now {} of the library. On their desktop, they run the same \
         `dossier clone ... --invite` again to join.",
        person.name,
        entry.role.name()
    );
    Ok(0)
}

pub fn withdraw(root: &Path, who: &str) -> Result<u8> {
    let mut lib = unlock_local(root, Access::Write)?;
    let list = lib.invitations()?;
    let entry = find(&list, who)?.clone();
    lib.withdraw_invitation(entry.id)?;
    println!("The invitation of {} is withdrawn.", entry.name);
    // Off the remote too, so their desktop stops waiting; it is withdrawn here either way.
    if let (Some(code), Some(_)) = (&entry.code, lib.remote()?) {
        let code = InviteCode::parse(code)?;
        let (url, remote) = remote_of(&lib)?;
        if let Err(e) =
            runtime()?.block_on(dossier_sync::unpublish_invitation(remote.as_ref(), &code))
        {
            eprintln!(
                "note: the invitation could not be taken off {url} ({e}); it is withdrawn all the same"
            );
        }
    }
    Ok(0)
}

/// `dossier clone URL DIR --invite`: answer the invitation (the first time), then join
/// once an owner has confirmed; with `wait`, wait for that. Returns the joined library, or
/// `Err(code)` with the exit code to end with while it waits.
pub fn join(url: &str, dir: &Path, wait: bool) -> Result<std::result::Result<Library, u8>> {
    let code = InviteCode::parse(&typed_code()?)?;
    let rt = runtime()?;
    let remote = dossier_sync::open(url)?;
    let invitation = rt.block_on(dossier_sync::fetch_invitation(remote.as_ref(), &code))?;
    println!(
        "{} invites you to join their library as {}{}.",
        invitation.by.name,
        invitation.role.name(),
        if invitation.collections.is_empty() {
            String::new()
        } else {
            format!(" ({})", invitation.collections.join(", "))
        }
    );
    // An answer already there is shown only when this person's passphrase opens it:
    // someone else's must never be read out as theirs.
    let (fingerprint, passphrase) =
        if rt.block_on(dossier_sync::answered(remote.as_ref(), &code))? {
            let passphrase =
                typed_passphrase("Your passphrase (the one you chose when you answered): ")?;
            let fingerprint = rt
                .block_on(dossier_sync::answered_by_me(
                    remote.as_ref(),
                    &code,
                    &invitation,
                    passphrase.to_string(),
                ))?
                .ok_or(CoreError::InvitationUnknown)?;
            (fingerprint, passphrase)
        } else {
            let chosen = new_passphrase("DOSSIER_NEW_PASSPHRASE")?;
            let fingerprint = rt.block_on(dossier_sync::answer_invitation(
                remote.as_ref(),
                &code,
                &invitation,
                chosen.to_string(),
                KdfParams::default(),
            ))?;
            (fingerprint, chosen)
        };
    println!(
        "Your fingerprint: {fingerprint}. Read it to {} (in person or by phone): they type \
         it to let you in.",
        invitation.by.name
    );
    loop {
        match rt.block_on(dossier_sync::join_invited(
            remote.as_ref(),
            dir.to_path_buf(),
            &invitation,
            passphrase.to_string(),
        )) {
            Ok(lib) => return Ok(Ok(lib)),
            Err(dossier_sync::Error::Library(CoreError::InvitationNotConfirmed { name })) => {
                if !wait {
                    println!(
                        "Waiting for {name} to confirm. Run this command again once they have \
                         (or add --wait)."
                    );
                    return Ok(Err(exit::WAITING));
                }
                // A person confirms: a few seconds between looks cost the remote nothing.
                std::thread::sleep(std::time::Duration::from_secs(3));
                // A withdrawn invitation is taken off the remote: stop waiting then.
                rt.block_on(dossier_sync::fetch_invitation(remote.as_ref(), &code))?;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The invitation code from `DOSSIER_INVITE_CODE`, else asked on the terminal (shown as
/// typed: it is long, and its checksum catches a slip, not a hidden one).
fn typed_code() -> Result<Zeroizing<String>> {
    if let Ok(code) = std::env::var("DOSSIER_INVITE_CODE") {
        return Ok(Zeroizing::new(code));
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "no invitation code: set DOSSIER_INVITE_CODE or run in a terminal to be asked"
        );
    }
    eprint!("Invitation code: ");
    std::io::stderr().flush()?;
    let mut code = Zeroizing::new(String::new());
    std::io::stdin().read_line(&mut code)?;
    Ok(code)
}
