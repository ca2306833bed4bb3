#!/bin/sh
# Runs a program of the machine for a test that runs under Wine (tests/support/host.rs). Wine's
# start /unix passes on neither the program's output nor its exit status: both go to files,
# `$1` and `$1.status`, written once the program has ended.
out="$1"
shift
"$@" >"$out.partial" 2>/dev/null
status=$?
mv "$out.partial" "$out"
echo "$status" >"$out.status"
