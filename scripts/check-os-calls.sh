#!/usr/bin/env bash
# Type-check and lint dossier-winsys's Windows and macOS code on this Linux machine, which
# has neither target's standard library (docs/decisions.md, "Locking with the OS
# session"). The crate's modules are compiled for Linux in a scratch crate under
# target/os-calls-check, against the very versions Cargo.lock holds:
# - windows-sys declares its functions on any system;
# - the objc2 crates are copied with their `kind = "framework"` link attributes taken out
#   (linking is not checked, only types, borrows and lints);
# - `std::os::windows::ffi::OsStrExt` (UTF-16 paths) is stood in for by a trait of the
#   same shape.
# Nothing is run: this proves the code compiles and is clippy-clean, not what it does.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/os-calls-check
rm -rf "$work"
mkdir -p "$work/src"

# Each dependency of dossier-winsys as its manifest gives it (the workspace's version where
# it names the workspace's), for Linux: its targets' dependencies, or its dev-dependencies.
deps() {
  python3 - "$root/Cargo.toml" "$root/crates/winsys/Cargo.toml" "$1" <<'EOF'
import sys, tomllib
workspace = tomllib.load(open(sys.argv[1], "rb"))["workspace"].get("dependencies", {})
manifest = tomllib.load(open(sys.argv[2], "rb"))
tables = (
    [t.get("dependencies", {}) for t in manifest.get("target", {}).values()]
    if sys.argv[3] == "normal"
    else [manifest.get("dev-dependencies", {})]
)
for table in tables:
    for name, spec in table.items():
        if isinstance(spec, str):
            spec = {"version": spec}
        if spec.pop("workspace", False):
            base = workspace[name]
            spec = {**({"version": base} if isinstance(base, str) else base), **spec}
        fields = ", ".join(
            f"{k} = {str(v).lower() if isinstance(v, bool) else repr(v).replace(chr(39), chr(34))}"
            for k, v in spec.items()
        )
        print(f"{name} = {{ {fields} }}")
EOF
}
cat > "$work/Cargo.toml" <<EOF
[package]
name = "os-calls-check"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
$(deps normal)

[dev-dependencies]
$(deps dev)

[lints.rust]
missing_debug_implementations = "warn"

[lints.clippy]
dbg_macro = "warn"
todo = "warn"
unwrap_used = "warn"
EOF
cp "$root/Cargo.lock" "$work/Cargo.lock"

# The modules, as the crate has them, with the stand-in for Windows' OsStrExt.
cp "$root/crates/winsys/src/macos.rs" "$work/src/macos.rs"
sed 's/^use std::os::windows::ffi::OsStrExt;/use crate::os_str_ext::OsStrExt;/' \
  "$root/crates/winsys/src/windows.rs" > "$work/src/windows.rs"
grep -q 'use crate::os_str_ext::OsStrExt;' "$work/src/windows.rs"
cat > "$work/src/lib.rs" <<'EOF'
//! dossier-winsys's Windows and macOS modules, type-checked on Linux.
#![deny(unsafe_op_in_unsafe_fn)]

pub mod macos;
pub mod windows;

mod os_str_ext {
    /// The shape of `std::os::windows::ffi::OsStrExt`.
    pub trait OsStrExt {
        fn encode_wide(&self) -> std::vec::IntoIter<u16>;
    }

    impl OsStrExt for std::ffi::OsStr {
        fn encode_wide(&self) -> std::vec::IntoIter<u16> {
            self.to_string_lossy().encode_utf16().collect::<Vec<_>>().into_iter()
        }
    }
}
EOF
# The objc2 crates' sources, as Cargo.lock resolves them, without framework links.
(cd "$work" && cargo fetch --quiet)
mkdir -p "$work/patched"
patches=""
for name in $(cd "$work" && cargo metadata --format-version 1 | python3 -c '
import json, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"].startswith("objc2"):
        print(p["name"] + "@" + p["manifest_path"])
'); do
  crate=${name%%@*}
  manifest=${name#*@}
  cp -r "$(dirname "$manifest")" "$work/patched/$crate"
  chmod -R u+w "$work/patched/$crate"
  grep -rl 'kind = "framework"' "$work/patched/$crate/src" | xargs -r sed -i \
    's/#\[link(name = "[A-Za-z0-9]*", kind = "framework")\]//'
  patches+="$crate = { path = \"patched/$crate\" }"$'\n'
done
printf '\n[patch.crates-io]\n%s' "$patches" >> "$work/Cargo.toml"

cd "$work"
cargo clippy --quiet --all-targets -- -D warnings
echo "dossier-winsys: the Windows and macOS code type-checks and is clippy-clean"
