#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The Ansible connection plugin (contrib/ansible, issue 16) for real, with
# Debian's ansible-core, as cntest through the setuid helper: two detached
# containers from a Debian 12 root with Python (mkdebian.sh, minbase plus
# python3, cached in /var/cache/cnspawn-test/bookworm-python3), one inventory
# with ansible_connection=cnspawn (one host by its name and pipelining, one by
# ansible_host without), and ONE ansible-playbook run (Ansible is slow) whose
# results are then checked from the host side: command (with stdin and with a
# command line longer than one exec argument), copy (SHA-256 of the file in
# the root), fetch (byte-identical, binary), template (rendered variables),
# file, remote_user (-u) and become (su) on both; a task that fails and a host
# that is not running, each with its message and ansible-playbook's status.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs
command -v ansible-playbook > /dev/null ||
	{ echo "1..0 # SKIP ansible-playbook not installed (tests/install-deps.sh)"; exit 77; }
CACHE=${CNSPAWN_PYTHON_CACHE:-/var/cache/cnspawn-test/bookworm-python3}
PLUGIN=$(cd "$(dirname "$0")/../../contrib/ansible" && pwd)/connection_plugins/cnspawn.py

rc=0
sh "$(dirname "$0")/mkdebian.sh" "$CACHE" python3 minbase > "$_work/mkdebian.log" 2>&1 || rc=$?
sed 's/^/# /' "$_work/mkdebian.log"
[ "$rc" = 0 ] || { echo "1..0 # SKIP no Debian root with python3 (mkdebian.sh exit $rc)"; exit 77; }

# The controller's side, owned by cntest: the plugin (copied, so cntest can
# read it wherever the source tree is), inventory, playbook, files, HOME.
D=$(mktemp -d /tmp/cnspawn-74.XXXXXX)
remove_on_exit "$D"
mkdir -p "$D/plugins" "$D/home" "$D/files" "$D/fetched"
cp "$PLUGIN" "$D/plugins/"
# A binary file of every byte value and random bytes, and a template.
{ awk 'BEGIN { for (i = 0; i < 256; i++) printf "%c", i }'; head -c 300000 /dev/urandom; } > "$D/files/payload.bin"
printf '%s\n' '{{ greeting }} from {{ inventory_hostname }} in {{ ansible_host | default(inventory_hostname) }}' \
	> "$D/files/greeting.j2"

# pyroot NAME: ROOT, a copy of the cached root with a user "deploy" (uid 1000,
# no password)
# and a binary /srv/blob.bin to fetch; removed at exit.
pyroot() {
	ROOT=$MACHINES/$1
	rm -rf "$ROOT"
	cp -a --reflink=auto "$CACHE" "$ROOT"
	remove_on_exit "$ROOT"
	rm -f "$ROOT/.cnspawn-complete"
	echo 'deploy:x:1000:1000:deploy:/home/deploy:/bin/sh' >> "$ROOT/etc/passwd"
	echo 'deploy:x:1000:' >> "$ROOT/etc/group"
	# su's PAM account step (pam_unix) refuses a user without a shadow entry.
	echo 'deploy:*:20000:0:99999:7:::' >> "$ROOT/etc/shadow"
	install -d -o 1000 -g 1000 -m 0755 "$ROOT/home/deploy"
	{ head -c 200000 /dev/urandom; awk 'BEGIN { for (i = 255; i >= 0; i--) printf "%c", i }'; } \
		> "$ROOT/srv/blob.bin"
}
pyroot t74a
RA=$ROOT
pyroot t74b
RB=$ROOT
pyroot t74c
RC3=$ROOT

save_policy
put_policy <<-P
permit cntest root $MACHINES/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 8 init /bin/sh privileged exec
P

for n in t74a t74b t74c; do
	on_exit "cn stop --kill $n > /dev/null 2>&1 || true"
	run cn -d -q -M "$n" -p "$MACHINES/$n" -b br0 --init /bin/sh -- -c 'while :; do sleep 3600; done'
	is "$n: started detached" "0 $n" "$RC $OUT"
	[ "$RC" = 0 ] || diag "stderr: $ERR"
done
chown -R cntest:cntest "$D"

cat > "$D/ansible.cfg" <<-EOF
[defaults]
nocolor = True
retry_files_enabled = False
forks = 5
EOF
# t74a by its name, with pipelining; web2 is container t74b through
# ansible_host, without (modules then go through put_file); far is t74c
# through the ssh hop (ansible_cnspawn_ssh_host) with a stand-in for ssh that
# does what ssh does with the command, here: the one string, parsed by a
# POSIX shell (no sshd in make check); ghost is not running.
cat > "$D/ssh" <<-'SSH'
#!/bin/sh
# ssh -T -e none [ARGS] -- HOST 'COMMAND': log the arguments, run COMMAND with sh -c.
printf '%s\n' "$*" | cut -c1-200 >> "${0%/*}/ssh.log"
while [ "$1" != -- ]; do shift; done
exec /bin/sh -c "$3"
SSH
chmod 0755 "$D/ssh"
cat > "$D/inventory" <<-EOF
[containers]
t74a ansible_pipelining=true greeting=hello
web2 ansible_host=t74b greeting="good day"
far ansible_host=t74c greeting="far away" ansible_cnspawn_ssh_host=cntest@farhost ansible_cnspawn_ssh_executable=$D/ssh ansible_cnspawn_ssh_args="-o BatchMode=yes"
ghost greeting=none

[containers:vars]
ansible_connection=cnspawn
ansible_cnspawn_executable=$CNSPAWN
ansible_python_interpreter=/usr/bin/python3
EOF
cat > "$D/play.yml" <<-'EOF'
- name: cnspawn connection
  hosts: containers
  gather_facts: false
  vars:
    cname: "{{ ansible_host | default(inventory_hostname) }}"
  tasks:
    - name: command
      command: uname -n
      register: un
    - assert: { that: un.stdout == cname }

    - name: command with stdin
      command: cat
      args: { stdin: "{{ greeting }}" }
      register: cat
    - assert: { that: cat.stdout == greeting }

    - name: a command line longer than one exec argument (4095 bytes)
      shell: printf %s "$BIG" | wc -c
      environment: { BIG: "{{ 'x' * 6000 }}" }
      register: big
    - assert: { that: big.stdout == "6000" }

    - name: copy
      copy: { src: files/payload.bin, dest: /root/payload.bin, mode: "0640" }
      register: cp
    - assert:
        that: cp.changed and cp.checksum == lookup("file", "files/payload.sha1")

    - name: fetch a binary file
      fetch: { src: /srv/blob.bin, dest: "fetched/{{ inventory_hostname }}/blob.bin", flat: true }
    - name: fetch the copy back
      fetch: { src: /root/payload.bin, dest: "fetched/{{ inventory_hostname }}/payload.bin", flat: true }

    - name: template
      template: { src: files/greeting.j2, dest: /etc/greeting }

    - name: file
      file: { path: /srv/made, state: directory, mode: "0750" }

    - name: remote_user (cnspawn exec -u)
      command: id -un
      remote_user: deploy
      register: ru
    - assert: { that: ru.stdout == "deploy" }
    - name: copy as remote_user
      copy: { src: files/payload.bin, dest: /home/deploy/payload.bin }
      remote_user: deploy

    - name: become (su, from root)
      command: id -un
      become: true
      become_method: su
      become_user: deploy
      register: bu
    - assert: { that: bu.stdout == "deploy" }

    - name: fails on purpose
      shell: echo boom >&2; exit 3

    - name: never reached
      command: "true"
EOF
sha1sum < "$D/files/payload.bin" | cut -d' ' -f1 > "$D/files/payload.sha1"
chown -R cntest:cntest "$D"

# One run, timed.
t0=$(date +%s%N)
RC=0
CN_TIMEOUT=240 as_user cntest env HOME="$D/home" LC_ALL=C.UTF-8 ANSIBLE_CONFIG="$D/ansible.cfg" \
	ANSIBLE_CONNECTION_PLUGINS="$D/plugins" sh -c "cd '$D' && exec ansible-playbook -i inventory play.yml" \
	> "$_work/play.out" 2>&1 || RC=$?
ms=$((($(date +%s%N) - t0) / 1000000))
diag "ansible-playbook: 4 hosts, 19 tasks: $((ms / 1000)).$(printf %03d $((ms % 1000))) s"
OUT=$(cat "$_work/play.out")

# 4: a host was unreachable (it wins over a failed task, 2).
is "ansible-playbook exits 4 (a host unreachable, tasks failed)" 4 "$RC"
[ "$RC" = 4 ] || diag "$OUT"
like "ghost: unreachable, with cnspawn's reason" \
	'^fatal: \[ghost\]: UNREACHABLE! => .*"msg": "cnspawn exec into ghost: no container named ghost is running"' "$OUT"
for h in t74a web2 far; do
	like "$h: every task ran and passed until the failing one" \
		"^$h +: ok=17 +changed=[0-9]+ +unreachable=0 +failed=1 " "$OUT"
	like "$h: the failing task's status and stderr" \
		"^fatal: \[$h\]: FAILED! => .*\"msg\": \"non-zero return code\".*\"rc\": 3.*\"stderr\": \"boom\"" "$OUT"
done
like "ghost: in the recap as unreachable" '^ghost +: ok=0 +changed=0 +unreachable=1 +failed=0 ' "$OUT"
unlike "no task after the failing one ran" 'TASK \[never reached\]' "$OUT"

sum() { sha256sum < "$1" | cut -d' ' -f1; }
want=$(sum "$D/files/payload.bin")
like "far: exec went through the ssh hop, quoted" \
	"^-T -e none -o BatchMode=yes -- cntest@farhost '?$CNSPAWN'? exec -T -- t74c -- " "$(cat "$D/ssh.log")"
is "far: every operation went through it" "" \
	"$(grep -v '^-T -e none -o BatchMode=yes -- cntest@farhost ' "$D/ssh.log" || true)"
for h in t74a:t74a:"$RA":hello web2:t74b:"$RB":"good day" far:t74c:"$RC3":"far away"; do
	host=${h%%:*} h=${h#*:}
	name=${h%%:*} h=${h#*:}
	root=${h%%:*} greeting=${h#*:}
	is "$host: copy: the file in the root has the SHA-256 of the source" "$want" \
		"$(sum "$root/root/payload.bin" 2>&1)"
	is "$host: copy: mode 0640, owned by root" "640 0:0" "$(stat -c '%a %u:%g' "$root/root/payload.bin")"
	check "$host: fetch: the binary file arrived byte for byte" \
		cmp "$root/srv/blob.bin" "$D/fetched/$host/blob.bin"
	check "$host: fetch: the copy came back byte for byte" \
		cmp "$D/files/payload.bin" "$D/fetched/$host/payload.bin"
	is "$host: template: rendered with the host's variables" \
		"$greeting from $host in $name" "$(cat "$root/etc/greeting")"
	is "$host: file: a directory with mode 0750" "directory 750" \
		"$(stat -c '%F %a' "$root/srv/made")"
	is "$host: copy as remote_user deploy: owned by uid 1000, same SHA-256" "1000 $want" \
		"$(stat -c %u "$root/home/deploy/payload.bin") $(sum "$root/home/deploy/payload.bin")"
done

for n in t74a t74b t74c; do
	run cn stop --kill "$n"
	is "$n: stopped" 0 "$RC"
done
assert_clean "after the playbook"
done_testing
