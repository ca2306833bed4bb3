#!/usr/bin/env bash
# Builds the per-user Windows installer of OVOP Field on Linux, in one command:
# cross-compiles ovop-field.exe, ovop.exe and ovop-server.exe in release for
# x86_64-pc-windows-gnu, checks what DLLs they need, and runs makensis on
# packaging/windows/ovop-field.nsi. Prints the installer's path.
#
#   bash scripts/windows-installer.sh
#
# Environment:
#   OVOP_WINDOWS_BIN_DIR   a folder with ovop-field.exe, ovop.exe (and ovop-server.exe) built
#                          already: no cargo build, no UI build.
#   OVOP_WINDOWS_PROFILE   release (the default) or dev: unoptimised executables, as the test
#                          command packs them.
#   OVOP_INSTALLER_DIR     where to write the installer (default:
#                          $CARGO_TARGET_DIR/x86_64-pc-windows-gnu/<release|debug>/installer).
#   OVOP_INSTALLER_SERVER  0 leaves the office server out of the installer; by default it is
#                          an optional component, unticked (/SERVER ticks it in a silent install).
#
# What the installer does and its command-line switches: the head of the .nsi file.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

NSI="$ROOT/packaging/windows/ovop-field.nsi"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
WINDOWS_TARGET="${WINDOWS_TARGET:-x86_64-pc-windows-gnu}"
WITH_SERVER="${OVOP_INSTALLER_SERVER:-1}"
# release (the default) for an installer to hand out; dev builds unoptimised executables, which
# the test command packs to test the installer without a second optimised build of everything.
PROFILE="${OVOP_WINDOWS_PROFILE:-release}"
case "$PROFILE" in
  release) PROFILE_DIR=release ;;
  dev) PROFILE_DIR=debug ;;
  *) die "OVOP_WINDOWS_PROFILE is release or dev, not $PROFILE" ;;
esac
BIN_DIR="$TARGET_DIR/$WINDOWS_TARGET/$PROFILE_DIR"
OUT_DIR="${OVOP_INSTALLER_DIR:-$TARGET_DIR/$WINDOWS_TARGET/$PROFILE_DIR/installer}"

# The workspace's version: `version = "..."` under [workspace.package] in Cargo.toml.
VERSION="$(awk '
  /^\[/ { section = $0; next }
  section == "[workspace.package]" && $1 == "version" { gsub(/[" ]/, "", $3); print $3; exit }
' "$ROOT/Cargo.toml")"
[ -n "$VERSION" ] || die "no version under [workspace.package] in Cargo.toml"
# Windows' version resource takes four numbers: 0.1.0-beta.2 is 0.1.0.0 there.
VIVERSION="$(sed -E 's/[-+].*//' <<<"$VERSION")"
while [ "$(tr -cd . <<<"$VIVERSION" | wc -c)" -lt 3 ]; do VIVERSION="$VIVERSION.0"; done

exes=(ovop-field.exe ovop.exe)
[ "$WITH_SERVER" = 0 ] || exes+=(ovop-server.exe)

if [ -n "${OVOP_WINDOWS_BIN_DIR:-}" ]; then
  ensure_apt nsis mingw-w64
  BIN_DIR="$(cd "$OVOP_WINDOWS_BIN_DIR" && pwd)"
  say "using the executables in $BIN_DIR"
else
  ensure_toolchains
  ensure_windows_tools
  # The app embeds ui/dist when it is compiled: build the UI first, when a source is newer than
  # ui/dist (a new ui/dist recompiles the app).
  if [ ! -f "$ROOT/ui/dist/index.html" ] || [ -n "$(find "$ROOT/ui" \
    \( -path "$ROOT/ui/node_modules" -o -path "$ROOT/ui/dist" \) -prune -o \
    -type f -newer "$ROOT/ui/dist/index.html" -print -quit)" ]; then
    ensure_ui
  else
    say "the UI (ui/dist) is up to date"
  fi
  # The three always, even when the server stays out: the same packages resolve the same
  # features, so the build cache serves both.
  if [ "$PROFILE" = release ]; then
    say "building ovop-field.exe, ovop.exe and ovop-server.exe in release for $WINDOWS_TARGET (10 minutes or more the first time)"
    cargo build --release --target "$WINDOWS_TARGET" -p ovop-field -p ovop -p ovop-server --bins
  else
    say "building ovop-field.exe, ovop.exe and ovop-server.exe unoptimised for $WINDOWS_TARGET (to test the installer)"
    cargo build --target "$WINDOWS_TARGET" -p ovop-field -p ovop -p ovop-server --bins
  fi
fi
command -v makensis >/dev/null || die "makensis is missing: apt-get install nsis"
command -v x86_64-w64-mingw32-objdump >/dev/null || die "x86_64-w64-mingw32-objdump is missing: apt-get install mingw-w64"
for exe in "${exes[@]}"; do
  [ -f "$BIN_DIR/$exe" ] || die "$BIN_DIR/$exe is missing"
done

# What the executables need beside them. Windows' own DLLs (those Wine also provides, and
# bcryptprimitives.dll, which Windows 10 and 11 have and Wine 8 lacks) are not shipped; the
# WebView2 loader and the MinGW runtime DLLs would be, found where the build or MinGW put them.
# Anything else is an error: the installed app would not start.
dll_imports() {
  x86_64-w64-mingw32-objdump -p "$1" | sed -nE 's/^[[:space:]]*DLL Name: (.*)$/\1/p' | tr -d '\r' | sort -fu
}
WINE_DLLS=""
for dir in /usr/lib/x86_64-linux-gnu/wine/x86_64-windows /usr/lib/wine/x86_64-windows /usr/lib64/wine/x86_64-windows; do
  [ -d "$dir" ] && WINE_DLLS="$(ls "$dir" | tr '[:upper:]' '[:lower:]')" && break
done
is_system_dll() {
  local lower="${1,,}"
  case "$lower" in
    api-ms-win-* | ext-ms-win-* | bcryptprimitives.dll) return 0 ;;
  esac
  if [ -n "$WINE_DLLS" ]; then
    grep -qxF "$lower" <<<"$WINE_DLLS"
  else
    case "$lower" in
      kernel32.dll | ntdll.dll | user32.dll | gdi32.dll | advapi32.dll | shell32.dll | ole32.dll | \
      oleaut32.dll | combase.dll | ws2_32.dll | crypt32.dll | bcrypt.dll | msvcrt.dll | userenv.dll | \
      comctl32.dll | comdlg32.dll | dwmapi.dll | uxtheme.dll | shlwapi.dll | version.dll | secur32.dll | \
      ncrypt.dll | iphlpapi.dll | dbghelp.dll | propsys.dll | winmm.dll | imm32.dll | powrprof.dll | \
      credui.dll | netapi32.dll | winspool.drv | setupapi.dll | rpcrt4.dll | d3d11.dll | dxgi.dll) return 0 ;;
    esac
    return 1
  fi
}
find_dll() {
  local name="$1" found
  found="$(find "$BIN_DIR" "$TARGET_DIR/$WINDOWS_TARGET/$PROFILE_DIR/build" \
    /usr/lib/gcc/x86_64-w64-mingw32 /usr/x86_64-w64-mingw32/lib \
    -maxdepth 4 -iname "$name" 2>/dev/null |
    grep -v -e '/arm64/' -e '/x86/' -e '-win32/' | head -1 || true)"
  printf '%s' "$found"
}
extra=()
queue=("${exes[@]/#/$BIN_DIR/}")
seen=" "
while [ ${#queue[@]} -gt 0 ]; do
  file="${queue[0]}"
  queue=("${queue[@]:1}")
  imports="$(dll_imports "$file")"
  say "$(basename "$file") imports: $(tr '\n' ' ' <<<"$imports")"
  while IFS= read -r dll; do
    [ -n "$dll" ] || continue
    is_system_dll "$dll" && continue
    case "$seen" in *" ${dll,,} "*) continue ;; esac
    seen="$seen${dll,,} "
    path="$(find_dll "$dll")"
    [ -n "$path" ] || die "$(basename "$file") needs $dll, which is neither a Windows DLL nor found in the build or MinGW"
    x86_64-w64-mingw32-objdump -f "$path" | grep -q 'file format pei-x86-64' ||
      die "$path is not a 64-bit Windows DLL"
    say "shipping $dll beside the executables ($path)"
    extra+=("$path")
    queue+=("$path")
  done <<<"$imports"
done

mkdir -p "$OUT_DIR"
OUT="$OUT_DIR/OVOP-Field-$VERSION-setup.exe"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
EXTRA_NSH="$SCRATCH/extra-files.nsh"
{
  echo "; Written by scripts/windows-installer.sh: the DLLs the executables need beside them."
  echo "!macro EXTRA_FILES_INSTALL"
  for path in "${extra[@]}"; do echo "  File \"$path\""; done
  echo "!macroend"
  echo "!macro EXTRA_FILES_UNINSTALL"
  for path in "${extra[@]}"; do echo "  Delete \"\$INSTDIR\\$(basename "$path")\""; done
  echo "!macroend"
} >"$EXTRA_NSH"

defines=(-DVERSION="$VERSION" -DVIVERSION="$VIVERSION" -DBINDIR="$BIN_DIR" -DROOT="$ROOT"
  -DEXTRA_FILES="$EXTRA_NSH")
[ "$WITH_SERVER" = 0 ] || defines+=(-DWITH_SERVER)
say "makensis $(makensis -VERSION): $(basename "$OUT")"
# Written beside it and renamed: a test running meanwhile never sees half an installer.
partial="$OUT_DIR/.partial-$$.exe"
trap 'rm -rf "$SCRATCH" "$partial"' EXIT
defines+=(-DOUTFILE="$partial")
makensis -V2 -WX -INPUTCHARSET UTF8 "${defines[@]}" "$NSI"
[ -f "$partial" ] || die "makensis wrote no installer"
mv -f "$partial" "$OUT"
size="$(stat -c %s "$OUT")"
say "installer ($((size / 1024 / 1024)) MB, $size bytes): $OUT"
echo "$OUT"
