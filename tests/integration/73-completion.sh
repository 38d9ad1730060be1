#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion (issue 16), the installed file driven in a real bash as
# cntest: `complete -p cnspawn`, subcommands, exec's options, the running
# container's name from `cnspawn list`, roots for -p from `list --roots`;
# zsh's file at least parses.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs
COMP=$CHECK_PREFIX/share/bash-completion/completions/cnspawn
ZCOMP=$CHECK_PREFIX/share/zsh/vendor-completions/_cnspawn
[ -f "$COMP" ] || { echo "1..0 # SKIP $COMP not installed"; exit 77; }

# comp USER WORD...: the candidates _cnspawn gives for WORD... (the last is the
# one completed, COMP_WORDS[0] the installed cnspawn), sorted, one a line.
comp() {
	_u=$1
	shift
	as_user "$_u" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_cnspawn; [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$COMP" "$CNSPAWN" "$@" | LC_ALL=C sort
}
nl() { printf '%s\n' "$@"; }

is "complete -p cnspawn" "complete -F _cnspawn cnspawn" \
	"$(as_user cntest bash -c '. "$1"; complete -p cnspawn' _ "$COMP")"
is "subcommands: st" "$(nl start status stop)" "$(comp cntest st)"
is "subcommands: all" "$(nl attach exec list login start status stop)" "$(comp cntest '')"
is "exec's options" "$(nl --cwd --env --help --no-tty --tty --user -E -T -h -t -u)" \
	"$(comp cntest exec -)"
is "list's long options" "$(nl --help --json --roots)" "$(comp cntest list --)"
is "stop's options" "$(nl --help --kill --timeout -h -t)" "$(comp cntest stop -)"
is "--resolv-conf=VALUE" "$(nl auto off)" "$(comp cntest --resolv-conf = '')"
is "no candidates after the time of stop -t" "" "$(comp cntest stop -t '')"

mkcopy compl73
run cn -d -q -M compl73 -p "$COPY" -b br0 --init /bin/sh -- -c 'sleep 60'
is "a detached container runs" 0 "$RC"
on_exit "as_user cntest $CNSPAWN stop --kill compl73 > /dev/null 2>&1 || true"
is "attach: the running name" "compl73" "$(comp cntest attach '')"
is "stop: the running name from its prefix" "compl73" "$(comp cntest stop comp)"
is "exec: the name after -u USER" "compl73" "$(comp cntest exec -u root '')"
is "exec: nothing after the name (the command's own)" "" "$(comp cntest exec compl73 '')"
is "cnother sees no name of cntest's" "" "$(comp cnother attach '')"
# The harness's policy lets cntest start $MACHINES/*: the copy is one of them.
is "-p: the roots from list --roots" "$COPY" "$(comp cntest -p "$MACHINES/compl")"
is "--directory=: the same" "$COPY" "$(comp cntest start --directory = "$MACHINES/compl")"
run cn stop --kill compl73
is "stopped" 0 "$RC"
assert_clean "completion"

if command -v zsh > /dev/null && [ -f "$ZCOMP" ]; then
	check "zsh -n _cnspawn" zsh -n "$ZCOMP"
	is "zsh: compinit finds _cnspawn for cnspawn" "_cnspawn" "$(zsh -fc \
		'fpath=($1:h $fpath); autoload -Uz compinit; compinit -u -d $2; print -r -- $_comps[cnspawn]' \
		_ "$ZCOMP" "$_work/zcompdump")"
else
	skip "zsh -n _cnspawn" "zsh is not installed"
fi
done_testing
