#!/usr/bin/env bash
# Tests the Windows installer under Wine, headless, in a new Wine prefix (a new Windows user)
# that is deleted afterwards (OVOP_KEEP_PREFIX=1 keeps it and prints where it is).
#
#   bash scripts/windows-installer.sh          # builds the installer
#   bash scripts/windows-installer-test.sh [SETUP.EXE]
#
# Three rounds of a silent install (/S) and a silent uninstall:
#   1. the user's PATH holds two entries already; Windows speaks English; no WebView2 (Wine has
#      none): the files, the uninstall entry, the Start menu shortcut, the folder appended to
#      PATH (and not twice on a reinstall), the log's WebView2 advice, the command line run
#      from the installed folder and through PATH (criteria list, score); while the app runs
#      both the installer and the uninstaller refuse and change nothing. The uninstaller
#      removes all of it and keeps the officer's data folder.
#   2. Vietnamese, WebView2 registered, no PATH value, the office server (/SERVER): the
#      uninstaller with /REMOVEDATA deletes the data folder, and the PATH value it created.
#   3. Indonesian, a PATH longer than the installer can read whole: left untouched, and said.
# Each check prints `ok - ...` or `not ok - ...`; the last line is
# `windows installer: N passed, M failed`, and the exit status is non-zero when M > 0.
#
# OVOP_INSTALLER_SERVER=0: the installer was built without the office server.
#
# What Wine cannot show: the app's window (Wine has no WebView2: ovop-field.exe, not started
# here, shows WebView2's own "Could not find the WebView2 Runtime" box under a display) and,
# headless, the interactive pages (the components page, the uninstaller's data checkbox and
# its confirmation, the WebView2 message box).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VERSION="$(awk '
  /^\[/ { section = $0; next }
  section == "[workspace.package]" && $1 == "version" { gsub(/[" ]/, "", $3); print $3; exit }
' "$ROOT/Cargo.toml")"
SETUP="${1:-${OVOP_INSTALLER_DIR:-$TARGET_DIR/x86_64-pc-windows-gnu/release/installer}/OVOP-Field-$VERSION-setup.exe}"
[ -f "$SETUP" ] || die "no installer at $SETUP: run scripts/windows-installer.sh first"

ensure_apt wine64 wine mingw-w64 jq
WINE="${WINE:-/usr/lib/wine/wine64}"
WINESERVER="${WINESERVER:-/usr/lib/wine/wineserver64}"
[ -x "$WINE" ] || WINE="$(command -v wine64 || command -v wine)"
[ -x "$WINESERVER" ] || WINESERVER="$(command -v wineserver)"

WORK="$(mktemp -d)"
cleanup() {
  WINEPREFIX="$WORK/prefix" "$WINESERVER" -k 2>/dev/null || true
  if [ "${OVOP_KEEP_PREFIX:-0}" = 1 ]; then
    say "the Wine prefix is kept in $WORK/prefix"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# A copy: the installer may be rebuilt while this runs.
cp "$SETUP" "$WORK/setup.exe"
say "installer: $SETUP ($(stat -c %s "$SETUP") bytes)"
SETUP="$WORK/setup.exe"

say "a new Wine prefix in $WORK/prefix (about 10 s)"
mkdir -p "$WORK/prefix"
ensure_wine_prefix "$WORK/prefix"
export LC_ALL=C.UTF-8

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok - %s\n' "$1"; }
not_ok() {
  failed=$((failed + 1))
  printf 'not ok - %s\n' "$1"
  [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/#   /'
}
# check NAME COMMAND...: the command's success.
check() {
  local name="$1"
  shift
  if "$@"; then ok "$name"; else not_ok "$name"; fi
}
# check_eq NAME ACTUAL EXPECTED
check_eq() {
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $3"$'\n'"actual:   $2"; fi
}
# check_has NAME TEXT PATTERN (an extended regular expression)
check_has() {
  if grep -qE -- "$3" <<<"$2"; then ok "$1"; else not_ok "$1" "no match for /$3/ in:"$'\n'"$2"; fi
}

w() { "$WINE" "$@"; }
# A Windows command's standard output, without the CRs; its exit status is not kept (checks
# look at the output).
wq() { { "$WINE" "$@" 2>/dev/null || true; } | tr -d '\r'; }
wait_wine() { "$WINESERVER" -w; }
win_env() { wq cmd /c echo "%$1%"; }
unix_path() { wq winepath -u "$1"; }
# reg_value KEY NAME: the value's data (fails when it is absent); reg_type KEY NAME: its type.
reg_line() { wq reg query "$1" /v "$2" | grep -E "^ +$2 +REG_"; }
reg_value() { reg_line "$1" "$2" | sed -E "s/^ +$2 +REG_[A-Z_]+ {4}//"; }
reg_type() { reg_line "$1" "$2" | sed -E "s/^ +$2 +(REG_[A-Z_]+).*/\1/"; }
key_exists() { "$WINE" reg query "$1" >/dev/null 2>&1; }
log_text() { { iconv -f UTF-16 -t UTF-8 "$INSTALL/install-log.txt" 2>/dev/null || true; } | tr -d '\r'; }

# Windows' display language for Wine comes from the Unix locale: Indonesian and Vietnamese are
# compiled into a private folder when the system has their sources.
LOCALES="$WORK/locales"
mkdir -p "$LOCALES"
have_locale() {
  [ -d "$LOCALES/$1" ] || localedef -i "${1%.UTF-8}" -f UTF-8 "$LOCALES/$1" >/dev/null 2>&1 ||
    return 1
}
# install [LOCALE] [ARGS...] and uninstall [ARGS...]: silent, waiting for every process.
install() {
  local locale="$1"
  shift
  if [ "$locale" != C.UTF-8 ] && have_locale "$locale"; then
    LOCPATH="$LOCALES" LC_ALL="$locale" "$WINE" "$SETUP" /S "$@" 2>/dev/null
  else
    "$WINE" "$SETUP" /S "$@" 2>/dev/null
  fi
  local status=$?
  wait_wine
  return $status
}
uninstall() {
  # The uninstaller copies itself to %TEMP% and returns at once; the copy does the work.
  "$WINE" "$INSTALL/Uninstall.exe" /S "$@" 2>/dev/null || return $?
  wait_wine
  local i
  for i in $(seq 1 30); do
    [ -e "$INSTALL/Uninstall.exe" ] || return 0
    sleep 1
  done
  return 1
}

LOCALAPPDATA_WIN="$(win_env LOCALAPPDATA)"
APPDATA_WIN="$(win_env APPDATA)"
INSTALL_WIN="$LOCALAPPDATA_WIN\\Programs\\OVOP Field"
INSTALL="$(unix_path "$INSTALL_WIN")"
DATA="$(unix_path "$LOCALAPPDATA_WIN\\org.ovopfield.app")"
SHORTCUT="$(unix_path "$APPDATA_WIN\\Microsoft\\Windows\\Start Menu\\Programs\\OVOP Field.lnk")"
UNINST_KEY='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\OVOP Field'
ENV_KEY='HKCU\Environment'
WV2_KEY='HKCU\Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}'
[ -n "$LOCALAPPDATA_WIN" ] && [ -n "$INSTALL" ] || die "Wine does not answer in $WORK/prefix"

# The scores: every criterion of the cereal sheet (ocop-1048-02, shipped) at its second level,
# or "na" where it applies only when another scores enough and that one does not. The expected
# total and star are computed here from the set's own file.
SET="$ROOT/assets/criteria/sets/ocop-1048-02.json"
SET_ID="$(jq -r .id "$SET")"
SET_DAY="$(jq -r .effective.from "$SET")"
scored="$(jq -c '
  [.parts[].sections[].criteria[]] as $all
  | ($all | map({key: .code, value: .levels[1].points}) | from_entries) as $points
  | $all | map(
      if .applies_if and ($points[.applies_if.criterion] < .applies_if.min_points)
      then {code, answer: "na", points: 0}
      else {code, answer: 2, points: .levels[1].points} end)' "$SET")"
EXPECTED_TOTAL="$(jq '[.[].points] | add' <<<"$scored")"
MAX_TOTAL="$(jq .max_total "$SET")"
EXPECTED_STAR="$(jq --argjson total "$EXPECTED_TOTAL" \
  '[.stars.bands[] | select(.min <= $total) | .star] | max' "$SET")"
mkdir -p "$WORK/prefix/drive_c/ovop-test"
jq -n --arg id "$SET_ID" --argjson scored "$scored" \
  '{criteria: $id, answers: ($scored | map({key: .code, value: .answer}) | from_entries)}' \
  >"$WORK/prefix/drive_c/ovop-test/answers.json"
ANSWERS_WIN='C:\ovop-test\answers.json'
EXPECTED_IDS="$(for f in "$ROOT"/assets/criteria/sets/*.json; do jq -r .id "$f"; done | sort)"

# --- 1. English, a PATH with entries, no WebView2 --------------------------------------------
say "1. install (English, the user's PATH holds two entries, no WebView2)"
OLD_PATH='C:\Tools;%USERPROFILE%\bin'
w reg add "$ENV_KEY" /v Path /t REG_EXPAND_SZ /d "$OLD_PATH" /f >/dev/null 2>&1
check "silent install exits 0" install C.UTF-8
for f in ovop-field.exe ovop.exe Uninstall.exe install-log.txt; do
  check "installed: $f" test -f "$INSTALL/$f"
done
check "the office server is not installed unless asked" test ! -e "$INSTALL/ovop-server.exe"
check "Start menu shortcut: OVOP Field.lnk" test -f "$SHORTCUT"
check_eq "uninstall entry: DisplayName" "$(reg_value "$UNINST_KEY" DisplayName)" "OVOP Field"
check_eq "uninstall entry: DisplayVersion" "$(reg_value "$UNINST_KEY" DisplayVersion)" "$VERSION"
check_eq "uninstall entry: Publisher" "$(reg_value "$UNINST_KEY" Publisher)" "OVOP Field"
check_eq "uninstall entry: InstallLocation" "$(reg_value "$UNINST_KEY" InstallLocation)" "$INSTALL_WIN"
check_eq "uninstall entry: UninstallString" "$(reg_value "$UNINST_KEY" UninstallString)" "\"$INSTALL_WIN\\Uninstall.exe\""
check_eq "uninstall entry: QuietUninstallString" "$(reg_value "$UNINST_KEY" QuietUninstallString)" "\"$INSTALL_WIN\\Uninstall.exe\" /S"
check_eq "uninstall entry: DisplayIcon" "$(reg_value "$UNINST_KEY" DisplayIcon)" "$INSTALL_WIN\\ovop-field.exe,0"
check_eq "uninstall entry: NoModify" "$(reg_value "$UNINST_KEY" NoModify)" "0x1"
check_eq "uninstall entry: NoRepair" "$(reg_value "$UNINST_KEY" NoRepair)" "0x1"
size="$(reg_value "$UNINST_KEY" EstimatedSize || true)"
check "uninstall entry: EstimatedSize is the folder's size in KB ($size)" \
  test "$((${size:-0}))" -ge "$(($(du -sk "$INSTALL" | cut -f1) / 2))"
check_eq "PATH: the folder appended, the entries before it kept" \
  "$(reg_value "$ENV_KEY" Path)" "$OLD_PATH;$INSTALL_WIN"
check_eq "PATH: still REG_EXPAND_SZ" "$(reg_type "$ENV_KEY" Path)" "REG_EXPAND_SZ"
log="$(log_text)"
check_has "log: in English (Windows speaks English)" "$log" "^OVOP Field $VERSION installation log"
check_has "log: WebView2 missing, the advice written and the install not stopped" "$log" \
  'Microsoft Edge WebView2 Runtime is not installed.*$'
check_has "log: the advice names the runtime and the command line" "$log" \
  'Install "Microsoft Edge WebView2 Runtime" from Microsoft'
check_has "log: the PATH change" "$log" "Added .*OVOP Field to the user's PATH"

say "1. the command line from the installed folder and through PATH"
out="$(wq "$INSTALL/ovop.exe" --version)"
check_eq "ovop.exe --version" "$out" "ovop $VERSION"
out="$(wq "$INSTALL/ovop.exe" criteria list)"
listed="$(awk 'NR > 1 { print $1 }' <<<"$out" | sort)"
check_eq "ovop.exe criteria list: the $(wc -l <<<"$EXPECTED_IDS") shipped sets" "$listed" "$EXPECTED_IDS"
check_has "ovop.exe criteria list: names in the set's language" "$out" \
  "^$SET_ID +.*Chế biến từ gạo, ngũ cốc"
out="$(wq "$INSTALL/ovop.exe" score --criteria "$SET_ID" --answers "$ANSWERS_WIN" --date "$SET_DAY")"
check_has "ovop.exe score: total $EXPECTED_TOTAL / $MAX_TOTAL" "$out" \
  "^  total +$EXPECTED_TOTAL / $MAX_TOTAL\$"
check_has "ovop.exe score: official star $EXPECTED_STAR" "$out" "^official star: $EXPECTED_STAR "
json="$(wq "$INSTALL/ovop.exe" score --criteria "$SET_ID" --answers "$ANSWERS_WIN" --date "$SET_DAY" --json)"
check_eq "ovop.exe score --json: total, star" \
  "$(jq -c '[.total, .star]' <<<"$json" 2>&1)" "[$EXPECTED_TOTAL,$EXPECTED_STAR]"
out="$(wq cmd /c 'cd /d C:\ && ovop --version')"
check_eq "ovop found through PATH in a new command prompt" "$out" "ovop $VERSION"

say "1. the data folder the command line makes when none is given"
wq "$INSTALL/ovop.exe" db init >/dev/null
check "ovop.exe db init: the database under %LOCALAPPDATA%\\org.ovopfield.app" test -s "$DATA/ovop.sqlite"
check "nothing in the roaming application data" \
  test ! -e "$(unix_path "$APPDATA_WIN\\org.ovopfield.app")"
rm -rf "$DATA"

say "1. install and uninstall while the app is running"
# A stand-in for the running app: it holds a file open without write sharing, as Windows does
# with a running program's file, for some seconds, and says when it holds it.
cat >"$WORK/hold.c" <<'EOF_C'
#include <windows.h>
int wmain(int argc, wchar_t **argv) {
    if (argc < 4) return 2;
    HANDLE file = CreateFileW(argv[1], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return 1;
    HANDLE ready = CreateFileW(argv[3], GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    CloseHandle(ready);
    Sleep(_wtoi(argv[2]) * 1000);
    return 0;
}
EOF_C
x86_64-w64-mingw32-gcc -municode -O2 -s -o "$WORK/prefix/drive_c/ovop-test/hold.exe" "$WORK/hold.c"
rm -f "$WORK/prefix/drive_c/ovop-test/ready"
"$WINE" 'C:\ovop-test\hold.exe' "$INSTALL_WIN\ovop-field.exe" 8 'C:\ovop-test\ready' 2>/dev/null &
for _ in $(seq 1 50); do [ -e "$WORK/prefix/drive_c/ovop-test/ready" ] && break; sleep 0.2; done
status=0
"$WINE" "$SETUP" /S 2>/dev/null || status=$?
check_eq "install refused while OVOP Field runs (exit code 2)" "$status" 2
"$WINE" "$INSTALL/Uninstall.exe" /S 2>/dev/null || true
sleep 4 # the uninstaller's copy in %TEMP% gives up at once; wait for the app to end
wait_wine
check "uninstall refused while OVOP Field runs: the program stays" test -f "$INSTALL/ovop-field.exe"
check_eq "uninstall refused while OVOP Field runs: PATH untouched" \
  "$(reg_value "$ENV_KEY" Path)" "$OLD_PATH;$INSTALL_WIN"
check "uninstall refused while OVOP Field runs: the entry stays" key_exists "$UNINST_KEY"

say "1. install again over it"
check "second silent install exits 0" install C.UTF-8
check_eq "PATH: the folder not added twice" "$(reg_value "$ENV_KEY" Path)" "$OLD_PATH;$INSTALL_WIN"
check_has "log: the folder already on PATH" "$(log_text)" "is already on the user's PATH"

say "1. uninstall, keeping the officer's data"
mkdir -p "$DATA/photos"
printf 'the officer'"'"'s assessments\n' >"$DATA/ovop.sqlite"
printf 'jpeg\n' >"$DATA/photos/1.jpg"
check "silent uninstall finishes" uninstall
check "program folder gone" test ! -e "$INSTALL"
check "Start menu shortcut gone" test ! -e "$SHORTCUT"
check "uninstall entry gone" bash -c '! "$0" reg query "$1" >/dev/null 2>&1' "$WINE" "$UNINST_KEY"
check_eq "PATH: exactly the folder removed" "$(reg_value "$ENV_KEY" Path)" "$OLD_PATH"
check_eq "officer's data kept: ovop.sqlite" "$(cat "$DATA/ovop.sqlite" 2>&1)" "the officer's assessments"
check "officer's data kept: photos" test -f "$DATA/photos/1.jpg"

# --- 2. Vietnamese, WebView2 registered, no PATH value, the server, /REMOVEDATA --------------
say "2. install (Vietnamese, WebView2 registered, no PATH value, with the office server)"
w reg delete "$ENV_KEY" /v Path /f >/dev/null 2>&1 || true
w reg add "$WV2_KEY" /v pv /t REG_SZ /d 120.0.2210.91 /f >/dev/null 2>&1
check "silent install with /SERVER exits 0" install vi_VN.UTF-8 /SERVER
if [ "${OVOP_INSTALLER_SERVER:-1}" = 0 ]; then
  check "no ovop-server.exe (built with OVOP_INSTALLER_SERVER=0)" test ! -e "$INSTALL/ovop-server.exe"
else
  check "installed: ovop-server.exe" test -f "$INSTALL/ovop-server.exe"
  check_eq "ovop-server.exe --version" "$(wq "$INSTALL/ovop-server.exe" --version)" "ovop-server $VERSION"
fi
check_eq "PATH: created with the folder alone" "$(reg_value "$ENV_KEY" Path)" "$INSTALL_WIN"
log="$(log_text)"
if have_locale vi_VN.UTF-8; then
  check_has "log: in Vietnamese (Windows speaks Vietnamese)" "$log" "^Nhật ký cài đặt OVOP Field $VERSION"
  check_has "log: WebView2 found, with its version" "$log" \
    '^Đã tìm thấy Microsoft Edge WebView2 Runtime \(phiên bản 120\.0\.2210\.91\)\.$'
else
  printf 'ok - log in Vietnamese # SKIP no vi_VN locale sources for localedef\n'
  check_has "log: WebView2 found, with its version" "$log" '120\.0\.2210\.91'
fi
check "officer's data still there before the uninstall" test -f "$DATA/ovop.sqlite"
check "silent uninstall with /REMOVEDATA finishes" uninstall /REMOVEDATA
check "officer's data removed with /REMOVEDATA" test ! -e "$DATA"
check "program folder gone (with the server)" test ! -e "$INSTALL"
check "PATH: the value it created removed" bash -c '! "$0" reg query "$1" /v Path >/dev/null 2>&1' "$WINE" "$ENV_KEY"
w reg delete "$WV2_KEY" /f >/dev/null 2>&1 || true

# --- 3. Indonesian, a PATH too long to rewrite -----------------------------------------------
LONG_PATH="$(for i in $(seq -w 1 60); do printf 'C:\\Tools\\Field kit %s\\bin;' "$i"; done)"
LONG_PATH="${LONG_PATH%;}"
say "3. install (Indonesian, a PATH of ${#LONG_PATH} characters)"
w reg add "$ENV_KEY" /v Path /t REG_EXPAND_SZ /d "$LONG_PATH" /f >/dev/null 2>&1
check_eq "the long PATH is set (${#LONG_PATH} characters)" "$(reg_value "$ENV_KEY" Path)" "$LONG_PATH"
check "silent install exits 0" install id_ID.UTF-8
check "installed: ovop.exe" test -f "$INSTALL/ovop.exe"
check_eq "PATH: the long value left untouched" "$(reg_value "$ENV_KEY" Path)" "$LONG_PATH"
log="$(log_text)"
if have_locale id_ID.UTF-8; then
  check_has "log: in Indonesian (Windows speaks Indonesian)" "$log" "^Catatan pemasangan OVOP Field $VERSION"
  check_has "log: the PATH left as it was, and what to do" "$log" \
    "PATH pengguna terlalu panjang .* tambahkan .*OVOP Field ke PATH secara manual"
  check_has "log: WebView2 missing, in Indonesian" "$log" \
    '^Microsoft Edge WebView2 Runtime belum terpasang di komputer ini'
else
  printf 'ok - log in Indonesian # SKIP no id_ID locale sources for localedef\n'
fi
check "silent uninstall finishes" uninstall
check_eq "PATH: the long value still untouched" "$(reg_value "$ENV_KEY" Path)" "$LONG_PATH"
check "program folder gone" test ! -e "$INSTALL"

echo "windows installer: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
