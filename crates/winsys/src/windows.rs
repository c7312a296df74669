//! Security descriptors, job objects and the session's lock state.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;
use std::ptr;

use windows_sys::Win32::Foundation::{
    ERROR_INVALID_FUNCTION, ERROR_NOT_SUPPORTED, ERROR_SUCCESS, LocalFree, WIN32_ERROR,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertStringSecurityDescriptorToSecurityDescriptorW, GetNamedSecurityInfoW, SDDL_REVISION_1,
    SE_FILE_OBJECT, SetNamedSecurityInfoW,
};
use windows_sys::Win32::Security::{
    ACL, ACL_SIZE_INFORMATION, AclSizeInformation, DACL_SECURITY_INFORMATION, GetAclInformation,
    GetSecurityDescriptorControl, GetSecurityDescriptorDacl, PROTECTED_DACL_SECURITY_INFORMATION,
    PSECURITY_DESCRIPTOR, SE_DACL_PROTECTED,
};
use windows_sys::Win32::System::Diagnostics::Debug::{
    SEM_FAILCRITICALERRORS, SEM_NOGPFAULTERRORBOX, SetErrorMode,
};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION,
    JOB_OBJECT_LIMIT_PROCESS_MEMORY, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
    JobObjectExtendedLimitInformation, SetInformationJobObject,
};
use windows_sys::Win32::System::RemoteDesktop::{
    WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTS_SESSIONSTATE_LOCK, WTSDisconnected,
    WTSFreeMemory, WTSINFOEXW, WTSQuerySessionInformationW, WTSSessionInfoEx,
};
use windows_sys::Win32::System::Threading::GetCurrentProcess;

/// Full access for the owner of each object and nobody else, inherited by every file and
/// folder created inside, and nothing inherited from the parent (`P`, protected). The
/// owner is who created the object, so this is a 0700 folder whose files are 0600.
const OWNER_ONLY: &str = "D:P(A;OICI;FA;;;OW)";

/// A Win32 error as an `io::Error`; a volume that keeps no access lists (FAT, exFAT,
/// some network shares) answers `Unsupported`, which callers may tolerate.
fn win32_error(status: WIN32_ERROR) -> io::Error {
    let e = io::Error::from_raw_os_error(status as i32);
    match status {
        ERROR_NOT_SUPPORTED | ERROR_INVALID_FUNCTION => {
            io::Error::new(io::ErrorKind::Unsupported, e)
        }
        _ => e,
    }
}

/// A path as the NUL-terminated UTF-16 Win32 takes.
fn wide(path: &Path) -> Vec<u16> {
    path.as_os_str().encode_wide().chain([0]).collect()
}

/// A security descriptor the system allocated, freed on drop.
struct Descriptor(PSECURITY_DESCRIPTOR);

impl Drop for Descriptor {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the descriptor was allocated by the system with LocalAlloc (as both
            // functions that fill one here document) and is freed once.
            unsafe { LocalFree(self.0) };
        }
    }
}

impl Descriptor {
    fn from_sddl(sddl: &str) -> io::Result<Self> {
        let text: Vec<u16> = sddl.encode_utf16().chain([0]).collect();
        let mut sd: PSECURITY_DESCRIPTOR = ptr::null_mut();
        // SAFETY: `text` is NUL-terminated and outlives the call; `sd` receives a
        // descriptor that `Descriptor` frees; the size out-parameter is optional.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                text.as_ptr(),
                SDDL_REVISION_1,
                &mut sd,
                ptr::null_mut(),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Self(sd))
    }

    /// The descriptor's access list; a descriptor without one (which would grant
    /// everyone everything) is an error.
    fn dacl(&self) -> io::Result<*mut ACL> {
        let (mut present, mut defaulted, mut dacl) = (0, 0, ptr::null_mut());
        // SAFETY: `self.0` is a valid descriptor; the out-parameters are locals. The ACL
        // points into the descriptor and is used only while `self` lives.
        let ok =
            unsafe { GetSecurityDescriptorDacl(self.0, &mut present, &mut dacl, &mut defaulted) };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        if present == 0 || dacl.is_null() {
            return Err(io::Error::other(
                "the security descriptor has no access list",
            ));
        }
        Ok(dacl)
    }

    fn is_protected(&self) -> io::Result<bool> {
        let (mut control, mut revision) = (0u16, 0u32);
        // SAFETY: `self.0` is a valid descriptor; the out-parameters are locals.
        let ok = unsafe { GetSecurityDescriptorControl(self.0, &mut control, &mut revision) };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(control & SE_DACL_PROTECTED != 0)
    }
}

/// Make a folder private to its owner: only the owner of each object in it has access,
/// nothing is inherited from above, and every existing file and folder inside takes the
/// folder's entry (the system carries inheritable entries down to them).
pub fn make_private_to_owner(path: &Path) -> io::Result<()> {
    let wanted = Descriptor::from_sddl(OWNER_ONLY)?;
    let dacl = wanted.dacl()?;
    let name = wide(path);
    // SAFETY: `name` is NUL-terminated; `dacl` points into `wanted`, alive for the call;
    // no owner, group or system list is given (null is documented as "not set").
    let status = unsafe {
        SetNamedSecurityInfoW(
            name.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            ptr::null_mut(),
            ptr::null_mut(),
            dacl,
            ptr::null(),
        )
    };
    if status != ERROR_SUCCESS {
        return Err(win32_error(status));
    }
    Ok(())
}

/// Whether a folder's access list is protected from its parent and has a single entry:
/// what [`make_private_to_owner`] sets (or something as strict the user chose).
pub fn is_private_to_owner(path: &Path) -> io::Result<bool> {
    let name = wide(path);
    let (mut dacl, mut sd): (*mut ACL, PSECURITY_DESCRIPTOR) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: `name` is NUL-terminated; the ACL points into the descriptor the system
    // allocates into `sd`, which `Descriptor` frees after the last use of `dacl`.
    let status = unsafe {
        GetNamedSecurityInfoW(
            name.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            ptr::null_mut(),
            ptr::null_mut(),
            &mut dacl,
            ptr::null_mut(),
            &mut sd,
        )
    };
    if status != ERROR_SUCCESS {
        return Err(win32_error(status));
    }
    let sd = Descriptor(sd);
    if dacl.is_null() || !sd.is_protected()? {
        return Ok(false);
    }
    let mut size = ACL_SIZE_INFORMATION::default();
    // SAFETY: `dacl` is valid while `sd` lives; the buffer is the documented structure
    // for `AclSizeInformation`, with its exact size.
    let ok = unsafe {
        GetAclInformation(
            dacl,
            (&raw mut size).cast::<c_void>(),
            size_of::<ACL_SIZE_INFORMATION>() as u32,
            AclSizeInformation,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(size.AceCount == 1)
}

/// Limit this process's committed memory to `bytes` (an allocation past it fails, as
/// with an address-space limit on Unix), end it at an unhandled exception instead of
/// showing the error dialog or writing a crash dump. For a worker that parses untrusted
/// files; the limit holds until the process ends.
pub fn limit_own_memory(bytes: u64) -> io::Result<()> {
    // SAFETY: sets this process's error mode flags; no pointers.
    unsafe { SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX) };
    // SAFETY: an unnamed job with default security; null pointers are documented here.
    let job = unsafe { CreateJobObjectW(ptr::null(), ptr::null()) };
    if job.is_null() {
        return Err(io::Error::last_os_error());
    }
    let mut info = JOBOBJECT_EXTENDED_LIMIT_INFORMATION::default();
    info.BasicLimitInformation.LimitFlags =
        JOB_OBJECT_LIMIT_PROCESS_MEMORY | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
    info.ProcessMemoryLimit = usize::try_from(bytes).unwrap_or(usize::MAX);
    // SAFETY: `job` is the handle just created; the buffer is the documented structure for
    // this information class, with its exact size, alive for the call.
    let ok = unsafe {
        SetInformationJobObject(
            job,
            JobObjectExtendedLimitInformation,
            (&raw const info).cast::<c_void>(),
            size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `job` is valid; the current-process pseudo handle needs no closing. The job
    // handle stays open for the life of the process (the job, and its limit, with it).
    let ok = unsafe { AssignProcessToJobObject(job, GetCurrentProcess()) };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Memory the Remote Desktop Services API allocated, freed on drop.
struct WtsMemory(*mut u16);

impl Drop for WtsMemory {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the buffer was allocated by WTSQuerySessionInformationW, whose
            // documentation says to free it with WTSFreeMemory, and is freed once.
            unsafe { WTSFreeMemory(self.0.cast()) };
        }
    }
}

/// Whether this process's Windows session is locked (the lock screen is up) or, a remote
/// session, disconnected: the session's `WTSINFOEX_LEVEL1_W::SessionFlags` (Windows 8
/// and later; Windows 7 had the two values the other way round, and is not supported)
/// and `SessionState`.
pub fn session_is_locked() -> io::Result<bool> {
    let mut buffer: *mut u16 = ptr::null_mut();
    let mut bytes: u32 = 0;
    // SAFETY: the current server and session are the documented pseudo-values; both
    // out-parameters are locals, and the buffer the system allocates is freed by
    // `WtsMemory`.
    let ok = unsafe {
        WTSQuerySessionInformationW(
            WTS_CURRENT_SERVER_HANDLE,
            WTS_CURRENT_SESSION,
            WTSSessionInfoEx,
            &mut buffer,
            &mut bytes,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    let buffer = WtsMemory(buffer);
    if buffer.0.is_null() || (bytes as usize) < std::mem::size_of::<WTSINFOEXW>() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the session's information is shorter than documented",
        ));
    }
    // SAFETY: the system filled at least a WTSINFOEXW (checked above); read unaligned, as
    // the buffer is only u16-aligned by its type.
    let info = unsafe { ptr::read_unaligned(buffer.0.cast::<WTSINFOEXW>()) };
    if info.Level != 1 {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "the session's information is of an unknown level",
        ));
    }
    // SAFETY: level 1 says the union holds its level-1 member.
    let level1 = unsafe { info.Data.WTSInfoExLevel1 };
    // A remote session disconnected is as good as locked: no one is at it, and only its
    // user's credentials connect it again.
    Ok(level1.SessionFlags == WTS_SESSIONSTATE_LOCK as i32
        || level1.SessionState == WTSDisconnected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_made_private_is_seen_as_private_and_its_files_inherit() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let lib = dir.path().join("library");
        std::fs::create_dir(&lib).expect("a folder");
        assert!(
            !is_private_to_owner(&lib).expect("read"),
            "inherits from %TEMP%"
        );
        std::fs::write(lib.join("before.txt"), "x").expect("a file");
        make_private_to_owner(&lib).expect("set");
        assert!(is_private_to_owner(&lib).expect("read"));
        std::fs::write(lib.join("after.txt"), "x").expect("a file");
        assert_eq!(
            std::fs::read(lib.join("before.txt")).expect("owner reads"),
            b"x"
        );
        assert_eq!(
            std::fs::read(lib.join("after.txt")).expect("owner reads"),
            b"x"
        );
    }
}
