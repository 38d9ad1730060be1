#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `cnspawn list --roots` (issue 16): the roots the policy lets the caller
# start, from a fresh helper (the policy may be root-only), showing only the
# caller's own rules: another user's roots never appear, a later deny takes
# roots away, and a DIR/* is expanded as the caller would list it (a 0700
# directory stays opaque: its names are not shown, only the caller's error).
set -eu
. "$(dirname "$0")/lib.sh"
need_programs
save_policy

R=$CHECK_PREFIX/roots73
rm -rf "$R"
remove_on_exit "$R"
install -d -o root -g root -m 0755 "$R" "$R/pub" "$R/pub/a" "$R/pub/b" "$R/pub/x" \
	"$R/pub/with space" "$R/other" "$R/other/o1" "$R/one"
install -d -o root -g root -m 0700 "$R/priv" "$R/priv/secret1"
: > "$R/pub/file"
ln -s a "$R/pub/link"
# A name with a newline cannot be one line of a pipe: it is left out there.
mkdir "$R/pub/$(printf 'n\nl')"

policy() {
	cat <<-END
	permit cntest root $R/pub/* root $R/one root $R/old privileged
	permit cnother root $R/other/* root $R/theirs privileged
	deny cntest root $R/old
	deny cntest root $R/pub/x
	permit cntest root $R/priv/* privileged
	END
}
policy | put_policy

want_cntest="$R/pub/*
$R/pub/a
$R/pub/b
$R/pub/with space
$R/one
$R/priv/*"
run cn list --roots
is "cntest: exit 0" 0 "$RC"
is "cntest: exactly its own roots, a later deny's left out, directories only, sorted" \
	"$want_cntest" "$OUT"
is "cntest: the 0700 directory it cannot list is said so, its names are not shown" \
	"cnspawn: cannot list the directories of $R/priv/*: Permission denied" "$ERR"
unlike "cntest: nothing of cnother's rules" 'other|theirs' "$OUT"
unlike "cntest: no name from inside the 0700 directory" 'secret1' "$OUT$ERR"

run as_user cnother "$CNSPAWN" list --roots
is "cnother: exit 0" 0 "$RC"
is "cnother: exactly its own roots" "$R/other/*
$R/other/o1
$R/theirs" "$OUT"
is "cnother: nothing on stderr" "" "$ERR"

run as_user root "$CNSPAWN" list --roots
is "root with no rule of its own: nothing (no rule of others shown)" "0:" "$RC:$OUT"

chmod 0600 "$POLICY"
check_fail "the policy is 0600: cntest cannot read it" as_user cntest cat "$POLICY"
run cn list --roots
is "0600 policy: exit 0" 0 "$RC"
is "0600 policy: the same roots, from the helper" "$want_cntest" "$OUT"

{ policy; echo "deny cntest"; } | put_policy
chmod 0600 "$POLICY"
run cn list --roots
is "a later 'deny cntest' takes all of cntest's roots" "0::" "$RC:$OUT:$ERR"
run as_user cnother "$CNSPAWN" list --roots
is "... and none of cnother's" "$R/other/*
$R/other/o1
$R/theirs" "$OUT"

policy | put_policy
chmod 0620 "$POLICY"
run cn list --roots
is "a group-writable policy: exit 125" 125 "$RC"
like "a group-writable policy: one line, cannot use policy" '^cnspawn: cannot use policy: ' "$ERR"
is "a group-writable policy: no roots" "" "$OUT"

policy | put_policy
run cn list --roots --json
is "--roots --json refused: exit 125" 125 "$RC"
is "--roots --json refused: the line" "cnspawn: list: --roots has no --json form" "$ERR"
assert_clean "list --roots"
done_testing
