#!/usr/bin/env bash
# The Windows part of the test command: cross-compiles the workspace for x86_64-pc-windows-gnu
# with warnings denied, runs the test suites of core, protocol, store, sheets, sync and the
# command line under Wine, builds the per-user installer and tests it in a new Wine prefix.
# Installs what is missing first (mingw-w64, Wine, NSIS, the Rust target).
#
#   bash scripts/test-windows.sh
#
# The window's tests cannot run here (Wine has no WebView2): the README's "Windows" section
# lists what runs where.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_toolchains
ensure_windows_tools
cd "$ROOT"

say "Windows: lints for $WINDOWS_TARGET (clippy, warnings denied; no unwrap or expect outside tests)"
cargo clippy --target "$WINDOWS_TARGET" --workspace --lib --bins --tests --quiet -- -D warnings
cargo clippy --target "$WINDOWS_TARGET" --workspace --lib --bins --quiet -- \
  -D warnings -D clippy::unwrap_used -D clippy::expect_used

# The test prefix lives beside the build cache, made once per machine.
ensure_wine_prefix "${OVOP_WINE_PREFIX:-${CARGO_TARGET_DIR:-$ROOT/target}/wine-tests}"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$WINE"

say "Windows: the tests of core, protocol, store, sheets, sync and the command line, and the device token's keyring, under Wine"
suites=(-p ovop-core -p ovop-protocol -p ovop-store -p ovop-sheets -p ovop-sync -p ovop)
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
if cargo nextest --version >/dev/null 2>&1; then
  # Of the app's tests, the device token's keyring; of the command line's, all but the long
  # sync scenarios (20 minutes under Wine; OVOP_WINE_ALL=1 runs them too).
  filter='not package(ovop-app) or binary(keyring) or binary(keyring_absent)'
  if [ "${OVOP_WINE_ALL:-0}" != 1 ]; then
    filter="($filter) and not (package(ovop) and (binary(/^sync_(faults|random|edits|history|round_trip|vietnam|office_set|imported_set)\$/) or test(sigkill_at_random_instants)))"
  fi
  cargo nextest run --target "$WINDOWS_TARGET" "${suites[@]}" -p ovop-app --no-fail-fast \
    -E "$filter" 2>&1 | tee "$log" || status=$?
  summary="$(grep -E '^ *Summary' "$log" | tail -1)"
  passed="$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$summary")"
  failed="$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$summary")"
else
  { cargo test --target "$WINDOWS_TARGET" "${suites[@]}" --no-fail-fast &&
    cargo test --target "$WINDOWS_TARGET" -p ovop-app --test keyring --test keyring_absent; } 2>&1 |
    tee "$log" || status=$?
  passed="$(sed -nE 's/^test result: .* ([0-9]+) passed.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')"
  failed="$(sed -nE 's/^test result: .* ([0-9]+) failed.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')"
fi
"$WINESERVER" -k 2>/dev/null || true
say "Windows tests under Wine: ${passed:-0} passed, ${failed:-0} failed"
[ "$status" -eq 0 ] || die "Windows tests under Wine failed"

if [ -f "$ROOT/scripts/windows-installer.sh" ]; then
  say "Windows: the installer"
  bash "$ROOT/scripts/windows-installer.sh"
  bash "$ROOT/scripts/windows-installer-test.sh"
fi
