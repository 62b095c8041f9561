#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the VM: load isolate, run commands in a cell under the
# built-in default policy, show what was allowed, what was refused, and
# the events the kernel reported.
set -u

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

mkdir -p /srv/demo
echo "hello from /srv/demo/allowed" > /srv/demo/allowed
echo "top secret" > /srv/demo/secret

step "isolate-loader load"
isolate-loader load || exit 1

step "isolate-loader supervise (the one reader of the kernel's event rings)"
isolate-loader supervise --out /tmp/supervise.jsonl &
supervisor=$!
echo "supervisor: pid $supervisor, events in /tmp/supervise.jsonl, served to every reader"

step "isolate-loader policy fmt (the built-in default policy)"
isolate-loader policy fmt --default

step "in a cell: cat /srv/demo/allowed (granted)"
isolate-loader run -- cat /srv/demo/allowed
allowed=$?
echo "exit status: $allowed"

step "in a cell: cat /srv/demo/secret (not granted)"
isolate-loader run -- cat /srv/demo/secret
refused=$?
echo "exit status: $refused"

step "outside any cell: cat /srv/demo/secret"
cat /srv/demo/secret

sleep 1	# the supervisor reads the rings every 100 ms
step "isolate-loader events (what the kernel reported, from the supervisor, in time order)"
isolate-loader events | tee /tmp/events

step "once more, only the denials, as JSON lines (isolate-loader -j events --class deny)"
isolate-loader -j events --class deny
kill $supervisor

ok=1
[ "$allowed" = 0 ] || ok=0
[ "$refused" != 0 ] || ok=0
grep -q 'deny cell=run-[0-9]* .*op=read error=Permission denied .*path=/srv/demo/secret' /tmp/events || ok=0
if [ $ok = 1 ]; then
	step "demo: the granted read worked, the other was refused with EACCES and reported"
	exit 0
fi
step "demo: FAILED"
exit 1
