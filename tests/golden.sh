#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Golden-file tests for cnspawn-policy, run from the repo root by `make golden`:
#   TOOL=/abs/path/cnspawn-policy sh tests/golden.sh
# For each tests/data/policy/NAME.conf:
#   NAME.check.expected          exact output of `check --no-owner-check FILE`
#                                (exit 1 expected iff it holds an error line)
#   NAME.explain-USER.expected   exact output of `explain -f FILE USER`
# FILE is shown relative to the repo root. --no-owner-check keeps the output
# independent of who owns the checkout. Then `edit` is tested with EDITOR
# set to small scripts (as root only). Prints TAP-like lines and a summary.
set -u
: "${TOOL:?set TOOL to the absolute path of cnspawn-policy}"
DATA=tests/data/policy
pass=0
fail=0
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

result() { # result STATUS DESCRIPTION [DIFF-FILE]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - $2"
	else
		fail=$((fail + 1))
		echo "not ok $n - $2"
		[ $# -ge 3 ] && sed 's/^/# /' "$3"
	fi
}

# compare DESCRIPTION EXPECTED-FILE ACTUAL-FILE WANT-RC GOT-RC
compare() {
	if diff -u "$2" "$3" >"$tmp/diff" 2>&1 && [ "$4" -eq "$5" ]; then
		result 0 "$1"
	else
		echo "exit status: want $4, got $5" >>"$tmp/diff"
		result 1 "$1" "$tmp/diff"
	fi
}

for conf in "$DATA"/*.conf; do
	name=${conf%.conf}
	if [ -f "$name.check.expected" ]; then
		"$TOOL" check --no-owner-check "$conf" >"$tmp/out" 2>&1
		rc=$?
		want=0
		grep -q ': error: ' "$name.check.expected" && want=1
		compare "check $conf" "$name.check.expected" "$tmp/out" "$want" "$rc"
	fi
	for exp in "$name".explain-*.expected; do
		[ -e "$exp" ] || continue
		user=${exp#"$name".explain-}
		user=${user%.expected}
		"$TOOL" explain -f "$conf" "$user" >"$tmp/out" 2>&1
		rc=$?
		compare "explain -f $conf $user" "$exp" "$tmp/out" 0 "$rc"
	done
done

# --version: the GNU form, "NAME (PACKAGE) VERSION" with the Makefile's VERSION.
"$TOOL" --version >"$tmp/out" 2>&1
rc=$?
printf '%s\n' "cnspawn-policy (cnspawn) $(sed -n 's/^VERSION *= *//p' Makefile)" \
    'Copyright (C) 2026 the cnspawn authors' \
    'License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.' \
    'This is free software: you are free to change and redistribute it.' \
    'There is NO WARRANTY, to the extent permitted by law.' >"$tmp/want"
compare "--version prints name, version, copyright and licence" "$tmp/want" "$tmp/out" 0 "$rc"

# check: an explicit FILE that others can write gets a warning, not an error.
cp "$DATA/empty.conf" "$tmp/gw.conf"
chmod 664 "$tmp/gw.conf"
"$TOOL" check "$tmp/gw.conf" >"$tmp/out" 2>&1
rc=$?
printf '%s: warning: writable by group or other (the helper would refuse it)\n' \
    "$tmp/gw.conf" >"$tmp/want"
[ "$(id -u)" -eq 0 ] || printf '%s: warning: not owned by root (the helper would refuse it)\n' \
    "$tmp/gw.conf" | cat - "$tmp/want" >"$tmp/want2" && [ -f "$tmp/want2" ] && mv "$tmp/want2" "$tmp/want"
compare "check warns about a group-writable FILE" "$tmp/want" "$tmp/out" 0 "$rc"

"$TOOL" check "$tmp/missing.conf" >"$tmp/out" 2>&1
rc=$?
printf '%s: error: cannot open: No such file or directory\n' "$tmp/missing.conf" >"$tmp/want"
compare "check reports a missing FILE" "$tmp/want" "$tmp/out" 1 "$rc"

# check and explain -f read only a regular file: a FIFO would block the open
# (F7), a device's open may have side effects. timeout: a regression fails,
# it does not hang the run.
mkfifo "$tmp/fifo"
timeout 5 "$TOOL" check "$tmp/fifo" >"$tmp/out" 2>&1
rc=$?
printf '%s: error: not a regular file\n' "$tmp/fifo" >"$tmp/want"
compare "check refuses a FIFO without blocking" "$tmp/want" "$tmp/out" 1 "$rc"

timeout 5 "$TOOL" explain -f "$tmp/fifo" nobody >"$tmp/out" 2>&1
rc=$?
printf 'cnspawn-policy: %s: not a regular file\n' "$tmp/fifo" >"$tmp/want"
compare "explain -f refuses a FIFO without blocking" "$tmp/want" "$tmp/out" 1 "$rc"

timeout 5 "$TOOL" explain -f /dev/null nobody >"$tmp/out" 2>&1
rc=$?
printf 'cnspawn-policy: /dev/null: not a regular file\n' >"$tmp/want"
compare "explain -f refuses a device" "$tmp/want" "$tmp/out" 1 "$rc"

# A symlink (say to /etc/shadow) must not make check echo the file it points
# to in its errors: refused, unless --follow-symlinks. $tmp/secret stands in
# for /etc/shadow so the test does not depend on the machine's.
printf 'root:$y$secret-hash:19000:0:99999:7:::\n' >"$tmp/secret"
chmod 600 "$tmp/secret"
ln -s "$tmp/secret" "$tmp/shadow-link"
timeout 5 "$TOOL" check "$tmp/shadow-link" >"$tmp/out" 2>&1
rc=$?
printf '%s: error: is a symbolic link (--follow-symlinks reads it anyway)\n' \
    "$tmp/shadow-link" >"$tmp/want"
compare "check refuses a symlink and echoes nothing of its target" "$tmp/want" "$tmp/out" 1 "$rc"

timeout 5 "$TOOL" explain -f "$tmp/shadow-link" nobody >"$tmp/out" 2>&1
rc=$?
printf 'cnspawn-policy: %s: is a symbolic link (--follow-symlinks reads it anyway)\n' \
    "$tmp/shadow-link" >"$tmp/want"
compare "explain -f refuses a symlink and echoes nothing of its target" "$tmp/want" \
    "$tmp/out" 1 "$rc"

mkdir "$tmp/real"
cp "$DATA/empty.conf" "$tmp/real/policy"
ln -s "$tmp/real" "$tmp/via"
timeout 5 "$TOOL" check --no-owner-check "$tmp/via/policy" >"$tmp/out" 2>&1
rc=$?
printf '%s: error: has a symbolic link in its path (--follow-symlinks reads it anyway)\n' \
    "$tmp/via/policy" >"$tmp/want"
compare "check refuses a FILE with a symlink in its path" "$tmp/want" "$tmp/out" 1 "$rc"

ln -s "$tmp/real/policy" "$tmp/link-empty"
timeout 5 "$TOOL" check --no-owner-check --follow-symlinks "$tmp/link-empty" >"$tmp/out" 2>&1
rc=$?
: >"$tmp/want"
compare "check --follow-symlinks reads through a symlink" "$tmp/want" "$tmp/out" 0 "$rc"

timeout 5 "$TOOL" explain -f "$tmp/via/policy" --follow-symlinks nobody >"$tmp/out" 2>&1
rc=$?
compare "explain -f FILE --follow-symlinks reads through a symlink" \
    "$DATA/empty.explain-nobody.expected" "$tmp/out" 0 "$rc"

# edit, non-interactively: EDITOR is a script that changes the file it is given.
if [ "$(id -u)" -ne 0 ]; then
	echo "# skipping edit tests: not root"
else
	d=$tmp/etc
	mkdir -m 755 "$d"
	printf 'deny nobody\n' >"$d/policy"
	chmod 644 "$d/policy"
	printf '#!/bin/sh\nprintf "permit root root /usr/* privileged\\n" >>"$1"\n' >"$tmp/ed-good"
	printf '#!/bin/sh\nprintf "bogus line\\n" >>"$1"\n' >"$tmp/ed-bad"
	printf '#!/bin/sh\nexit 3\n' >"$tmp/ed-fail"
	printf '#!/bin/sh\nexit 0\n' >"$tmp/ed-same"
	chmod 755 "$tmp"/ed-*

	VISUAL= EDITOR="$tmp/ed-good" "$TOOL" edit "$d/policy" </dev/null >"$tmp/out" 2>&1
	rc=$?
	printf 'deny nobody\npermit root root /usr/* privileged\n' >"$tmp/want"
	compare "edit installs a valid file" "$tmp/want" "$d/policy" 0 "$rc"
	st=$(stat -c '%U:%G %a' "$d/policy")
	[ "$st" = "root:root 644" ]
	result $? "edit installs root:root 0644 (got $st)"
	left=$(ls "$d" | grep -c 'edit-')
	[ "$left" -eq 0 ]
	result $? "edit leaves no temporary file"
	left=$(ls -A "$d")
	[ "$left" = policy ]
	result $? "edit leaves nothing but the policy behind, no lock file (got: $left)"

	cp "$d/policy" "$tmp/before"
	VISUAL= EDITOR="$tmp/ed-bad" "$TOOL" edit "$d/policy" </dev/null >"$tmp/out" 2>&1
	rc=$?
	compare "edit refuses an invalid file and keeps the old one" "$tmp/before" "$d/policy" 1 "$rc"
	grep -q ':3:1: error: expected permit or deny' "$tmp/out"
	result $? "edit prints the errors of the edited file"
	left=$(ls "$d" | grep -c 'edit-')
	[ "$left" -eq 0 ]
	result $? "a refused edit leaves no temporary file"
	! grep -q 'edit-' "$tmp/out"
	result $? "a refused edit names no (deleted) temporary file"

	VISUAL="$tmp/ed-fail" EDITOR="$tmp/ed-good" "$TOOL" edit "$d/policy" </dev/null >"$tmp/out" 2>&1
	rc=$?
	compare "VISUAL wins over EDITOR; a failing editor changes nothing" "$tmp/before" "$d/policy" 1 "$rc"

	VISUAL= EDITOR="$tmp/ed-same" "$TOOL" edit "$d/policy" </dev/null >"$tmp/out" 2>&1
	rc=$?
	# The edited file's warnings come first (its rule sets no memory ceiling and is
	# privileged), then the verdict.
	printf '%s:2:1: warning: permit rule sets no memory ceiling: one of its containers can use all of the host'"'"'s memory (add memory SIZE)\n%s:2:25: warning: privileged gives root root on the host (container root is host root); prefer userns FIRST COUNT\n%s: no changes\n' \
	    "$d/policy" "$d/policy" "$d/policy" >"$tmp/want"
	compare "edit without changes says so" "$tmp/want" "$tmp/out" 0 "$rc"

	# The lock is a flock on the policy's directory: flock(1) holds it here.
	VISUAL= EDITOR="$tmp/ed-good" flock -n "$d" "$TOOL" edit "$d/policy" </dev/null \
	    >"$tmp/out" 2>&1
	rc=$?
	printf 'cnspawn-policy: %s/policy is being edited by someone else\n' "$d" >"$tmp/want"
	compare "edit refuses while another edit holds the lock" "$tmp/want" "$tmp/out" 1 "$rc"
	cmp -s "$tmp/before" "$d/policy"
	result $? "a refused concurrent edit leaves the policy unchanged"

	# interactive: a tty on stdin gets "Edit again?"; the second edit fixes the file.
	if command -v script >/dev/null 2>&1; then
		printf '#!/bin/sh\nif [ -e "%s/n" ]; then printf "deny root\\n" >"$1"; else : >"%s/n"; printf "bogus\\n" >>"$1"; fi\n' \
		    "$tmp" "$tmp" >"$tmp/ed-twice"
		chmod 755 "$tmp/ed-twice"
		echo y | VISUAL= EDITOR="$tmp/ed-twice" script -qec "'$TOOL' edit '$d/policy'" /dev/null \
		    >"$tmp/out" 2>&1
		rc=$?
		printf 'deny root\n' >"$tmp/want"
		compare "edit asks 'Edit again?' on a tty and installs the fixed file" "$tmp/want" \
		    "$d/policy" 0 "$rc"
		grep -q 'Edit again? \[y/N\]' "$tmp/out"
		result $? "edit prints the Edit again? question"
		cp "$d/policy" "$tmp/before"
	fi

	# EDITOR may carry arguments (as for git or crontab): it runs through sh.
	printf '#!/bin/sh\n[ "$1" = --flag ] || exit 9\nprintf "deny args\\n" >>"$2"\n' >"$tmp/ed-args"
	chmod 755 "$tmp/ed-args"
	cp "$d/policy" "$tmp/want"
	printf 'deny args\n' >>"$tmp/want"
	VISUAL= EDITOR="$tmp/ed-args --flag" "$TOOL" edit "$d/policy" </dev/null >"$tmp/out" 2>&1
	rc=$?
	compare "edit runs an EDITOR with arguments" "$tmp/want" "$d/policy" 0 "$rc"
	cp "$d/policy" "$tmp/before"

	# edit checks the file as check does: ceilings are accepted, a bad one is refused.
	printf '#!/bin/sh\nprintf "permit root root /usr/* memory 1G pids 100 cpus 0.5 privileged\\n" >>"$1"\n' \
	    >"$tmp/ed-limits"
	printf '#!/bin/sh\nprintf "permit root root /usr/* memory 1.5G privileged\\n" >>"$1"\n' \
	    >"$tmp/ed-badlimit"
	chmod 755 "$tmp/ed-limits" "$tmp/ed-badlimit"
	cp "$d/policy" "$tmp/want"
	printf 'permit root root /usr/* memory 1G pids 100 cpus 0.5 privileged\n' >>"$tmp/want"
	VISUAL= EDITOR="$tmp/ed-limits" "$TOOL" edit "$d/policy" </dev/null >"$tmp/out" 2>&1
	rc=$?
	compare "edit installs a rule with memory, pids and cpus" "$tmp/want" "$d/policy" 0 "$rc"
	cp "$d/policy" "$tmp/before"
	VISUAL= EDITOR="$tmp/ed-badlimit" "$TOOL" edit "$d/policy" </dev/null >"$tmp/out" 2>&1
	rc=$?
	compare "edit refuses a bad memory ceiling and keeps the old file" "$tmp/before" \
	    "$d/policy" 1 "$rc"
	grep -q "error: memory must be a size such as 512M or 2G (1M to 1024T), found '1.5G'" \
	    "$tmp/out"
	result $? "edit prints the bad ceiling's error"

	# Ctrl-C while editing reaches the whole foreground group: edit must survive it.
	printf '#!/bin/sh\nkill -INT $PPID\nsleep 0.2\nprintf "deny int\\n" >>"$1"\n' >"$tmp/ed-int"
	chmod 755 "$tmp/ed-int"
	cp "$d/policy" "$tmp/want"
	printf 'deny int\n' >>"$tmp/want"
	VISUAL= EDITOR="$tmp/ed-int" "$TOOL" edit "$d/policy" </dev/null >"$tmp/out" 2>&1
	rc=$?
	compare "edit ignores SIGINT while the editor runs" "$tmp/want" "$d/policy" 0 "$rc"
	left=$(ls "$d" | grep -c 'edit-')
	[ "$left" -eq 0 ]
	result $? "an interrupted edit leaves no temporary file"
	cp "$d/policy" "$tmp/before"

	# edit reads the policy like check: a FIFO or a symlink is refused, at once.
	d2=$tmp/etc2
	mkdir -m 755 "$d2"
	mkfifo -m 644 "$d2/policy"
	VISUAL= EDITOR="$tmp/ed-good" timeout 5 "$TOOL" edit "$d2/policy" </dev/null >"$tmp/out" 2>&1
	rc=$?
	printf 'cnspawn-policy: %s/policy: not a regular file\n' "$d2" >"$tmp/want"
	compare "edit refuses a FIFO policy without blocking" "$tmp/want" "$tmp/out" 1 "$rc"
	rm "$d2/policy"
	ln -s "$tmp/secret" "$d2/policy"
	VISUAL= EDITOR="$tmp/ed-good" timeout 5 "$TOOL" edit "$d2/policy" </dev/null >"$tmp/out" 2>&1
	rc=$?
	printf 'cnspawn-policy: %s/policy: is a symbolic link\n' "$d2" >"$tmp/want"
	compare "edit refuses a symlinked policy" "$tmp/want" "$tmp/out" 1 "$rc"
	left=$(ls -A "$d2")
	[ "$left" = policy ]
	result $? "a refused edit leaves nothing behind (got: $left)"
	ln -s "$d" "$tmp/etc-link"
	VISUAL= EDITOR="$tmp/ed-good" timeout 5 "$TOOL" edit "$tmp/etc-link/policy" </dev/null \
	    >"$tmp/out" 2>&1
	rc=$?
	printf 'cnspawn-policy: %s/etc-link: is a symbolic link\n' "$tmp" >"$tmp/want"
	compare "edit refuses a policy whose directory is a symlink" "$tmp/want" "$tmp/out" 1 "$rc"
	cmp -s "$tmp/before" "$d/policy"
	result $? "an edit through a symlinked directory changes nothing"

	if command -v setpriv >/dev/null 2>&1; then
		VISUAL= EDITOR="$tmp/ed-good" setpriv --reuid 65534 --regid 65534 --clear-groups \
		    "$TOOL" edit "$d/policy" </dev/null >"$tmp/out" 2>&1
		rc=$?
		compare "edit refuses a non-root user" "$tmp/before" "$d/policy" 1 "$rc"
	fi
fi

echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
