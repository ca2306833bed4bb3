#!/usr/bin/env bash
# Runs every test: the UI's checks and component tests, the region data's converter tests and
# checks, the Rust formatting and lint gates, then the whole Rust workspace with the end-to-end
# tests in the real app window under Xvfb, then the Windows builds and their tests under Wine
# (scripts/test-windows.sh). Installs what is missing first.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_toolchains
ensure_apt "${APT_APP[@]}" "${APT_TEST[@]}"
ensure_tauri_driver
ensure_ui
ensure_postgres

cd "$ROOT"
say "UI: type check"
npm --prefix ui run --silent check
say "UI: component tests"
npm --prefix ui run --silent test
say "Region data: converter tests"
python3 -m unittest discover -s tools/regions -p 'test_*.py'
python3 tools/regions/check_regions.py

# A tauri-driver left over from an interrupted run keeps the WebDriver ports: end it.
pkill -TERM -x tauri-driver 2>/dev/null || true
pkill -TERM -x WebKitWebDriver 2>/dev/null || true

say "Rust: formatting (cargo fmt --check)"
cargo fmt --all --check
say "Rust: lints (clippy, warnings denied; no unwrap or expect outside tests)"
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy --workspace --lib --bins --quiet -- -D warnings -D clippy::unwrap_used -D clippy::expect_used

say "Rust: build"
cargo build --workspace --all-targets --quiet
say "Rust: every test, the window tests under Xvfb"
runner=(cargo test --workspace --no-fail-fast)
if cargo nextest --version >/dev/null 2>&1; then
  runner=(cargo nextest run --workspace --no-fail-fast)
fi
xvfb-run -a -s "-screen 0 1366x768x24" "${runner[@]}"

say "Fuzzing the sync protocol's request parsers (${FUZZ_SECONDS:-20} s each)"
FUZZ_SECONDS="${FUZZ_SECONDS:-20}" bash "$ROOT/scripts/fuzz.sh"

# The Windows builds: cross-compiled, their tests under Wine, the installer built and tested.
bash "$ROOT/scripts/test-windows.sh"
