//! How the webview draws on a Linux desktop with no GPU: software drawing, not software GL.
//!
//! WebKitGTK and GTK 3 set up OpenGL at start: GTK through GLX when it opens the display,
//! WebKit through EGL when it looks for the GPU its web process should render with. On a
//! machine with no GPU (a virtual machine, a remote desktop, a thin client, CI's Xvfb)
//! both land in Mesa's software rasteriser, which maps LLVM into the app: about 55 MiB of
//! its memory, for frames that are slower than plain software drawing (a scroll frame of
//! the library list: 60 ms with software GL, 24 ms without, measured by
//! `scripts/bench-app.sh`). With a GPU, nothing changes.
//!
//! The switches are environment variables read by GTK and WebKit, so the entry point sets
//! them before anything else starts (`main`). A switch the user has set is left as it is.

use std::ffi::OsStr;

/// The environment switches that make GTK and WebKitGTK draw without OpenGL:
/// - `GDK_GL=disable`: GTK does not set up GLX;
/// - `WEBKIT_DISABLE_DMABUF_RENDERER=1`: WebKit's web process draws into shared memory
///   rather than GPU buffers;
/// - `WEBKIT_WEB_RENDER_DEVICE_FILE`: names the GPU device, so WebKit does not set up EGL
///   to look for one. There is none; the value is a file that is not a GPU.
pub const SOFTWARE_DRAWING: [(&str, &str); 3] = [
    ("GDK_GL", "disable"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    ("WEBKIT_WEB_RENDER_DEVICE_FILE", "/dev/null"),
];

/// The switches to set on this machine: those of [`SOFTWARE_DRAWING`] the environment does
/// not already set, when the machine has no GPU; none otherwise (and none on Windows and
/// macOS, where the webview is not WebKitGTK).
pub fn environment_switches() -> Vec<(&'static str, &'static str)> {
    if !cfg!(target_os = "linux") || has_gpu() {
        return Vec::new();
    }
    unset_switches(|key| std::env::var_os(key).is_some())
}

/// The switches of [`SOFTWARE_DRAWING`] for which `is_set` says no.
fn unset_switches(is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    SOFTWARE_DRAWING
        .into_iter()
        .filter(|(key, _)| !is_set(key))
        .collect()
}

/// Whether the machine has a GPU that Mesa can render with: a DRM render node
/// (`/dev/dri/renderD128`, ...). An unreadable `/dev/dri` counts as none.
fn has_gpu() -> bool {
    let Ok(entries) = std::fs::read_dir("/dev/dri") else {
        return false;
    };
    entries.flatten().any(|e| is_render_node(&e.file_name()))
}

fn is_render_node(name: &OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with("renderD"))
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::{SOFTWARE_DRAWING, is_render_node, unset_switches};

    #[test]
    fn switches_the_user_set_are_left_alone() {
        assert_eq!(unset_switches(|_| false), SOFTWARE_DRAWING.to_vec());
        let left = unset_switches(|k| k == "GDK_GL");
        assert_eq!(left.len(), 2);
        assert!(left.iter().all(|(k, _)| *k != "GDK_GL"));
        assert!(unset_switches(|_| true).is_empty());
    }

    #[test]
    fn only_render_nodes_are_gpus() {
        assert!(is_render_node(OsStr::new("renderD128")));
        assert!(!is_render_node(OsStr::new("card0")));
        assert!(!is_render_node(OsStr::new("by-path")));
    }
}
