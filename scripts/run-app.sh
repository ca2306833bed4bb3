#!/usr/bin/env bash
# Builds and starts the OVOP Field desktop app, installing what is missing first.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_toolchains
ensure_apt "${APT_APP[@]}"
ensure_ui
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || die "no display: start the app from a desktop session (or under xvfb-run)"
say "building and starting the app (the first build takes a few minutes)"
cd "$ROOT"
exec cargo run --release --quiet --bin ovop-field
