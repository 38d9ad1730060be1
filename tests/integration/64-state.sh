#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# State entries (security review): the start time that pins an entry's monitor
# (F5), what else may sit in the state directory (a FIFO), and `max` under an
# edited policy (F6). Every fake entry and planted file here is written by root,
# as only root can write in the state directory.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

go='--init /bin/sh -- -c true'
CNTEST_UID=$(id -u cntest)

# field22 PID: starttime, the 20th field after the ") " that ends comm.
field22() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }
# entry_val NAME KEY
entry_val() { sed -n "s/^$2=//p" "$STATE/$1"; }
# fake_entry NAME ROOT PID START: an entry as the helper writes it, for a
# container of cntest whose monitor is PID with start time START.
fake_entry() {
	cat > "$STATE/.$1.t64" <<-E
	name=$1
	uid=$CNTEST_UID
	monitor_pid=$3
	monitor_start=$4
	init_pid=$3
	address=198.18.0.250/24
	bridge=br0
	veth=ve-$1
	root=$2
	init=/bin/sh
	gateway=
	rule=1
	started=$(date +%s)
	userns_first=0
	userns_count=0
	memory=0
	pids=0
	cpus_milli=0
	ephemeral=0
	E
	chmod 0644 "$STATE/.$1.t64"
	mv -f "$STATE/.$1.t64" "$STATE/$1"
}

# --- F5: monitor_start is field 22 of /proc/MONITOR/stat -----------------------
run cn -d -q -M t64a -p "$TEMPLATE" -b br0 --init /bin/sh -- -c 'sleep 100'
is "detached start" 0 "$RC"
mon=$(entry_val t64a monitor_pid)
if [ -n "$mon" ] && [ -r "/proc/$mon/stat" ]; then
	is "monitor_start is field 22 (starttime) of /proc/MONITOR/stat" "$(field22 "$mon")" \
		"$(entry_val t64a monitor_start)"
	check_fail "monitor_start is not 0" test "$(entry_val t64a monitor_start)" = 0
	like "the entry records the init and the gateway asked (none)" '^init=/bin/sh$' \
		"$(cat "$STATE/t64a")"
	like "... the gateway asked (none)" '^gateway=$' "$(cat "$STATE/t64a")"
	# Liveness without /proc (issue 12): the monitor holds its entry flock()ed.
	check_fail "the monitor holds its entry locked" flock -n -s "$STATE/t64a" true
	check "... and its monitor is the one that has it open" \
		sh -c "ls -l /proc/$mon/fd | grep -q '$STATE/t64a\$'"
else
	not_ok "monitor_start is field 22 (starttime) of /proc/MONITOR/stat" "no monitor: $ERR"
fi
cn stop --kill t64a > /dev/null 2>&1 || true
assert_clean "F5 entry"

# --- F5: a live pid alone does not keep an entry alive ---------------------------
# Fake entries name a live process of this test (sleep) as their monitor, each
# holding the root that the real start below asks for ("currently busy").
mkcopy t64fake
sleep 300 &
sp=$!
_pids="$_pids $sp"
wait_for 5 test -r "/proc/$sp/stat" || true
real=$(field22 "$sp")
fake_entry t64live "$COPY" "$sp" "$real"
BASELINE=$(leftovers)
# shellcheck disable=SC2086
refused "entry whose pid and start time are a running process: alive" \
	"Directory tree $COPY is currently busy" cn -q -p "$COPY" -b br0 $go
BASELINE=
rm -f "$STATE/t64live"
for start in $((real + 1)) 0; do
	fake_entry t64stale "$COPY" "$sp" "$start"
	incont "$COPY" 'echo started; true'
	is "live pid, start time $start (not $real): stale, the start succeeds" "0 started" "$RC $OUT"
	[ "$RC" = 0 ] || diag "$ERR"
	check_fail "... and the fake entry is removed" test -e "$STATE/t64stale"
	rm -f "$STATE/t64stale"
done
kill "$sp" 2> /dev/null || true
wait "$sp" 2> /dev/null || true
assert_clean "fake entries"

# --- what is not an entry: FIFO, another owner's file --------------------------
# A FIFO blocked open(2) in the start holding the state lock: every start hung.
# Under CN_TIMEOUT a regression fails here instead of hanging the run; the trap
# opens the FIFO for writing, which releases a helper stuck opening it.
fifo=$STATE/t64fifo
unblock_fifo() {
	[ -p "$fifo" ] || return 0
	timeout 5 sh -c ': > "$1"' sh "$fifo" || true
	rm -f "$fifo"
}
on_exit unblock_fifo
mkfifo -m 0644 "$fifo"
CN_TIMEOUT=20 incont "$TEMPLATE" 'echo fifo-ok; true' -M t64f
is "a FIFO in the state dir: the start neither hangs nor fails" "0 fifo-ok" "$RC $OUT"
check_fail "... and the FIFO is removed" test -e "$fifo"
unblock_fifo
printf 'name=t64own\n' > "$STATE/t64own"
chown cntest "$STATE/t64own"
CN_TIMEOUT=20 incont "$TEMPLATE" 'echo own-ok; true' -M t64o
is "a file of another owner in the state dir: the start succeeds" "0 own-ok" "$RC $OUT"
check_fail "... and the file is removed" test -e "$STATE/t64own"
rm -f "$STATE/t64own"
# A symlink is not an entry either (its d_type says so, or O_NOFOLLOW): it is
# removed like any other file that is not an entry, not kept.
ln -s /etc/hostname "$STATE/t64link"
CN_TIMEOUT=20 incont "$TEMPLATE" 'echo link-ok; true' -M t64l
is "a symlink in the state dir: the start succeeds" "0 link-ok" "$RC $OUT"
check_fail "... and the symlink is removed" test -L "$STATE/t64link"
rm -f "$STATE/t64link"
assert_clean "not entries"

# --- an entry is rewritten only under the state lock ---------------------------
# A start's load reads the directory under the lock; an entry renamed over
# meanwhile (record_init: init's pid) could be skipped by readdir, and that
# load would free the running container's name, address and root and sweep
# its control socket. Take the lock the moment the entry appears (after the
# reservation released it): the start's second write must wait for us.
cat > "$_work/t64w.py" << 'PY'
import fcntl, os, sys, time
d, name, ready = sys.argv[1], sys.argv[2], sys.argv[3]
open(ready, "w").close()
end = time.monotonic() + 20
while not os.path.exists(os.path.join(d, name)) and time.monotonic() < end:
    pass
fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
time.sleep(1)
line = [l for l in open(os.path.join(d, name)) if l.startswith("init_pid=")]
print(line[0].strip() if line else "none")
os.close(fd)
PY
rm -f "$_work/t64w.ready"
python3 "$_work/t64w.py" "$STATE" t64w "$_work/t64w.ready" > "$_work/t64w.held" &
ppid_=$!
wait_for 10 test -e "$_work/t64w.ready" || true
as_user cntest "$CNSPAWN" -d -q -M t64w -p "$TEMPLATE" -b br0 --init /bin/sh -- -c 'sleep 100' \
	> "$_work/t64w.out" 2>&1 &
wpid=$!
wait "$ppid_" || true
wait "$wpid" || true
held=$(cat "$_work/t64w.held")
is "while the lock is held, init's pid is not written" "init_pid=0" "$held"
like "... and once it is released, it is" '^init_pid=[1-9][0-9]*$' "$(grep '^init_pid=' "$STATE/t64w" 2> /dev/null)"
cn stop --kill t64w > /dev/null 2>&1 || true
assert_clean "entry writes under the lock"

# --- control sockets: a dead monitor's goes, a live one's stays ---------------
# A monitor killed with SIGKILL leaves NAME.sock behind; the next start removes
# it, decided from what it read of the directory (issue 12), while the socket
# of a running container is kept.
run cn -d -q -M t64keep -p "$TEMPLATE" -b br0 --init /bin/sh -- -c 'sleep 100'
is "a detached container to keep" 0 "$RC"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	"$STATE/t64gone.sock"
mkcopy t64sock
CN_TIMEOUT=20 incont "$COPY" 'echo sock-ok; true'
is "a start with a dead monitor's socket in the state dir" "0 sock-ok" "$RC $OUT"
check_fail "... removes the socket whose entry is gone" test -S "$STATE/t64gone.sock"
check "... and keeps the running container's socket" test -S "$STATE/t64keep.sock"
run cn status t64keep
like "... through which its monitor still answers" '^ *Name: t64keep$' "$OUT"
rm -f "$STATE/t64gone.sock"
cn stop --kill t64keep > /dev/null 2>&1 || true
# More dead sockets than a load lists (STATE_MAX_ENTRIES, 4096): the rest are
# looked at one by one, so neither does every start fail nor do they stay.
python3 -c '
import socket, sys
for i in range(4200):
    socket.socket(socket.AF_UNIX).bind("%s/t64dead%d.sock" % (sys.argv[1], i))' "$STATE"
CN_TIMEOUT=30 incont "$TEMPLATE" 'echo many-ok; true' -M t64many
is "4200 dead monitors' sockets: the start succeeds" "0 many-ok" "$RC $OUT"
is "... and removes every one" 0 "$(find "$STATE" -name 't64dead*.sock' | wc -l)"
find "$STATE" -name 't64dead*.sock' -delete
assert_clean "control sockets"

# --- the slots: a start's record of each running container (issue 12) -------
# A monitor holds a POSIX lock on its record in .slots and writes its entry's
# name, inode and text there; a start trusts a record only when its holder is
# the entry's monitor_pid and the listing has that name with that inode
# (helper/slots.h). slots.py reads, forges and garbles records as root, the
# only one who can open .slots (slots and slot_of: lib.sh).
mkcopy t64s
run cn -d -q -M t64s -p "$COPY" -b br0 --init /bin/sh -- -c 'sleep 100'
is "a detached container for the slots" 0 "$RC"
smon=$(entry_val t64s monitor_pid)
slot_of t64s
is "its record in .slots is held by its monitor" "$smon" "$SLOT_PID"
is "... and names its entry's inode" "$(stat -c %i "$STATE/t64s")" "$SLOT_INO"
sidx=$SLOT_I
is ".slots is root's alone (0600)" "600 root" "$(stat -c '%a %U' "$STATE/.slots")"
# The control process runs as the owner: a .slots fd in it could forge records.
ctl=$(cat "/proc/$smon/task/$smon/children" 2> /dev/null || true)
check "the keeper has children (its control process and init)" test -n "$ctl"
leak=
for c in $ctl; do
	for f in "/proc/$c/fd/"*; do
		[ "$(readlink "$f" 2> /dev/null)" = "$STATE/.slots" ] && leak="$leak $c"
	done
done
is "no process but the keeper holds .slots open (its children: $ctl)" "" "$leak"
# Rule 3: a record counts only when its holder is the entry's monitor. A stale
# fake entry (a live pid, a wrong start time) with a record that this test's
# python holds: the start must still find it stale, not "busy".
mkcopy t64ghost
sleep 300 &
gp=$!
_pids="$_pids $gp"
wait_for 5 test -r "/proc/$gp/stat" || true
fake_entry t64ghost "$COPY" "$gp" "$(($(field22 "$gp") + 1))"
rm -f "$_work/t64forge.ready"
python3 "$(dirname "$0")/slots.py" forge "$STATE" t64ghost "$_work/t64forge.ready" &
fp=$!
_pids="$_pids $fp"
check "a forger holds a record of the stale entry" wait_for 10 test -e "$_work/t64forge.ready"
slot_of t64ghost
is "... as its holder, with the entry's inode" "$fp $(stat -c %i "$STATE/t64ghost")" \
	"$SLOT_PID $SLOT_INO"
incont "$COPY" 'echo ghost-ok; true' -M t64g
is "a forged record held by another process than the monitor: the entry is stale" \
	"0 ghost-ok" "$RC $OUT"
check_fail "... and removed" test -e "$STATE/t64ghost"
kill "$fp" "$gp" 2> /dev/null || true
wait "$fp" "$gp" 2> /dev/null || true
rm -f "$STATE/t64ghost"
# The record is what a start reads: an entry rewritten in place (its inode
# stays) is seen as its monitor last wrote it. The old way takes the garbled
# text for no entry at all and removes it, freeing the running container's
# name, root and address.
sino=$(stat -c %i "$STATE/t64s")
cp "$STATE/t64s" "$_work/t64s.entry"
python3 -c 'import sys; f = open(sys.argv[1], "r+b"); n = len(f.read()); f.seek(0); f.write(b"x" * (n - 1) + b"\n")' \
	"$STATE/t64s"
BASELINE=$(leftovers)
# shellcheck disable=SC2086
refused "an entry garbled in place: the start reads its monitor's record, the container counts" \
	"Directory tree $MACHINES/t64s is currently busy" cn -q -M t64x -p "$MACHINES/t64s" -b br0 $go
BASELINE=
is "... and the entry is kept (the same inode)" "$sino" "$(stat -c %i "$STATE/t64s" 2> /dev/null)"
python3 -c 'import sys; open(sys.argv[1], "r+b").write(open(sys.argv[2], "rb").read())' \
	"$STATE/t64s" "$_work/t64s.entry"
# Rule 5: a record no parser takes sends the entry back to the old way; the
# container it stood for still counts (its root stays busy).
slots garble "$STATE" "$sidx"
BASELINE=$(leftovers)
# shellcheck disable=SC2086
refused "a garbled record: its running container still holds its root" \
	"Directory tree $MACHINES/t64s is currently busy" cn -q -M t64x -p "$MACHINES/t64s" -b br0 $go
BASELINE=
# A .slots that is not root's 0600 file, or not a file: made again, the
# running container still counted, nothing followed, no start blocked.
chmod 0644 "$STATE/.slots"
BASELINE=$(leftovers)
# shellcheck disable=SC2086
refused "a .slots others may read: it is replaced, and the container still counts" \
	"Directory tree $MACHINES/t64s is currently busy" cn -q -M t64x -p "$MACHINES/t64s" -b br0 $go
BASELINE=
is "... by root's own 0600 file" "600 root" "$(stat -c '%a %U' "$STATE/.slots")"
echo keep > "$_work/t64target"
rm -f "$STATE/.slots"
ln -s "$_work/t64target" "$STATE/.slots"
CN_TIMEOUT=20 incont "$COPY" 'echo slink-ok; true' -M t64sl
is "a symlink at .slots: the start succeeds" "0 slink-ok" "$RC $OUT"
is "... writes nothing through it" keep "$(cat "$_work/t64target")"
check "... and replaces it with a file" test -f "$STATE/.slots" -a ! -L "$STATE/.slots"
rm -f "$STATE/.slots"
mkfifo -m 0600 "$STATE/.slots"
CN_TIMEOUT=20 incont "$COPY" 'echo sfifo-ok; true' -M t64sf
is "a FIFO at .slots: the start neither hangs nor fails" "0 sfifo-ok" "$RC $OUT"
check "... and it is replaced with a file" test -f "$STATE/.slots"
# A start after all this writes records again, and a stop empties its own.
run cn -d -q -M t64s2 -p "$COPY" -b br0 --init /bin/sh -- -c 'sleep 100'
is "a detached container after .slots was replaced" 0 "$RC"
slot_of t64s2
is "... has its record, held by its monitor" "$(entry_val t64s2 monitor_pid)" "$SLOT_PID"
cn stop --kill t64s2 > /dev/null 2>&1 || true
cn stop --kill t64s > /dev/null 2>&1 || true
is "a stopped container's record is emptied and let go" "0 0" "$(slots at "$STATE" "$SLOT_I")"
assert_clean "slots"

# --- F6: max holds when the policy is edited -----------------------------------
save_policy
M=$MACHINES/t64
rm -rf "$M"
install -d -o root -g root -m 0755 "$M"
remove_on_exit "$M"
for n in 1 2 3; do cp -a "$TEMPLATE" "$M/t64m$n"; done
{ cat "$orig"; echo "permit cntest root $M/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 2 init /sbin/init init /bin/sh privileged"; } | put_policy
N=$(grep -c '' "$POLICY")
started=0
for n in 1 2; do
	run cn -d -q -p "$M/t64m$n" -b br0 --init /bin/sh -- -c 'sleep 100'
	[ "$RC" = 0 ] && started=$((started + 1))
	[ "$RC" = 0 ] || diag "$ERR"
done
is "max 2: two start" 2 "$started"
BASELINE=$(leftovers)
# shellcheck disable=SC2086
refused "max 2: a third" \
	"cntest may run at most 2 container(s) under rule at line $N and already runs 2" \
	cn -q -p "$M/t64m3" -b br0 $go
{ echo "# 64-state.sh: one line more above every rule"; cat "$POLICY"; } | put_policy
# shellcheck disable=SC2086
refused "a comment line added above the rule: still max 2" \
	"cntest may run at most 2 container(s) under rule at line $((N + 1)) and already runs 2" \
	cn -q -p "$M/t64m3" -b br0 $go
sed 's/ max 2 / max 1 /' "$POLICY" | put_policy
# shellcheck disable=SC2086
refused "max 2 changed to max 1 in place" \
	"cntest may run at most 1 container(s) under rule at line $((N + 1)) and already runs 2" \
	cn -q -p "$M/t64m3" -b br0 $go
sed "s| root $M/\* | root $M/t64m3 |; s/ max 1 / max 2 /" "$POLICY" | put_policy
# shellcheck disable=SC2086
refused "rule narrowed: running containers it no longer permits still count" \
	"cntest may run at most 2 container(s) under rule at line $((N + 1)) and already runs 2" \
	cn -q -p "$M/t64m3" -b br0 $go
sed 's/ max 2 / max 3 /' "$POLICY" | put_policy
incont "$M/t64m3" 'echo third-ok; true'
is "max 3: the third starts" "0 third-ok" "$RC $OUT"
is "nothing new left behind" "$BASELINE" "$(leftovers)"
BASELINE=
for n in 1 2; do cn stop --kill "t64m$n" > /dev/null 2>&1 || true; done
restore_policy
assert_clean "max under an edited policy"

# --- F6: a later rule with a wider range does not take a running container over --
# Re-evaluated without its prefix, an entry of the /24 rule (max 1) would land on
# the later /16 rule, and the /24 rule would never count it.
{ cat "$orig"
  echo "permit cntest root $M/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 1 init /bin/sh privileged"
  echo "permit cntest root $M/* bridge br0 address 198.18.0.0/16 gateway 198.18.0.1 max 5 init /bin/sh privileged"; } | put_policy
N=$(($(grep -c '' "$POLICY") - 1))
run cn -d -q -p "$M/t64m1" -b br0 -a 198.18.0.201/24 --init /bin/sh -- -c 'sleep 100'
is "the /24 rule's first container starts" 0 "$RC"
[ "$RC" = 0 ] || diag "$ERR"
BASELINE=$(leftovers)
refused "the /24 rule's max 1 still counts it" \
	"cntest may run at most 1 container(s) under rule at line $N and already runs 1" \
	cn -q -p "$M/t64m2" -b br0 -a 198.18.0.202/24 --init /bin/sh -- -c true
BASELINE=
cn stop --kill t64m1 > /dev/null 2>&1 || true
restore_policy
assert_clean "a wider later rule"

# --- an entry of another helper version whose container still runs is kept -----
# (an upgrade with containers running): removing it would free its name, root
# and address for a second container, so starts are refused until it stops.
{ cat "$orig"; echo "permit cntest root $M/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 init /bin/sh privileged"; } | put_policy
run cn -d -q -p "$M/t64m1" -b br0 --init /bin/sh -- -c 'sleep 100'
is "a container to age" 0 "$RC"
cp -p "$STATE/t64m1" "$_work/t64m1.entry"
grep -v '^init=\|^gateway=' "$_work/t64m1.entry" | sed 's/^monitor_start=.*/monitor_start=0/' > "$STATE/.t64old"
chmod 0644 "$STATE/.t64old"
# Renamed over the entry, as every entry is written: a new inode, so the
# monitor's record in .slots no longer stands for it (helper/slots.h rule 4)
# and the start reads the file itself.
mv -f "$STATE/.t64old" "$STATE/t64m1"
BASELINE=$(leftovers)
refused "an older helper's entry with a live monitor refuses starts" \
	"a state entry in $STATE was written by another version of cnspawn-helper and its container still runs: stop that container before starting new ones" \
	cn -q -p "$M/t64m2" -b br0 --init /bin/sh -- -c true
BASELINE=
check "... and is kept" grep -q '^monitor_start=0$' "$STATE/t64m1"
mv -f "$_work/t64m1.entry" "$STATE/t64m1"
run cn stop --kill t64m1
is "... its container can still be stopped" 0 "$RC"
restore_policy
assert_clean "an older helper's entry"

# --- F6: the userns "same user, same rule" exception follows the edit ----------
# Before: the running container recorded the rule's old line, so after a line was
# added above, a second container of the same user under the same rule was
# refused as another rule's range.
if [ -d "$USERNS_ROOTS" ]; then
	for n in 1 2; do
		rm -rf "$USERNS_ROOTS/t64u$n"; cp -a "$TEMPLATE" "$USERNS_ROOTS/t64u$n"
		remove_on_exit "$USERNS_ROOTS/t64u$n"
	done
	run cn -d -q -p "$USERNS_ROOTS/t64u1" -b br0 --init /bin/sh -- -c 'sleep 100'
	is "userns: first container starts" 0 "$RC"
	{ echo "# 64-state.sh: one line more"; cat "$POLICY"; } | put_policy
	incont "$USERNS_ROOTS/t64u2" 'echo same-rule-ok; true'
	is "userns: after a line was added, the same user and rule share the range" \
		"0 same-rule-ok" "$RC $OUT"
	[ "$RC" = 0 ] || diag "$ERR"
	cn stop --kill t64u1 > /dev/null 2>&1 || true
	restore_policy
	assert_clean "userns range after an edit"
else
	skip "userns: same rule after an edit" "no $USERNS_ROOTS"
fi
done_testing
