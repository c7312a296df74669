//! The registry of members: chains, forgeries, removals, concurrent owners and roles.

use std::collections::BTreeMap;

use super::*;
use crate::format::collection_keys::SignedEpochKeys;
use crate::ids::DeviceId;
use crate::ids::StatementId;
use crate::keys::MasterKey;

struct Office {
    library: LibraryId,
    owner: Identity,
    bo: Identity,
    cy: Identity,
    mallory: Identity,
}

fn office() -> Office {
    let who = |name| Identity::generate(MemberId::new(), name).unwrap();
    Office {
        library: LibraryId::new(),
        owner: who("Ann Lee"),
        bo: who("Bo Chen"),
        cy: who("Cy Park"),
        mallory: who("Mallory"),
    }
}

fn grant(who: &Identity, role: Role, collections: &[&str]) -> Change {
    Change::Grant {
        member: who.public().clone(),
        role,
        collections: collections.iter().map(|c| (*c).to_owned()).collect(),
        segments: Default::default(),
    }
}

/// Each statement made on the registry the ones before it make.
fn chain(o: &Office, steps: &[(&Identity, Change)]) -> (Registry, Vec<SignedStatement>) {
    let mut reg = Registry::new(o.library, o.owner.public().clone());
    let mut made = Vec::new();
    for (by, change) in steps {
        let s = reg.make(by, change.clone(), 0).unwrap();
        made.push(s);
        reg = Registry::replay(o.library, o.owner.public().clone(), &made);
        assert!(reg.refused().is_empty(), "{:?}", reg.refused());
    }
    (reg, made)
}

fn roles(reg: &Registry) -> BTreeMap<MemberId, (Role, Vec<String>)> {
    reg.members()
        .map(|g| (g.identity.member, (g.role, g.collections.clone())))
        .collect()
}

#[test]
fn the_owner_gives_roles_and_any_order_of_arrival_gives_the_same_registry() {
    let o = office();
    let (reg, made) = chain(
        &o,
        &[
            (&o.owner, grant(&o.bo, Role::RegistrarStaff, &[])),
            (&o.owner, grant(&o.cy, Role::DepartmentStaff, &["Science"])),
            (&o.owner, grant(&o.bo, Role::Owner, &[])),
            (&o.bo, grant(&o.mallory, Role::Auditor, &[])),
        ],
    );
    assert_eq!(reg.seq(), 4);
    let want = roles(&reg);
    assert_eq!(want.len(), 4);
    assert_eq!(
        want[&o.cy.public().member],
        (Role::DepartmentStaff, vec!["Science".into()])
    );
    for order in [[3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]] {
        let mut shuffled: Vec<SignedStatement> = order.iter().map(|i| made[*i].clone()).collect();
        shuffled.push(made[1].clone()); // a duplicate
        let r = Registry::replay(o.library, o.owner.public().clone(), &shuffled);
        assert_eq!(roles(&r), want, "{order:?}");
        assert_eq!(r.head(), reg.head());
        assert!(r.refused().is_empty());
    }
    // Roles at each point of the chain are kept.
    assert_eq!(
        reg.role_at(o.bo.public().member, 1).unwrap().role,
        Role::RegistrarStaff
    );
    assert_eq!(
        reg.role_at(o.bo.public().member, 3).unwrap().role,
        Role::Owner
    );
    assert!(reg.role_at(o.cy.public().member, 1).is_none());
}

#[test]
fn a_forged_statement_is_refused_and_changes_nothing() {
    let o = office();
    let (reg, mut made) = chain(&o, &[(&o.owner, grant(&o.bo, Role::RegistrarStaff, &[]))]);
    // Mallory writes to the bucket a statement in the owner's name, signed by herself.
    let mut forged = reg
        .make(&o.owner, grant(&o.mallory, Role::Owner, &[]), 0)
        .unwrap();
    forged.signature = o
        .mallory
        .sign(Purpose::MemberStatement, forged.body.as_bytes())
        .to_vec();
    // And one whose body she changed after the owner signed it.
    let signed = reg
        .make(&o.owner, grant(&o.cy, Role::Auditor, &[]), 0)
        .unwrap();
    let changed = SignedStatement {
        body: signed.body.replace("auditor", "owner"),
        signature: signed.signature.clone(),
    };
    made.extend([forged.clone(), changed.clone()]);
    let r = Registry::replay(o.library, o.owner.public().clone(), &made);
    assert_eq!(roles(&r), roles(&reg));
    let reasons: BTreeMap<_, _> = r
        .refused()
        .iter()
        .map(|x| (x.id, x.reason.clone()))
        .collect();
    assert_eq!(reasons[&forged.id()], Refusal::BadSignature);
    assert_eq!(reasons[&changed.id()], Refusal::BadSignature);
}

#[test]
fn only_an_owner_of_that_point_may_change_people() {
    let o = office();
    let (reg, mut made) = chain(&o, &[(&o.owner, grant(&o.bo, Role::RegistrarStaff, &[]))]);
    assert!(matches!(
        reg.make(&o.bo, grant(&o.mallory, Role::Owner, &[]), 0),
        Err(Error::NotPermitted {
            role: Some(Role::RegistrarStaff),
            ..
        })
    ));
    // Bo signs one anyway and puts it in the bucket: refused everywhere.
    let statement = Statement {
        format: MEMBER_FORMAT,
        library: o.library,
        seq: 2,
        prev: reg.head(),
        by: o.bo.public().member,
        made_ms: 0,
        change: grant(&o.mallory, Role::Owner, &[]),
    };
    let body = serde_json::to_string(&statement).unwrap();
    let by_bo = SignedStatement {
        signature: o
            .bo
            .sign(Purpose::MemberStatement, body.as_bytes())
            .to_vec(),
        body,
    };
    made.push(by_bo.clone());
    let r = Registry::replay(o.library, o.owner.public().clone(), &made);
    assert!(r.current(o.mallory.public().member).is_none());
    assert_eq!(
        r.refused(),
        [Refused {
            id: by_bo.id(),
            reason: Refusal::NotAnOwner {
                by: o.bo.public().member
            }
        }]
    );
    // A chain that does not start from the owner: Mallory's own first statement.
    let mine = Registry::new(o.library, o.mallory.public().clone())
        .make(&o.mallory, grant(&o.bo, Role::Owner, &[]), 0)
        .unwrap();
    let r = Registry::replay(o.library, o.owner.public().clone(), [&mine]);
    assert_eq!(r.seq(), 0);
    assert_eq!(
        r.refused()[0].reason,
        Refusal::NotAnOwner {
            by: o.mallory.public().member
        }
    );
}

#[test]
fn two_owners_at_once_keep_the_seniors_change_the_same_everywhere() {
    let o = office();
    let (reg, made) = chain(&o, &[(&o.owner, grant(&o.bo, Role::Owner, &[]))]);
    let by_ann = reg
        .make(&o.owner, grant(&o.cy, Role::RegistrarStaff, &[]), 0)
        .unwrap();
    let by_bo = reg
        .make(&o.bo, grant(&o.cy, Role::Auditor, &[]), 0)
        .unwrap();
    // The library's owner is the most senior: hers stands, whatever the ids.
    let winner = by_ann.id();
    let mut results = Vec::new();
    for pair in [[&by_ann, &by_bo], [&by_bo, &by_ann]] {
        let all: Vec<&SignedStatement> = made.iter().chain(pair).collect();
        let r = Registry::replay(o.library, o.owner.public().clone(), all);
        assert_eq!(r.head(), Some(winner));
        assert_eq!(r.refused().len(), 1);
        assert_eq!(r.refused()[0].reason, Refusal::NotOnTheChain);
        results.push(roles(&r));
    }
    assert_eq!(results[0], results[1]);
}

#[test]
fn a_removed_member_signs_nothing_more_and_keeps_their_past() {
    let o = office();
    let (reg, made) = chain(
        &o,
        &[
            (&o.owner, grant(&o.bo, Role::Owner, &[])),
            (&o.bo, grant(&o.cy, Role::RegistrarStaff, &[])),
            (
                &o.owner,
                Change::Remove {
                    member: o.bo.public().member,
                    segments: BTreeMap::from([(DeviceId::new(), 7)]),
                },
            ),
        ],
    );
    let bo = o.bo.public().member;
    assert!(reg.current(bo).is_none());
    assert_eq!(
        reg.role_at(bo, 2).unwrap().role,
        Role::Owner,
        "what Bo did before stands"
    );
    assert_eq!(
        reg.current(o.cy.public().member).unwrap().role,
        Role::RegistrarStaff
    );
    assert!(matches!(
        reg.make(&o.bo, grant(&o.mallory, Role::Owner, &[]), 0),
        Err(Error::NotPermitted { role: None, .. })
    ));
    // Bo replays his old signature at the next place of the chain: not his to make now.
    let stale = Statement {
        format: MEMBER_FORMAT,
        library: o.library,
        seq: 4,
        prev: reg.head(),
        by: bo,
        made_ms: 0,
        change: grant(&o.mallory, Role::Owner, &[]),
    };
    let body = serde_json::to_string(&stale).unwrap();
    let late = SignedStatement {
        signature: o
            .bo
            .sign(Purpose::MemberStatement, body.as_bytes())
            .to_vec(),
        body,
    };
    // And a replay of his old statement (already on the chain): one statement, once.
    let all: Vec<&SignedStatement> = made.iter().chain([&late, &made[1]]).collect();
    let r = Registry::replay(o.library, o.owner.public().clone(), all);
    assert_eq!(r.seq(), 3);
    assert_eq!(
        r.refused(),
        [Refused {
            id: late.id(),
            reason: Refusal::NotAnOwner { by: bo }
        }]
    );
}

#[test]
fn what_cannot_be_done_is_refused_before_it_is_signed() {
    let o = office();
    let reg = Registry::new(o.library, o.owner.public().clone());
    let owner = o.owner.public().member;
    for change in [
        grant(&o.owner, Role::Auditor, &[]),
        Change::Remove {
            member: owner,
            segments: BTreeMap::new(),
        },
        Change::Remove {
            member: o.bo.public().member,
            segments: BTreeMap::new(),
        },
        grant(&o.bo, Role::DepartmentStaff, &[]),
        grant(&o.bo, Role::RegistrarStaff, &["Science"]),
        grant(&o.bo, Role::DepartmentStaff, &[" "]),
    ] {
        assert!(
            matches!(
                reg.make(&o.owner, change.clone(), 0),
                Err(Error::MemberChangeRefused { .. })
            ),
            "{change:?}"
        );
    }
    // Another library's statement is not this library's.
    let other = Registry::new(LibraryId::new(), o.owner.public().clone())
        .make(&o.owner, grant(&o.bo, Role::Owner, &[]), 0)
        .unwrap();
    let r = Registry::replay(o.library, o.owner.public().clone(), [&other]);
    assert_eq!(r.refused()[0].reason, Refusal::OtherLibrary);
    let junk = SignedStatement {
        body: "{".into(),
        signature: vec![0; 64],
    };
    let r = Registry::replay(o.library, o.owner.public().clone(), [&junk]);
    assert_eq!(r.refused()[0].reason, Refusal::Unreadable);
}

#[test]
fn roles_allow_what_they_say_and_department_staff_only_in_their_collections() {
    let o = office();
    let (reg, _) = chain(
        &o,
        &[
            (&o.owner, grant(&o.bo, Role::Auditor, &[])),
            (&o.owner, grant(&o.cy, Role::DepartmentStaff, &["Science"])),
            (&o.owner, grant(&o.mallory, Role::RecordsOfficer, &[])),
        ],
    );
    let (bo, cy, rec) = (
        o.bo.public().member,
        o.cy.public().member,
        o.mallory.public().member,
    );
    assert!(reg.may(bo, Permission::Audit, None).is_ok());
    assert!(reg.may(bo, Permission::Read, Some("Science")).is_ok());
    assert!(matches!(
        reg.may(bo, Permission::Edit, None),
        Err(Error::NotPermitted {
            role: Some(Role::Auditor),
            ..
        })
    ));
    assert!(reg.may(cy, Permission::Edit, Some("Science")).is_ok());
    assert!(reg.may(cy, Permission::Read, Some("Admissions")).is_err());
    assert!(reg.may(cy, Permission::Read, None).is_err());
    assert!(reg.may(cy, Permission::Dispose, Some("Science")).is_err());
    assert!(reg.may(rec, Permission::Dispose, None).is_ok());
    assert!(reg.may(rec, Permission::ManagePeople, None).is_err());
    assert!(
        reg.may(o.owner.public().member, Permission::ManagePeople, None)
            .is_ok()
    );
    assert!(matches!(
        reg.may(MemberId::new(), Permission::Read, None),
        Err(Error::NotPermitted { role: None, .. })
    ));
    let said = reg.may(bo, Permission::Edit, None).unwrap_err().to_string();
    assert!(
        said.contains("as auditor may not add or change records"),
        "{said}"
    );
}

/// Ann (owner), Bo (registrar staff), Cy (department staff of Science).
fn staffed(o: &Office) -> Registry {
    chain(
        o,
        &[
            (&o.owner, grant(&o.bo, Role::RegistrarStaff, &[])),
            (&o.owner, grant(&o.cy, Role::DepartmentStaff, &["Science"])),
        ],
    )
    .0
}

#[test]
fn department_staff_get_their_collections_keys_only() {
    let o = office();
    let reg = staffed(&o);
    let science = MasterKey::generate();
    let admissions = MasterKey::generate();
    let objects = [
        reg.seal_epoch(&o.owner, "Science", 0, &science, None)
            .unwrap(),
        reg.seal_epoch(&o.owner, "Admissions", 0, &admissions, None)
            .unwrap(),
    ];
    for (who, collection, want) in [
        (&o.owner, "Science", &science),
        (&o.bo, "Science", &science),
        (&o.cy, "Science", &science),
        (&o.bo, "Admissions", &admissions),
    ] {
        let keys = open_epochs(&reg, who, collection, &objects).unwrap();
        assert_eq!(keys[&0].expose(), want.expose(), "{collection}");
    }
    assert!(matches!(
        open_epochs(&reg, &o.cy, "Admissions", &objects),
        Err(Error::NotPermitted {
            role: Some(Role::DepartmentStaff),
            ..
        })
    ));
    assert!(
        reg.seal_epoch(&o.bo, "Science", 0, &science, None).is_err(),
        "only an owner"
    );
}

#[test]
fn after_a_removal_the_newest_key_opens_the_history_for_those_who_stay_only() {
    let o = office();
    let (before, mut made) = chain(
        &o,
        &[
            (&o.owner, grant(&o.bo, Role::RegistrarStaff, &[])),
            (&o.owner, grant(&o.cy, Role::RegistrarStaff, &[])),
        ],
    );
    let k0 = MasterKey::generate();
    let mut objects = vec![before.seal_epoch(&o.owner, "all", 0, &k0, None).unwrap()];
    made.push(
        before
            .make(
                &o.owner,
                Change::Remove {
                    member: o.bo.public().member,
                    segments: BTreeMap::new(),
                },
                0,
            )
            .unwrap(),
    );
    let after = Registry::replay(o.library, o.owner.public().clone(), &made);
    let k1 = MasterKey::generate();
    objects.push(
        after
            .seal_epoch(&o.owner, "all", 1, &k1, Some(&k0))
            .unwrap(),
    );
    let cy = open_epochs(&after, &o.cy, "all", &objects).unwrap();
    assert_eq!(cy.keys().copied().collect::<Vec<_>>(), [0, 1]);
    assert_eq!(cy[&0].expose(), k0.expose());
    assert_eq!(cy[&1].expose(), k1.expose());
    // Bo still opens epoch 0, sealed to him when he was a member: what he could already
    // read. Nothing written under epoch 1 is his to open.
    let bo = open_epochs(&after, &o.bo, "all", &objects).unwrap();
    assert_eq!(bo.keys().copied().collect::<Vec<_>>(), [0]);
    assert!(
        !objects[1]
            .epoch_keys()
            .unwrap()
            .members
            .contains_key(&o.bo.public().member)
    );
}

/// `object` as made by `by` at place `at` of the people's chain, signed by them.
fn replaced_at(object: &SignedEpochKeys, at: u64, by: &Identity) -> SignedEpochKeys {
    let mut body = object.epoch_keys().unwrap();
    body.at = at;
    body.by = by.public().member;
    let body = serde_json::to_string(&body).unwrap();
    let signature = by.sign(Purpose::EpochKeys, body.as_bytes()).to_vec();
    SignedEpochKeys { body, signature }
}

#[test]
fn epochs_count_only_as_made_by_an_owner_then_and_unchanged() {
    let o = office();
    let (reg, made) = chain(&o, &[(&o.owner, grant(&o.bo, Role::Owner, &[]))]);
    let k0 = MasterKey::generate();
    let genuine = reg.seal_epoch(&o.owner, "all", 0, &k0, None).unwrap();
    // Bo, an owner then, makes an epoch 1; then he is removed.
    let his = MasterKey::generate();
    let by_bo = reg.seal_epoch(&o.bo, "all", 1, &his, Some(&k0)).unwrap();
    let mut made = made;
    made.push(
        reg.make(
            &o.owner,
            Change::Remove {
                member: o.bo.public().member,
                segments: BTreeMap::new(),
            },
            0,
        )
        .unwrap(),
    );
    let now = Registry::replay(o.library, o.owner.public().clone(), &made);
    // What he made while an owner keeps counting: the records sealed under it stay
    // readable, and the next epoch follows it.
    let objects = [genuine.clone(), by_bo.clone()];
    let keys = open_epochs(&now, &o.owner, "all", &objects).unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[&1].expose(), his.expose());
    assert_eq!(newest_epoch(&now, "all", &objects).unwrap().epoch, 1);
    // An epoch 2 he signs at a place after his removal, or at one no desktop has reached,
    // is not used (one backdated to when he was an owner is the journal's to refuse: a
    // batch is judged at his removal, whatever place it claims).
    let later = reg
        .seal_epoch(&o.bo, "all", 2, &MasterKey::generate(), Some(&his))
        .unwrap();
    for at in [now.seq(), now.seq() + 1] {
        let mut objects = objects.to_vec();
        objects.push(replaced_at(&later, at, &o.bo));
        assert_eq!(
            open_epochs(&now, &o.owner, "all", &objects).unwrap().len(),
            2,
            "at {at}"
        );
    }
    // Nor one by a member who was never an owner.
    let by_cy = replaced_at(&later, reg.seq(), &o.cy);
    let mut objects = objects.to_vec();
    objects.push(by_cy);
    assert_eq!(
        open_epochs(&now, &o.owner, "all", &objects).unwrap().len(),
        2
    );
    // A bucket writer swaps a member's box or the signature: not used either.
    let mut swapped = genuine.clone();
    swapped.body = swapped.body.replace("\"all\"", "\"All\"");
    assert!(open_epochs(&now, &o.owner, "All", &[swapped]).is_err());
    let mut unsigned = genuine;
    unsigned.signature[0] ^= 1;
    assert!(open_epochs(&now, &o.owner, "all", &[unsigned]).is_err());
}

#[test]
fn an_owner_whose_identity_was_reissued_signs_with_the_new_keys_only() {
    let o = office();
    // Bo forgot his passphrase: Ann issues him a new identity, same member.
    let new_bo =
        Identity::from_secrets(o.bo.public().member, "Bo Chen".into(), &[41; 32], &[42; 32]);
    let (reg, _) = chain(
        &o,
        &[
            (&o.owner, grant(&o.bo, Role::Owner, &[])),
            (&o.owner, grant(&new_bo, Role::Owner, &[])),
        ],
    );
    assert_eq!(
        reg.current(o.bo.public().member).unwrap().identity,
        *new_bo.public()
    );
    assert!(matches!(
        reg.make(&o.bo, grant(&o.cy, Role::Auditor, &[]), 0),
        Err(Error::NotPermitted { .. })
    ));
    assert!(
        reg.make(&new_bo, grant(&o.cy, Role::Auditor, &[]), 0)
            .is_ok()
    );
    assert!(
        reg.seal_epoch(&o.bo, "all", 0, &MasterKey::generate(), None)
            .is_err()
    );
}

#[test]
fn keys_removed_or_reissued_are_superseded_and_keys_not_seen_yet_are_not() {
    let o = office();
    let keys = |seed| {
        Identity::from_secrets(
            o.bo.public().member,
            "Bo Chen".into(),
            &[seed; 32],
            &[seed + 1; 32],
        )
    };
    let (second, third) = (keys(41), keys(51));
    let (reg, _) = chain(
        &o,
        &[
            (&o.owner, grant(&o.bo, Role::RegistrarStaff, &[])),
            (&o.owner, grant(&second, Role::RegistrarStaff, &[])),
            (&o.owner, grant(&o.cy, Role::Auditor, &[])),
            (
                &o.owner,
                Change::Remove {
                    member: o.cy.public().member,
                    segments: Default::default(),
                },
            ),
        ],
    );
    // Bo's first keys were replaced; his second count; a third, given in history this
    // registry has not received, may sign in to receive it.
    assert!(reg.superseded(o.bo.public()));
    assert!(!reg.superseded(second.public()));
    assert!(!reg.superseded(third.public()));
    // Cy was removed; Mallory was never a member (nothing to supersede).
    assert!(reg.superseded(o.cy.public()));
    assert!(!reg.superseded(o.mallory.public()));
    assert!(!reg.superseded(o.owner.public()));
}

/// A statement made by hand, as someone holding `by`'s keys could write it to the bucket.
fn forged(
    o: &Office,
    by: &Identity,
    seq: u64,
    prev: Option<StatementId>,
    made_ms: i64,
    change: Change,
) -> SignedStatement {
    let statement = Statement {
        format: MEMBER_FORMAT,
        library: o.library,
        seq,
        prev,
        by: by.public().member,
        made_ms,
        change,
    };
    let body = serde_json::to_string(&statement).unwrap();
    SignedStatement {
        signature: by.sign(Purpose::MemberStatement, body.as_bytes()).to_vec(),
        body,
    }
}

#[test]
fn a_removed_owner_cannot_take_back_the_place_of_their_removal() {
    let o = office();
    let (reg, made) = chain(
        &o,
        &[
            (&o.owner, grant(&o.bo, Role::Owner, &[])),
            (&o.owner, grant(&o.cy, Role::RegistrarStaff, &[])),
            (
                &o.owner,
                Change::Remove {
                    member: o.bo.public().member,
                    segments: BTreeMap::new(),
                },
            ),
        ],
    );
    let place = reg.seq();
    let prev = Some(made[1].id());
    // Bo writes statements for the place of his removal, trying times until one has a
    // smaller id than the removal (with the old rule, the smaller id stood).
    let removal = made[2].id();
    let forge = |t| {
        forged(
            &o,
            &o.bo,
            place,
            prev,
            t,
            grant(&o.mallory, Role::Owner, &[]),
        )
    };
    let mut counters: Vec<SignedStatement> = (0..64).map(forge).collect();
    // The removal's id is random: when it is among the smallest, 64 tries may not be
    // enough, more always are (but for one removal in a million).
    if !counters.iter().any(|c| c.id() < removal) {
        counters.extend((64..1_000_000).map(forge).find(|c| c.id() < removal));
    }
    assert!(
        counters.iter().any(|c| c.id() < removal),
        "some counter has a smaller id"
    );
    for order in [false, true] {
        let mut all: Vec<&SignedStatement> = made.iter().chain(&counters).collect();
        if order {
            all.reverse();
        }
        let r = Registry::replay(o.library, o.owner.public().clone(), all);
        assert_eq!(r.head(), Some(removal));
        assert!(r.current(o.bo.public().member).is_none());
        assert!(r.current(o.mallory.public().member).is_none());
        assert_eq!(r.refused().len(), counters.len());
    }
}

#[test]
fn two_owners_removing_each_other_at_once_keep_the_senior() {
    let o = office();
    let (reg, made) = chain(
        &o,
        &[
            (&o.owner, grant(&o.bo, Role::Owner, &[])),
            (&o.owner, grant(&o.cy, Role::Owner, &[])),
        ],
    );
    let remove = |m: &Identity| Change::Remove {
        member: m.public().member,
        segments: BTreeMap::new(),
    };
    let bo_removes_cy = reg.make(&o.bo, remove(&o.cy), 0).unwrap();
    let cy_removes_bo = reg.make(&o.cy, remove(&o.bo), 0).unwrap();
    for pair in [
        [&bo_removes_cy, &cy_removes_bo],
        [&cy_removes_bo, &bo_removes_cy],
    ] {
        let all: Vec<&SignedStatement> = made.iter().chain(pair).collect();
        let r = Registry::replay(o.library, o.owner.public().clone(), all);
        assert_eq!(
            r.head(),
            Some(bo_removes_cy.id()),
            "Bo has been an owner longer"
        );
        assert!(r.current(o.cy.public().member).is_none());
    }
}

#[test]
fn only_the_owner_gives_the_owner_new_keys_and_weak_keys_are_refused() {
    let o = office();
    let (reg, mut made) = chain(&o, &[(&o.owner, grant(&o.bo, Role::Owner, &[]))]);
    // Bo, a co-owner, puts Mallory's keys under Ann's member id: refused.
    let mut hijack = o.mallory.public().clone();
    hijack.member = o.owner.public().member;
    let take = Change::Grant {
        member: hijack,
        role: Role::Owner,
        collections: Vec::new(),
        segments: Default::default(),
    };
    assert!(matches!(
        reg.make(&o.bo, take.clone(), 0),
        Err(Error::MemberChangeRefused { .. })
    ));
    made.push(forged(&o, &o.bo, 2, reg.head(), 0, take.clone()));
    let r = Registry::replay(o.library, o.owner.public().clone(), &made);
    assert_eq!(
        r.current(o.owner.public().member).unwrap().identity,
        *o.owner.public()
    );
    assert!(matches!(r.refused()[0].reason, Refusal::NotAllowed(_)));
    // Ann herself may move to new keys.
    assert!(reg.make(&o.owner, take, 0).is_ok());
    // An identity whose keys are of no strength is never granted.
    let mut weak = o.cy.public().clone();
    weak.encryption = vec![0; 32];
    let weak_grant = Change::Grant {
        member: weak,
        role: Role::Auditor,
        collections: Vec::new(),
        segments: Default::default(),
    };
    assert!(matches!(
        reg.make(&o.owner, weak_grant, 0),
        Err(Error::MemberChangeRefused { .. })
    ));
}

#[test]
fn a_forged_older_epoch_and_two_owners_rotating_at_once_open_the_same_everywhere() {
    let o = office();
    let (reg, made) = chain(
        &o,
        &[
            (&o.owner, grant(&o.bo, Role::Owner, &[])),
            (&o.owner, grant(&o.cy, Role::RegistrarStaff, &[])),
        ],
    );
    let (k0, k1, k2, mine) = (
        MasterKey::generate(),
        MasterKey::generate(),
        MasterKey::generate(),
        MasterKey::generate(),
    );
    let e0 = reg.seal_epoch(&o.owner, "all", 0, &k0, None).unwrap();
    let e1 = reg.seal_epoch(&o.bo, "all", 1, &k1, Some(&k0)).unwrap();
    // Bo, who knows k1, also signs an epoch 1 whose previous key is his own.
    let fake1 = reg.seal_epoch(&o.bo, "all", 1, &k1, Some(&mine)).unwrap();
    // Ann and Bo both rotate to epoch 2 at once.
    let ann2 = reg.seal_epoch(&o.owner, "all", 2, &k2, Some(&k1)).unwrap();
    let bo2 = reg.seal_epoch(&o.bo, "all", 2, &mine, Some(&k1)).unwrap();
    let mut results = Vec::new();
    for objects in [
        vec![
            e0.clone(),
            e1.clone(),
            fake1.clone(),
            ann2.clone(),
            bo2.clone(),
        ],
        vec![bo2, ann2, fake1, e1, e0],
    ] {
        let keys = open_epochs(&reg, &o.cy, "all", &objects);
        let keys: Vec<[u8; 32]> = match keys {
            Ok(k) => k.values().map(|k| *k.expose()).collect(),
            Err(e) => panic!("{e}"),
        };
        assert_eq!(keys.len(), 3);
        results.push(keys);
    }
    assert_eq!(results[0], results[1], "the same keys whatever the order");
    let _ = made;
}
