#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The container's /dev: exactly sh-nspawn's set, right types and modes, a console
# that is a tty; a root whose dev (or dev/console) is a symlink to a host path
# must not touch that host path.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

incont "$TEMPLATE" 'ls -1A /dev; true'
is "/dev holds exactly the listed entries" \
	"console fd full null ptmx pts random shm stderr stdin stdout tty urandom zero" \
	"$(printf '%s\n' "$OUT" | sort | tr '\n' ' ' | sed 's/ $//')"

incont "$TEMPLATE" 'for n in null zero full random urandom tty; do stat -c "%n %F %a %t:%T" /dev/$n; done; true'
is "device nodes: char devices 0666 with the right numbers" \
"/dev/null character special file 666 1:3
/dev/zero character special file 666 1:5
/dev/full character special file 666 1:7
/dev/random character special file 666 1:8
/dev/urandom character special file 666 1:9
/dev/tty character special file 666 5:0" "$OUT"

incont "$TEMPLATE" 'for n in ptmx fd stdin stdout stderr; do echo "$n -> $(readlink /dev/$n)"; done; true'
is "links: ptmx, fd, stdin, stdout, stderr" \
"ptmx -> pts/ptmx
fd -> /proc/self/fd
stdin -> /proc/self/fd/0
stdout -> /proc/self/fd/1
stderr -> /proc/self/fd/2" "$OUT"

incont "$TEMPLATE" 'grep -E " /dev(/pts|/shm)? " /proc/mounts; stat -c "dev %a" /dev; true'
like "/dev is a nosuid tmpfs" '^[^ ]+ /dev tmpfs [^ ]*nosuid' "$OUT"
like "/dev is mode 755" '^dev 755$' "$OUT"
like "/dev/pts is a new devpts with ptmxmode=666" '^[^ ]+ /dev/pts devpts [^ ]*ptmxmode=666' "$OUT"
like "/dev/shm is a tmpfs" '^[^ ]+ /dev/shm tmpfs ' "$OUT"

# -t: the console as init's stdio (without it, pipe mode gives init pipes: 68-exec.sh).
incont "$TEMPLATE" 'echo "tty=$(tty)"; test -t 0 && test -t 1 && echo "stdio is a tty"; stat -c "%F" /dev/console; stat -L -c "console=%t:%T" /dev/console; stat -L -c "stdin=%t:%T" /proc/self/fd/0; true' -t
diag "init's ttyname: $(printf '%s\n' "$OUT" | sed -n 's/^tty=//p')"
like "init's stdin and stdout are a tty" '^stdio is a tty$' "$OUT"
is "init's stdin is the /dev/console device" \
	"$(printf '%s\n' "$OUT" | sed -n 's/^console=//p')" "$(printf '%s\n' "$OUT" | sed -n 's/^stdin=//p')"
like "/dev/console's device numbers read" '^console=[0-9a-f]+:[0-9a-f]+$' "$OUT"
like "/dev/console is a character device" '^character special file$' "$OUT"
incont "$TEMPLATE" 'ls -1 /dev/pts; echo hello > /dev/console && echo console-writable; true'
like "the console is a pty of the container's own devpts" '^0$' "$OUT"
like "/dev/console is writable" '^console-writable$' "$OUT"
assert_clean "dev"

# Hostile roots: dev -> a host directory; dev/console -> a host file.
install -d -o root -g root -m 0755 "$HOSTTMP"
host=$HOSTTMP/t20-dev
rm -rf "$host"; remove_on_exit "$host"
install -d -o root -g root -m 0755 "$host"
echo canary > "$host/canary"
echo host-console > "$host/console-file"
snap() { (cd "$host" && find . -printf '%p %y %m %s %U %T@\n' | sort; md5sum canary console-file) 2>&1; }
snap_mounts() { awk -v p="$host" 'index($5, p) == 1' /proc/self/mountinfo; }
before=$(snap)

mkcopy t20devln
rm -rf "$COPY/dev"
ln -s "$host" "$COPY/dev"
# helper/dev.c dev_build: a symlinked ROOT/dev is refused, never followed, and the
# root is not rewritten to "fix" it.
refused "dev -> host dir" "$COPY/dev is a symlink; refusing" \
	cn -q -p "$COPY" -b br0 --init /bin/sh -- -c 'ls -1A /dev; true'
is "dev -> host dir: host dir unchanged" "$before" "$(snap)"
is "dev -> host dir: nothing mounted on the host dir" "" "$(snap_mounts)"
is "dev -> host dir: the root's dev is still that symlink" "$host" "$(readlink "$COPY/dev")"

mkcopy t20conln
ln -s "$host/console-file" "$COPY/dev/console"
# The root's own dev/ is hidden under the new tmpfs: the planted link is never
# looked at, the container starts and writes to its own console.
incont "$COPY" 'echo written-to-console > /dev/console; true' -t
is "dev/console -> host file: starts, exit 0" 0 "$RC"
like "dev/console -> host file: the write reaches the container's console" '^written-to-console$' "$OUT"
is "dev/console -> host file: host file unchanged" "$before" "$(snap)"
is "dev/console -> host file: nothing mounted on it" "" "$(snap_mounts)"
assert_clean "console symlink"
done_testing
