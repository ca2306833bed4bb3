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
# The app embeds the UI's build (test-all.sh has made it already).
[ -f "$ROOT/ui/dist/index.html" ] || ensure_ui
cd "$ROOT"

say "Windows: lints for $WINDOWS_TARGET (clippy, warnings denied; no unwrap or expect outside tests)"
cargo clippy --target "$WINDOWS_TARGET" --workspace --lib --bins --tests --quiet -- -D warnings
cargo clippy --target "$WINDOWS_TARGET" --workspace --lib --bins --quiet -- \
  -D warnings -D clippy::unwrap_used -D clippy::expect_used

# The test prefix lives beside the build cache, made once per machine.
ensure_wine_prefix "${OVOP_WINE_PREFIX:-${CARGO_TARGET_DIR:-$ROOT/target}/wine-tests}"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$WINE"

# The command line's sync test (crates/cli/tests/sync_native.rs) sends to the Linux server,
# running natively beside Wine: officer budi of Tapin, with a password.
say "Windows: the Linux server, for the sync test of the Windows command line"
cargo build --quiet -p ovop-server --bin ovop-server
server_bin="${CARGO_TARGET_DIR:-$ROOT/target}/debug/ovop-server"
server_data="$(mktemp -d)"
OVOP_PASSWORD=rahasia-budi-1 "$server_bin" --data "$server_data" add-user budi --regions 63.05 >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$server_bin" --data "$server_data" --listen "127.0.0.1:$port" serve >"$server_data/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$server_data"' EXIT
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break
  sleep 0.2
done
export OVOP_NATIVE_SERVER="http://127.0.0.1:$port"

# One Wine server for the whole run, its services started before the first test: tests that
# start processes while a fresh prefix's services were still starting saw CreateProcess fail
# (ERROR_INTERNAL_ERROR, 1359).
"$WINESERVER" -p
"$WINE" cmd /c exit >/dev/null 2>&1 || true

say "Windows: the tests of core, protocol, store, sheets, sync and the command line, and the device token's keyring, under Wine"
suites=(-p ovop-core -p ovop-protocol -p ovop-store -p ovop-sheets -p ovop-sync -p ovop)
log="$(mktemp)"
trap 'rm -f "$log"; kill "$server_pid" 2>/dev/null || true; rm -rf "$server_data"' EXIT
status=0
if cargo nextest --version >/dev/null 2>&1; then
  # Of the app's tests, the device token's keyring; of the command line's, all but the long
  # sync scenarios (20 minutes under Wine; OVOP_WINE_ALL=1 runs them too).
  filter='not package(ovop-app) or binary(keyring) or binary(keyring_absent)'
  if [ "${OVOP_WINE_ALL:-0}" != 1 ]; then
    filter="($filter) and not (package(ovop) and (binary(/^sync_(faults|random|edits|history|round_trip|vietnam|office_set|imported_set)\$/) or test(sigkill_at_random_instants)))"
  fi
  # A test that fails once under Wine is run once more; nextest reports it as flaky.
  cargo nextest run --target "$WINDOWS_TARGET" "${suites[@]}" -p ovop-app --no-fail-fast \
    --retries 1 -E "$filter" 2>&1 | tee "$log" || status=$?
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
flaky="$(sed -nE 's/.* ([0-9]+) flaky.*/\1/p' <<<"${summary:-}")"
say "Windows tests under Wine: ${passed:-0} passed, ${failed:-0} failed${flaky:+ ($flaky passed when run again)}"
[ "$status" -eq 0 ] || die "Windows tests under Wine failed"
# What the Windows command line sent is on the Linux server, once.
on_server="$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM record WHERE kind = '"'assessment'"'").fetchone()[0])' "$server_data/server.sqlite")"
[ "$on_server" -eq 3 ] || die "the Linux server holds $on_server assessments from the Windows command line, not 3"
say "the Linux server holds the 3 assessments the Windows command line sent"

# The installer, of unoptimised executables: the same installer as a release's, without a
# second, optimised build of everything (scripts/windows-installer.sh alone builds that).
say "Windows: the installer"
installer_dir="${CARGO_TARGET_DIR:-$ROOT/target}/$WINDOWS_TARGET/debug/installer"
OVOP_WINDOWS_PROFILE=dev OVOP_INSTALLER_DIR="$installer_dir" bash "$ROOT/scripts/windows-installer.sh"
version="$(sed -nE 's/^version = "(.*)"$/\1/p' "$ROOT/Cargo.toml" | head -1)"
bash "$ROOT/scripts/windows-installer-test.sh" "$installer_dir/OVOP-Field-$version-setup.exe"
