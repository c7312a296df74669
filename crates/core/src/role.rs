//! Roles, what they allow and why a batch was refused (issue 21): the words of access,
//! below everything that judges it (`members`) or reports it (`error`).

use serde::{Deserialize, Serialize};

use crate::ids::MemberId;

/// What a member may do, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages people and roles, and everything else.
    Owner,
    /// Retention, legal holds and disposition, besides reading and filing (and disclosing,
    /// as registrar staff do).
    RecordsOfficer,
    /// Reads, files and discloses every record.
    RegistrarStaff,
    /// Reads and files the records of their collections only.
    DepartmentStaff,
    /// Reads records and the audit trail; changes nothing.
    Auditor,
}

/// Something a member may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read records (in the member's collections).
    Read,
    /// Add and file records: import, versions, metadata, people's records.
    Edit,
    /// Retention, legal holds, deleting for good, disclosures.
    Dispose,
    /// Read the audit trail.
    Audit,
    /// Invite and remove members, give roles.
    ManagePeople,
}

impl Role {
    /// Whether this role allows `permission` (in the member's collections, for department
    /// staff).
    pub fn allows(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Owner => true,
            Role::RecordsOfficer => !matches!(permission, P::ManagePeople),
            Role::RegistrarStaff | Role::DepartmentStaff => matches!(permission, P::Read | P::Edit),
            Role::Auditor => matches!(permission, P::Read | P::Audit),
        }
    }

    /// The role in words, as the app and the CLI show it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::RecordsOfficer => "records officer",
            Role::RegistrarStaff => "registrar staff",
            Role::DepartmentStaff => "department staff",
            Role::Auditor => "auditor",
        }
    }
}

impl Permission {
    /// What the permission lets a member do, in words ("may not ...").
    pub fn name(self) -> &'static str {
        match self {
            Permission::Read => "read these records",
            Permission::Edit => "add or change records",
            Permission::Dispose => "change retention, holds or delete for good",
            Permission::Audit => "read the audit trail",
            Permission::ManagePeople => "manage people and roles",
        }
    }
}

/// Why a batch was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchRefusal {
    /// Operations no one signed, in a library kept by its people.
    Unsigned,
    /// A signature claiming more operations than precede it.
    Malformed,
    /// Its signer was not a member when it was made (or it came after their removal).
    NotAMember { member: MemberId },
    /// Its signature is not its signer's over these operations.
    BadSignature { member: MemberId },
    /// Its signer's role did not allow it.
    NotPermitted {
        member: MemberId,
        role: Role,
        what: &'static str,
    },
}

impl BatchRefusal {
    /// Why, in words.
    pub fn describe(&self) -> String {
        match self {
            Self::Unsigned => "no one signed these changes".into(),
            Self::Malformed => "its signature claims changes that are not there".into(),
            Self::NotAMember { member } => {
                format!("member {member} was not a member of the library when signing")
            }
            Self::BadSignature { member } => {
                format!("the signature is not member {member}'s over these changes")
            }
            Self::NotPermitted { member, role, what } => {
                format!("member {member}, as {}, may not {what}", role.name())
            }
        }
    }
}
