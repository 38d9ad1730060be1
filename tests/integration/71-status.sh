#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `cnspawn status [--json] NAME` (issue 16): one container in detail, with the
# same JSON fields as `list --json`; and output that is safe for any root
# path: JSON stays valid UTF-8 (bytes that are not UTF-8 are escaped, never
# raw), and no control character of a path reaches a terminal.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

# A root whose name holds U+009B (CSI to many terminals, as UTF-8 C2 9B) and a
# byte that is no UTF-8 at all (FF): both are allowed in a path.
odd=$(printf 'st\302\233x\377')
ROOT=$MACHINES/$odd
rm -rf "$ROOT"
cp -a "$TEMPLATE" "$ROOT"
remove_on_exit "$ROOT"
run cn -d -q -M st1 -p "$ROOT" -b br0 --init /bin/sh -- -c 'sleep 60'
is "detached start of an oddly named root" 0 "$RC"
entry() { sed -n "s/^$1=//p" "$STATE/st1"; }

run cn status st1
is "status: exit 0" 0 "$RC"
like "status: name" '^ +Name: st1$' "$OUT"
like "status: owner and uid" "^ +Owner: cntest \\(uid $(id -u cntest)\\)\$" "$OUT"
like "status: the rule's line" "^ +Rule: line $(entry rule)\$" "$OUT"
like "status: init and monitor pids" "^ +Init: pid $(entry init_pid) \\(monitor pid $(entry monitor_pid)\\)\$" "$OUT"
like "status: address, bridge, veth" "^ +Address: 198\\.18\\.0\\.[0-9]+/24 on br0 \\(veth $(entry veth)\\)\$" "$OUT"
like "status: the root, escaped for the terminal" '^ +Root: .*/st\\xc2\\x9bx\\xff$' "$OUT"
like "status: privileged mode" '^ +Mode: privileged$' "$OUT"
like "status: started and uptime" '^ +Started: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} .* \(up [0-9]+s\)$' "$OUT"
like "status: not attached" '^ +Attached: no$' "$OUT"
like "status: memory in use" '^ +Memory: [0-9.]+[KMG]$' "$OUT"
like "status: tasks against the default ceiling" '^ +Tasks: [12]/4096$' "$OUT"
like "status: no CPU ceiling" '^ +CPUs: no ceiling$' "$OUT"
check_fail "status: no raw C1 or invalid byte reaches the terminal" \
	sh -c 'printf "%s" "$1" | LC_ALL=C grep -q "$(printf "[\233\377]")"' _ "$OUT"

run cn status --json st1
printf '%s\n' "$OUT" > "$_work/status.json"
run cn list --json
printf '%s\n' "$OUT" > "$_work/list.json"
# Strict: the bytes must decode as UTF-8 before the JSON is parsed.
check "status --json is valid UTF-8 JSON" python3 -c \
	'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$_work/status.json"
check "list --json is valid UTF-8 JSON" python3 -c \
	'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$_work/list.json"
is "status --json: the root, surrogate-escaped, gives back the path's bytes" "$ROOT" "$(python3 -c '
import json, sys
r = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))["root"]
sys.stdout.buffer.write(r.encode("utf-8", "surrogateescape"))' "$_work/status.json")"
is "status --json: the C1 control is \\u escaped, the bad byte \\udcff" 1 \
	"$(grep -c 'st\\u009bx\\udcff' "$_work/status.json")"
is "status and list share their JSON field names" True "$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
l = [c for c in json.load(open(sys.argv[2])) if c["name"] == "st1"][0]
print(sorted(s) == sorted(l))' "$_work/status.json" "$_work/list.json")"
is "status --json: fields" \
	"address attached bridge cpus memory memory_max mode monitor_pid name owner pid root rule started tasks tasks_max uid uptime userns_count userns_first veth" \
	"$(python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1])))))' "$_work/status.json")"
is "status --json: mode privileged, no userns range" "privileged None None" "$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(s["mode"], s["userns_first"], s["userns_count"])' "$_work/status.json")"
run as_user cntest script -qec "$CNSPAWN list" /dev/null
check_fail "list (tty): no raw C1 or invalid byte reaches the terminal" \
	sh -c 'printf "%s" "$1" | LC_ALL=C grep -q "$(printf "[\233\377]")"' _ "$OUT"
like "list (tty): the root escaped" 'st\\xc2\\x9bx\\xff' "$OUT"

run as_user cnother "$CNSPAWN" status st1
is "status of another user's container: 125" 125 "$RC"
is "... one line" "cnspawn: st1: permission denied" "$ERR"
run cn status nosuch
is "status of no container: 125" 125 "$RC"
is "... one line" "cnspawn: no container named nosuch is running" "$ERR"
run cn status 'bad/name'
is "status of an invalid name: one line" "cnspawn: invalid machine name 'bad/name'" "$ERR"
cn stop --kill st1 > /dev/null 2>&1 || true
assert_clean "status"

if [ -d "$USERNS_ROOTS" ]; then
	ucopy st2
	U=$UCOPY
	run cn -d -q -M st2 -p "$U" -b br0 --init /bin/sh -- -c 'sleep 60'
	run cn status st2
	like "status of a userns container: its range" '^ +Mode: userns 200000:65536$' "$OUT"
	run cn status --json st2
	is "status --json of a userns container" "userns 200000 65536" "$(printf '%s' "$OUT" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s["mode"], s["userns_first"], s["userns_count"])')"
	cn stop --kill st2 > /dev/null 2>&1 || true
	assert_clean "userns status"
else
	skip "status of a userns container" "no $USERNS_ROOTS"
fi
done_testing
