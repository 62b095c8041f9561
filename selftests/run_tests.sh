#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh: run the installed isolate selftests and print kselftest-style
# TAP. Lives next to the test programs, a `tests.list` (one program per
# line) and a `settings` file (`timeout=N`, seconds per program).
# POSIX sh: runs under busybox in the VM and under bash on a host.

usage() {
	cat <<'EOF'
usage: run_tests.sh [-t SECONDS] [NAME...]

Run the programs named (default: every one in tests.list) one after the
other with a time limit each (-t, else timeout= from settings, else 45 s),
and print TAP version 13: each program's output with every line prefixed
by "# ", then "ok K selftests: isolate: NAME", "not ok K ...", "ok K ...
# SKIP" (exit 4) or "not ok K ... # TIMEOUT N seconds".
Exit status: 0 if nothing failed, 1 otherwise.
EOF
}

KSFT_SKIP=4
SUITE=isolate

# Settings the kselftest way: key=value lines; we only read timeout.
read_timeout() {
	t=45
	if [ -r settings ]; then
		v=$(sed -n 's/^timeout=\([0-9][0-9]*\).*/\1/p' settings | tail -n 1)
		[ -n "$v" ] && t=$v
	fi
	echo "$t"
}

# Program names from tests.list, without blank and comment lines; with no
# list, every executable here except ourselves.
list_tests() {
	if [ -r tests.list ]; then
		sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' tests.list
		return
	fi
	for f in *; do
		[ -f "$f" ] && [ -x "$f" ] && [ "$f" != run_tests.sh ] && echo "$f"
	done
}

# Prefix every line with "# " as it arrives (read is unbuffered, sed may
# not be), keeping a last line that has no newline.
prefix() {
	while IFS= read -r line || [ -n "$line" ]; do
		printf '# %s\n' "$line"
	done
}

# Run one program, print its result line; return 0 unless it failed.
run_one() {
	num=$1 name=$2
	title="selftests: $SUITE: $name"
	echo "# $title"
	if [ ! -x "./$name" ]; then
		echo "# Warning: $name is missing or not executable"
		echo "not ok $num $title"
		return 1
	fi
	start=$(date +%s)
	# The group's stderr too: a shell reports a crash ("Segmentation
	# fault") there, and that belongs with the program's output.
	{
		timeout -k 5 "$TIMEOUT" "./$name" </dev/null
		echo $? >"$RCFILE"
	} 2>&1 | prefix
	rc=$(cat "$RCFILE" 2>/dev/null)
	elapsed=$(($(date +%s) - start))
	# GNU timeout exits 124 on a timeout, busybox 128+signal: look at
	# the clock as well.
	case $rc in
	124 | 137 | 143)
		if [ "$elapsed" -ge "$TIMEOUT" ]; then
			echo "not ok $num $title # TIMEOUT $TIMEOUT seconds"
			return 1
		fi
		;;
	esac
	case $rc in
	0) echo "ok $num $title" ;;
	"$KSFT_SKIP") echo "ok $num $title # SKIP" ;;
	*) echo "not ok $num $title # exit=${rc:-unknown}"; return 1 ;;
	esac
	return 0
}

# Load isolate once, before the programs, where the loader is here and we
# are root: verifying the programs takes about 20 s under TCG on 6.12, and
# the first test to load it would spend that out of its 30-second limit.
# The tests adopt what is loaded; a failure here is left to them to report.
preload() {
	command -v isolate-loader >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || return 0
	isolate-loader load 2>&1 >/dev/null | prefix
}

main() {
	TIMEOUT=
	while [ $# -gt 0 ]; do
		case $1 in
		-t) TIMEOUT=$2; shift 2 ;;
		-h | --help) usage; exit 0 ;;
		--) shift; break ;;
		-*) usage >&2; exit 2 ;;
		*) break ;;
		esac
	done
	cd "$(dirname "$0")" || exit 1
	[ -n "$TIMEOUT" ] || TIMEOUT=$(read_timeout)
	RCFILE=$(mktemp "${TMPDIR:-/tmp}/run_tests.XXXXXX") || exit 1
	trap 'rm -f "$RCFILE"' EXIT

	if [ $# -gt 0 ]; then
		tests=$*
	else
		tests=$(list_tests)
	fi
	echo "TAP version 13"
	preload
	# shellcheck disable=SC2086 # one word per program
	set -- $tests
	echo "1..$#"
	num=0 failed=0
	for name in $tests; do
		num=$((num + 1))
		run_one "$num" "$name" || failed=1
	done
	return $failed
}

main "$@"
