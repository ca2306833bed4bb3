# Shared by run-app.sh and test-all.sh: installs what is missing, says what it does, and
# skips what is already there. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Debian/Ubuntu packages: WebKitGTK and the Tauri build chain; Xvfb, the WebKit WebDriver,
# poppler, and Chromium with its driver (the server's dashboard) for the tests.
APT_APP=(build-essential pkg-config curl file libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev fonts-noto-core)
APT_TEST=(xvfb xauth webkit2gtk-driver poppler-utils qpdf zbar-tools chromium chromium-driver dbus gnome-keyring)

ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get: install them with your package manager"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing packages (${missing[*]}): run as root or install sudo"
    sudo=(sudo)
    say "installing system packages with sudo (you may be asked for your password): ${missing[*]}"
  else
    say "installing system packages: ${missing[*]}"
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_toolchains() {
  command -v cargo >/dev/null || die "Rust is not installed: install it with rustup (https://rustup.rs), then run this again"
  command -v npm >/dev/null || die "Node.js 20 or newer with npm is not installed: install it, then run this again"
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$node_major" -ge 20 ] || die "Node.js $node_major is too old: the UI build needs Node.js 20 or newer"
}

ensure_ui() {
  if [ ! -d "$ROOT/ui/node_modules" ] || [ "$ROOT/ui/package.json" -nt "$ROOT/ui/node_modules" ]; then
    say "installing the UI's node modules"
    # npm ci would refuse the lock file: the registry mirror lacks other platforms' optional packages.
    npm --prefix "$ROOT/ui" install --no-audit --no-fund --loglevel=error
    touch "$ROOT/ui/node_modules"
  fi
  say "building the UI (ui/dist)"
  npm --prefix "$ROOT/ui" run --silent build >/dev/null
}

ensure_tauri_driver() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if ! command -v tauri-driver >/dev/null; then
    say "installing tauri-driver 2.1.0 (about a minute)"
    cargo install tauri-driver --version 2.1.0 --locked --quiet
  fi
}

# The server's tests use the PostgreSQL on 127.0.0.1:5432 (trust authentication for the
# postgres user, or OVOP_TEST_POSTGRES): start its cluster when it is installed but down.
ensure_postgres() {
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
    return 0
  fi
  if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then
    say "starting PostgreSQL"
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null ||
    die "PostgreSQL is not answering on 127.0.0.1:5432: install and start it (apt-get install postgresql), allow the postgres user by trust on 127.0.0.1, or set OVOP_TEST_POSTGRES to a libpq connection string"
}

# Windows builds, made here: the mingw-w64 cross toolchain, Wine to run the tests, NSIS for the
# installer. Debian 12's Wine is 8.0 (64-bit only without i386 multiarch, which is enough).
WINDOWS_TARGET=x86_64-pc-windows-gnu
APT_WINDOWS=(mingw-w64 wine64 wine nsis)
# Debian's 64-bit Wine loader and server (Ubuntu's are the same paths).
WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver64

ensure_windows_tools() {
  ensure_apt "${APT_WINDOWS[@]}"
  if ! rustup target list --installed 2>/dev/null | grep -qx "$WINDOWS_TARGET"; then
    say "adding the Rust target $WINDOWS_TARGET"
    rustup target add "$WINDOWS_TARGET"
  fi
  # Warnings are errors for the Windows builds too (not for the build scripts run here).
  export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS="-D warnings"
}

# A Wine prefix (a Windows user's profile) in the folder $1, made once, quiet and headless:
# no Mono or Gecko, no debug channels. Wine 8.0 lacks bcryptprimitives.dll, where Rust's
# standard library finds ProcessPrng (Windows 10 and 11 have it): the prefix gets a stand-in
# built from packaging/windows/wine/bcryptprimitives.c, which only the tests use.
wine_env() {
  export WINEPREFIX="$1" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
}

ensure_wine_prefix() {
  wine_env "$1"
  local shim="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    say "making a Wine prefix in $WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    "$WINE" wineboot --init >/dev/null 2>&1 || true
    "$WINESERVER" -w
  fi
  # The temporary folder on drive Z: (the machine's own /), so the tests' files have Unix
  # paths too, for the machine's programs that check PDFs (tests/support/host.rs).
  local temp="$WINEPREFIX/temp"
  if [ ! -d "$temp" ]; then
    mkdir -p "$temp"
    local windows_temp="Z:${temp//\//\\}"
    "$WINE" reg add 'HKCU\Environment' /v TEMP /d "$windows_temp" /f >/dev/null 2>&1
    "$WINE" reg add 'HKCU\Environment' /v TMP /d "$windows_temp" /f >/dev/null 2>&1
    "$WINESERVER" -w
  fi
  if [ ! -f "$shim" ]; then
    x86_64-w64-mingw32-gcc -shared -O2 -s -o "$shim" \
      "$ROOT/packaging/windows/wine/bcryptprimitives.c" \
      "$ROOT/packaging/windows/wine/bcryptprimitives.def" -ladvapi32
  fi
}
