#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Build the Debian package from the committed tree and check what it installs:
# the helper setuid root 4755 in /usr/libexec/cnspawn, the programs, the man
# pages, the bash and zsh completion, and the compiled-in /etc and /run paths
# (never DESTDIR). Then lintian on the .changes (the source, both .debs, the .buildinfo and the .changes):
# any E: or W: line fails, and the one override is the setuid helper's.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
rm -rf "$out"
mkdir -p "$out/src"
cd "$top"
git ls-files -z | tar --null -T - -cf - | tar -C "$out/src" -xf -
cp -a packaging/debian "$out/src/debian"
(cd "$out/src" && dpkg-buildpackage -uc -us > "$out/build.log" 2>&1) ||
    { tail -30 "$out/build.log"; echo "packaging: 0 passed, 1 failed"; exit 1; }
deb=$(ls "$out"/cnspawn_*.deb)
n=0 f=0
t() {
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; f=$((f + 1)); fi
}
list=$(dpkg-deb -c "$deb")
t "helper is root:root 4755" 'echo "$list" | grep -Eq "^-rwsr-xr-x root/root .* \./usr/libexec/cnspawn/cnspawn-helper$"'
t "cnspawn in /usr/bin" 'echo "$list" | grep -Eq "^-rwxr-xr-x root/root .* \./usr/bin/cnspawn$"'
t "cnspawn-policy in /usr/sbin" 'echo "$list" | grep -Eq " \./usr/sbin/cnspawn-policy$"'
t "man pages" 'echo "$list" | grep -q "man1/cnspawn.1" && echo "$list" | grep -q "man5/cnspawn.policy.5" && echo "$list" | grep -q "man8/cnspawn-policy.8"'
t "bash completion in bash-completion's directory" 'echo "$list" | grep -Eq "^-rw-r--r-- root/root .* \./usr/share/bash-completion/completions/cnspawn$"'
t "zsh completion in zsh's vendor-completions" 'echo "$list" | grep -Eq "^-rw-r--r-- root/root .* \./usr/share/zsh/vendor-completions/_cnspawn$"'
t "no /run in the package (a tmpfs)" '! echo "$list" | grep -q " \./run"'
x=$out/x
dpkg-deb -x "$deb" "$x"
t "compiled-in policy path is /etc/cnspawn/policy" 'grep -qa "/etc/cnspawn/policy" "$x/usr/libexec/cnspawn/cnspawn-helper"'
t "compiled-in helper path, no DESTDIR" 'grep -qa "/usr/libexec/cnspawn/cnspawn-helper" "$x/usr/bin/cnspawn" && ! grep -qa "debian/cnspawn" "$x/usr/bin/cnspawn" "$x/usr/libexec/cnspawn/cnspawn-helper"'
# lintian --fail-on none: its status is then only about lintian failing to run;
# the tags are judged here. As root it warns on stderr, which is no tag.
lint_rc=0
if command -v lintian > /dev/null; then
	lint=$(lintian --fail-on none -I --pedantic --show-overrides "$out"/cnspawn_*.changes 2>&1) ||
	    lint_rc=$?
else
	lint="lintian: not installed (make deps)" lint_rc=127
fi
lint_clean() {
	bad=$(echo "$lint" | grep -E '^[EW]: ') || return 0
	echo "$bad" | sed 's/^/# /'
	return 1
}
t "lintian ran on the .changes (exit $lint_rc)" '[ "$lint_rc" = 0 ] || { echo "$lint" | sed "s/^/# /"; false; }'
t "lintian: no errors, no warnings" lint_clean
t "lintian: the only override is the setuid helper" \
    '[ "$(echo "$lint" | grep "^O: ")" = "O: cnspawn: elevated-privileges 4755 root/root [usr/libexec/cnspawn/cnspawn-helper]" ]'
echo "$lint" | grep -E '^[IPX]: ' | sed 's/^/# lintian: /' || true
echo "1..$n"
echo "packaging: $((n - f)) passed, $f failed"
[ "$f" = 0 ]
