# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion for cnspawn(1): subcommands, the options of each, running
# container names (`cnspawn list`, one a line into a pipe) and, for -p and
# --directory, the roots the policy lets you start (`cnspawn list --roots`).
# Self-contained: it uses bash-completion's helpers only when they are loaded.

_cnspawn_subcommands="start list attach status stop exec login"

# The options of each subcommand, as frontend/main.c and frontend/cmd-*.c take them.
_cnspawn_opts_start="-p --directory -b --network-bridge -a --address -r --gateway -M --machine
	--init -q --quiet -d --detach -t --tty --kill-signal --no-reboot --memory --pids --cpus --bind
	--bind-ro -x --ephemeral --resolv-conf --hostname --escape --no-escape -h --help --version"
_cnspawn_opts_list="--json --roots -h --help"
_cnspawn_opts_attach="--escape --no-escape -h --help"
_cnspawn_opts_status="--json -h --help"
_cnspawn_opts_stop="-t --timeout --kill -h --help"
_cnspawn_opts_exec="-u --user -E --env --cwd -t --tty -T --no-tty -h --help"
_cnspawn_opts_login="-h --help"
# Options whose value is the next word.
_cnspawn_args_start="-p --directory -b --network-bridge -a --address -r --gateway -M --machine
	--init --kill-signal --memory --pids --cpus --bind --bind-ro --resolv-conf --hostname
	--escape"
_cnspawn_args_attach="--escape"
_cnspawn_args_stop="-t --timeout"
_cnspawn_args_exec="-u --user -E --env --cwd"

# _cnspawn_in WORD LIST: is WORD one of LIST?
_cnspawn_in() {
	local w
	for w in $2; do [[ $1 == "$w" ]] && return 0; done
	return 1
}

# _cnspawn_lines CMD...: COMPREPLY from CMD's lines that start with $cur (names may
# hold no space, but roots can: one candidate a line, never split on blanks).
_cnspawn_lines() {
	local line
	COMPREPLY=()
	while IFS= read -r line; do
		[[ -n $line && $line == "$cur"* ]] && COMPREPLY+=("$line")
	done < <("$@" 2> /dev/null)
}

# The roots, without the DIR/* patterns (they name no directory you can start).
_cnspawn_roots() {
	local line
	COMPREPLY=()
	while IFS= read -r line; do
		[[ -n $line && $line != */\* && $line == "$cur"* ]] && COMPREPLY+=("$line")
	done < <("$1" list --roots 2> /dev/null)
	if ((${#COMPREPLY[@]} == 0)); then
		compopt -o filenames 2> /dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
	fi
}

# _cnspawn_value CMD OPT: complete the value of option OPT.
_cnspawn_value() {
	case $2 in
	-p | --directory) _cnspawn_roots "$1" ;;
	-b | --network-bridge)
		local b
		COMPREPLY=()
		for b in /sys/class/net/*/bridge; do
			[[ -d $b ]] || continue
			b=${b%/bridge}
			b=${b##*/}
			[[ $b == "$cur"* ]] && COMPREPLY+=("$b")
		done
		;;
	--bind | --bind-ro)
		compopt -o filenames 2> /dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		;;
	--resolv-conf) mapfile -t COMPREPLY < <(compgen -W "auto off" -- "$cur") ;;
	--kill-signal)
		mapfile -t COMPREPLY < <(compgen -W "SIGRTMIN+4 SIGUSR2 SIGPWR SIGTERM SIGINT SIGHUP
			SIGKILL" -- "$cur")
		;;
	*) COMPREPLY=() ;;
	esac
}

_cnspawn() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev= opt= cmd=start first=1 i w opts args
	local self=${COMP_WORDS[0]}
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# --opt=VALUE: bash splits it at '=' (COMP_WORDBREAKS) into "--opt" "=" "VALUE".
	if [[ $cur == = ]]; then
		opt=$prev cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
	fi
	if ((COMP_CWORD >= 2)) && _cnspawn_in "${COMP_WORDS[1]}" "$_cnspawn_subcommands"; then
		cmd=${COMP_WORDS[1]} first=2
	fi
	opts=_cnspawn_opts_$cmd args=_cnspawn_args_$cmd
	opts=${!opts} args=${!args-}
	if [[ -n $opt ]]; then
		_cnspawn_value "$self" "$opt"
		return 0
	fi
	if _cnspawn_in "$prev" "$args"; then
		_cnspawn_value "$self" "$prev"
		return 0
	fi
	# The first word: a subcommand, or a start option.
	if ((COMP_CWORD == 1)) && [[ $cur != -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$_cnspawn_subcommands" -- "$cur")
		return 0
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return 0
	fi
	# A NAME argument: the first word that is no option nor an option's value.
	case $cmd in attach | status | stop | exec | login) ;; *) COMPREPLY=(); return 0 ;; esac
	for ((i = first; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		[[ $w == -- ]] && break
		if [[ $w == -* ]]; then
			_cnspawn_in "$w" "$args" && ((i++))
			continue
		fi
		COMPREPLY=() # NAME came already: what follows is exec's command
		return 0
	done
	_cnspawn_lines "$self" list
}

complete -F _cnspawn cnspawn
