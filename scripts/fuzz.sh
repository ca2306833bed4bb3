#!/usr/bin/env bash
# Fuzzes the sync protocol's request parsers (crates/protocol/fuzz) for a short while each,
# installing cargo-fuzz when it is missing. Exits non-zero if any target crashes; the crashing
# input is kept in crates/protocol/fuzz/artifacts/<target>/.
#
#   FUZZ_SECONDS          time per target, default 30
#   FUZZ_SANITIZER        none (default) or address; see below
#   OVOP_FUZZ_TARGET_DIR  build directory, default ~/.cache/ovop-fuzz-target (kept apart from
#                         the workspace's own build so the two never wait on each other)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

SECONDS_EACH="${FUZZ_SECONDS:-30}"
# target:max_len. A push of 64 KiB holds plenty of records; a blob name and query fit in 512.
TARGETS=(push:65536 blob_chunk:512)

export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${OVOP_FUZZ_TARGET_DIR:-$HOME/.cache/ovop-fuzz-target}"
# The protocol is safe Rust: panics, overflows and failed assertions are caught without a
# sanitizer, on a stable toolchain, about five times faster. AddressSanitizer takes the
# nightly-only -Zsanitizer, which RUSTC_BOOTSTRAP lets a stable toolchain accept.
SANITIZER="${FUZZ_SANITIZER:-none}"
[ "$SANITIZER" = none ] || export RUSTC_BOOTSTRAP=1

command -v cargo >/dev/null || die "Rust is not installed: install it with rustup (https://rustup.rs), then run this again"
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (about two to three minutes)"
  cargo install cargo-fuzz --locked --quiet
fi

# New corpus entries go to a scratch directory; the committed seeds are only read.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

cd "$ROOT/crates/protocol"
say "building the fuzz targets into $CARGO_TARGET_DIR"
cargo fuzz build --sanitizer "$SANITIZER"

failed=()
for entry in "${TARGETS[@]}"; do
  target="${entry%%:*}"
  max_len="${entry#*:}"
  say "fuzzing $target for ${SECONDS_EACH}s"
  mkdir -p "$scratch/$target"
  if ! cargo fuzz run --sanitizer "$SANITIZER" "$target" "$scratch/$target" "fuzz/corpus/$target" -- \
    -max_total_time="$SECONDS_EACH" -max_len="$max_len" -print_final_stats=1; then
    failed+=("$target")
  fi
done

[ ${#failed[@]} -eq 0 ] || die "crashed: ${failed[*]} (inputs in crates/protocol/fuzz/artifacts/)"
say "no crash in ${#TARGETS[@]} targets"
