//! Roles and what they allow (issue 21): the words of access, below everything that
//! judges it (`members`) or reports it (`error`).

use serde::{Deserialize, Serialize};

/// What a member may do, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages people and roles, and everything else.
    Owner,
    /// Retention, legal holds, disposition and disclosures, besides reading and filing.
    RecordsOfficer,
    /// Reads and files every record.
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
