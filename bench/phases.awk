# SPDX-License-Identifier: GPL-3.0-or-later
# phases.awk: where one cnspawn start's time goes, from `strace -f -tt -T`
# of it (bench/start.sh). Usage:
#   awk -v untraced_ms=MEDIAN -f phases.awk TRACE TRACE   (twice: two passes)
# The frontend is the process that execs .../cnspawn, the helper the one
# that execs .../cnspawn-helper, the container the one that execs
# /sbin/init. A phase runs from one marker syscall to the next, along the
# critical path of a start (markers below; "?" when one is missing).
# Every syscall under strace costs two ptrace stops, so phases of many
# cheap calls are inflated and a phase that is one long kernel call (a
# cgroup.procs write, where there is one) is not: "est." subtracts a per-syscall cost
# calibrated so that the traced total equals the untraced median.

function secs(t,    a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
function dur(line,    m) {
	if (match(line, /<[0-9]+\.[0-9]+>$/))
		return substr(line, RSTART + 1, RLENGTH - 2) + 0
	return 0
}
# mark(NAME, T): the first time a marker is seen.
function mark(name, t) { if (!(name in at) || t < at[name]) at[name] = t }
function add(name, d) { sum[name] += d; cnt[name]++ }

# Pass 1 (the file is given twice): who is who.
NR == FNR {
	if ($3 ~ /^execve\("[^"]*\/bin\/cnspawn"/ && F == "") F = $1
	if ($3 ~ /^execve\("[^"]*\/cnspawn-helper"/ && H == "") H = $1
	if ($3 ~ /^execve\("\/sbin\/init"/ && C == "") C = $1
	next
}
# Pass 2. A call strace split into "<unfinished ...>" and "<... resumed>"
# is put back together and handled at its start time.
{
	pid = $1; t = secs($2)
	call = $0; sub(/^[0-9]+ +[0-9:.]+ +/, "", call)
	if (call ~ / <unfinished \.\.\.>$/) {
		sub(/ <unfinished \.\.\.>$/, "", call)
		pend[pid] = call; pend_t[pid] = t
		next
	}
	if (call ~ /^<\.\.\. [a-z0-9_]+ resumed>/ && (pid in pend)) {
		sub(/^<\.\.\. [a-z0-9_]+ resumed>/, "", call)
		call = pend[pid] call; t = pend_t[pid]
		delete pend[pid]
	}
	nline++; nsys[nline] = t
	if (!(pid in first)) first[pid] = t
}
call ~ /^execve\("[^"]*\/bin\/cnspawn"/ && pid == F { mark("f_exec", t) }
call ~ /^execve\("[^"]*\/cnspawn-helper"/ && pid == H { mark("h_exec", t) }
call ~ /^execve\("\/sbin\/init"/ && pid == C { mark("c_exec", t) }
call ~ /^pivot_root\(/ { mark("c_pivot", t); add("pivot_root", dur(call)) }

# Frontend.
pid == F && call ~ /^clone\(/ { mark("f_fork", t) }
pid == F && call ~ /^exit_group\(/ { mark("f_exit", t) }
# Helper.
pid == H && ("h_exec" in at) && call ~ /^close_range\(/ { mark("h_main", t) }
pid == H && call ~ /^getresuid\(/ { mark("h_ids", t) }
pid == H && call ~ /^recvmsg\(3,/ { mark("h_request", t) }
pid == H && call ~ /^openat\(AT_FDCWD, "\/", / { mark("h_policy", t) }
pid == H && call ~ /^setresgid\(0, 0, 0\)/ { mark("h_permit", t) }
pid == H && call ~ /^mkdir\("[^"]*\/run\/cnspawn"/ { mark("h_reserve", t) }
pid == H && call ~ /^statfs\("\/sys\/fs\/cgroup"/ { mark("h_cgroup", t) }
pid == H && call ~ /^clone3?\(.*CLONE_NEWPID/ { mark("h_clone", t); add("clone3 of the container", dur(call)) }
pid == H && call ~ /^sendto\(.*RTM_NEWLINK.*NLM_F_CREATE/ { mark("h_veth", t); nl = t }
pid == H && nl != "" && call ~ /^recvmsg\(/ { add("veth creation (RTM_NEWLINK round trip)", t + dur(call) - nl); nl = "" }
(pid == H || pid == C) && call ~ /^openat2\(AT_FDCWD, "\/sys\/fs\/cgroup\/[^"]*"/ {
	h = call; sub(/^openat2\(AT_FDCWD, "\/sys\/fs\/cgroup\//, "", h); sub(/\/.*/, "", h); hier = h
}
pid == H && call ~ /^openat2\([0-9]+, "cgroup.procs"/ { mark("h_procs", t); procs = 1; next }
pid == H && procs && call ~ /^write\(/ { add("write to cgroup.procs (" hier ")", dur(call)); procs = 0 }
pid == C && call ~ /^openat2\([0-9]+, "tasks"/ { mark("c_tasks", t); tasks = 1; next }
pid == C && tasks && call ~ /^write\(/ { add("child's write of 0 to tasks (" hier ")", dur(call)); tasks = 0 }
pid == H && call ~ /^sendmsg\([0-9]+, .*iov_base="G"/ { mark("h_go", t) }
pid == H && ("c_exec" in at) && call ~ /^sendmsg\(3, / { mark("h_console", t) }
pid == H && call ~ /^wait4\(/ { mark("h_reaped", t) }
pid == H && ("h_reaped" in at) && call ~ /^clone\(/ { mark("h_deleter", t) }
pid == H && ("h_reaped" in at) && call ~ /^unlinkat\([0-9]+, "[^"]*", 0\)/ { mark("h_state_rm", t) }
# The deleter (a fork of the monitor): its RTM_DELLINK is off the critical path.
call ~ /^sendto\(.*RTM_DELLINK/ { dl = t; dlpid = pid }
dl != "" && pid == dlpid && call ~ /^recvmsg\(/ { add("veth deletion in the deleter (RTM_DELLINK round trip, not waited for)", t + dur(call) - dl); dl = "" }
pid == H && call ~ /^fsync\(/ { add("fsync of a state file", dur(call)) }
pid == H && call ~ /\/dev\/log|SOCK_DGRAM|\/etc\/localtime/ { add("syslog (socket, connect /dev/log, localtime)", dur(call)) }
pid == H && call ~ /\/etc\/(passwd|group|nsswitch.conf)|nscd/ { add("NSS files and nscd probes (calls only)", dur(call)) }
# Container.
pid == C && call ~ /^sendmsg\(/ { mark("c_sent_master", t) }
pid == C && call ~ /^\+\+\+ exited/ { mark("c_exit", t) }
call ~ /^execve\(/ { add("execve (all three programs)", dur(call)) }

END {
	if (C in first) at["c_start"] = first[C]
	n = split("f_exec f_fork h_exec h_main h_ids h_request h_policy h_permit h_reserve " \
	    "h_cgroup h_clone c_start c_sent_master h_veth h_go c_tasks c_pivot c_exec c_exit " \
	    "h_reaped h_deleter h_state_rm f_exit", m, " ")
	lab["f_exec"] = "frontend: exec, ld.so (libbsd, libc, libmd), options"
	lab["f_fork"] = "fork of the helper (frontend side) until its execve"
	lab["h_exec"] = "helper: setuid execve, ld.so (6 libraries), libcap-ng init"
	lab["h_main"] = "helper: sanitise (fds, signals, rlimits), openlog"
	lab["h_ids"] = "helper: NSS look-ups (getpwuid_r, getgrgid_r x groups)"
	lab["h_request"] = "helper: read and decode the request"
	lab["h_policy"] = "helper: policy load (openat walk, read, parse) and decision"
	lab["h_permit"] = "helper: become root, open root, check init, bridge (netlink), uuid"
	lab["h_reserve"] = "helper: reserve name+address, state write #1"
	lab["h_cgroup"] = "helper: cgroup creation (v2 + v1 memory, pids), ceilings"
	lab["h_clone"] = "clone3 with new mount/pid/net/... namespaces (CLONE_INTO_CGROUP)"
	lab["c_start"] = "child: /dev, devpts, console, /proc, /sys, /run mounts"
	lab["c_sent_master"] = "helper: the console master received, until \"G\""
	lab["h_veth"] = "helper: veth pair created (peer in the container), host end on the bridge"
	# Born in its cgroup, the child sets up its cgroups and pivots before "G"
	# (child.h): after "G" come eth0, hostname, caps, keyring, seccomp, exec.
	lab["h_go"] = "child, after \"G\": eth0 address and route, hostname, caps, keyring, seccomp, exec"
	lab["c_tasks"] = "child: into its v1 cgroups (0 to tasks), cgroupns + cgroup2 mount"
	lab["c_pivot"] = "child: pivot_root (before \"G\": born in its cgroup), then waits"
	lab["c_exec"] = "init runs (#!/bin/true) and exits"
	lab["c_exit"] = "monitor: sees init's exit (pidfd), reaps it"
	lab["h_reaped"] = "cleanup: usage read, the veth deleter forked"
	lab["h_deleter"] = "cleanup: cgroups removed (v2, v1), until the veth is gone"
	lab["h_state_rm"] = "cleanup: state entry and socket removed, exit sent, frontend exits"
	total = at["f_exit"] - at["f_exec"]
	# Syscalls per phase, for the estimate.
	nsyscall = 0
	for (i = 1; i <= nline; i++) if (nsys[i] >= at["f_exec"] && nsys[i] <= at["f_exit"]) nsyscall++
	c = 0
	if (untraced_ms > 0 && nsyscall > 0 && total * 1000 > untraced_ms)
		c = (total * 1000 - untraced_ms) / nsyscall
	printf "  %-78s %8s %6s %8s\n", "phase (critical path, in order)", "traced", "calls", "est."
	# In the order they happened (the helper's veth and the child's mounts run
	# side by side, either may end first); a marker not seen is listed last.
	k = 0
	for (i = 1; i <= n; i++) if (m[i] in at) seen[++k] = m[i]
	for (i = 2; i <= k; i++)
		for (j = i; j > 1 && at[seen[j]] < at[seen[j - 1]]; j--) {
			x = seen[j]; seen[j] = seen[j - 1]; seen[j - 1] = x
		}
	ns = k
	for (i = 1; i <= n; i++) if (!(m[i] in at)) seen[++k] = m[i]
	n = k
	for (i = 1; i <= n; i++) m[i] = seen[i]
	for (i = 1; i < n; i++) {
		a = m[i]; b = m[i + 1]
		if (i >= ns) { if (a != "f_exit") printf "  %-78s %8s\n", lab[a], "? (not seen)"; continue }
		d = (at[b] - at[a]) * 1000
		k = 0
		for (j = 1; j <= nline; j++) if (nsys[j] >= at[a] && nsys[j] < at[b]) k++
		e = d - k * c; if (e < 0) e = 0
		printf "  %-78s %6.2f ms %6d %5.2f ms\n", lab[a], d, k, e
	}
	printf "  %-78s %6.2f ms %6d\n", "total, exec of cnspawn to its exit_group (traced)", total * 1000, nsyscall
	if ("h_console" in at)
		printf "  %-78s %6.2f ms\n", "console handed to the frontend (sendmsg) after exec of cnspawn",
		    (at["h_console"] - at["f_exec"]) * 1000
	if (c > 0)
		printf "  strace cost: traced %.1f ms vs untraced median %.1f ms over %d syscalls = %.0f us per syscall\n",
		    total * 1000, untraced_ms, nsyscall, c * 1000
	print "  single calls (kernel time as strace -T reports it, not inflated by tracing):"
	for (s in sum)
		printf "    %-70s %7.2f ms (%d)\n", s, sum[s] * 1000, cnt[s]
}
