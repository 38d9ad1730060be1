# SPDX-License-Identifier: GPL-3.0-or-later
# Ansible connection plugin for cnspawn containers (issue 16).
#
# Every operation is one `cnspawn exec -T NAME -- ...` of the unprivileged
# frontend: the setuid helper decides the policy again for each one, exactly
# as for a user typing the command, so this plugin needs no privilege and adds
# none. Non-terminal exec gives three byte-exact pipes and the command's exit
# status, which is all Ansible needs: modules and files travel on stdin and
# stdout unchanged (no PTY, no CR, stderr separate).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: cnspawn
short_description: Run tasks in running cnspawn containers through C(cnspawn exec)
description:
  - Runs commands and transfers files in a container started with C(cnspawn)
    on the controller, as the user running Ansible, through
    C(cnspawn exec -T NAME -- ...) (its byte-exact pipe mode).
  - The container must be running, and the policy must allow this user to
    exec into it (its owner, under a C(userns) rule or a C(privileged) rule
    with the C(exec) option).
author: cnspawn developers
extends_documentation_fragment:
  - connection_pipelining
notes:
  - C(put_file) is C(cat > PATH) and C(fetch_file) is C(cat PATH) inside the
    container, with the path passed as an argument (never parsed by a shell);
    the container needs C(/bin/sh) and C(cat), and Python for most modules.
  - Become works where it needs no password (the default root connection
    becoming another user with C(su) or C(sudo), or C(sudo) with NOPASSWD);
    a become password is refused. Use O(remote_user) to run as a user directly.
options:
  remote_addr:
    description:
      - The container's name (as C(cnspawn list) shows it).
    type: string
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
      - name: ansible_cnspawn_host
  cnspawn_executable:
    description:
      - The C(cnspawn) program; a name is looked up in C(PATH).
    type: string
    default: cnspawn
    vars:
      - name: ansible_cnspawn_executable
    env:
      - name: ANSIBLE_CNSPAWN_EXECUTABLE
  remote_user:
    description:
      - The user in the container (its own C(/etc/passwd)) that commands run
        as, passed as C(cnspawn exec -u USER). Unset means the container's root.
    type: string
    vars:
      - name: ansible_user
      - name: ansible_cnspawn_user
    env:
      - name: ANSIBLE_REMOTE_USER
    ini:
      - section: defaults
        key: remote_user
    cli:
      - name: user
    keyword:
      - name: remote_user
  cnspawn_ssh_host:
    description:
      - Run C(cnspawn) on this host (C([USER@]HOST), as for C(ssh)) through
        C(ssh -T -e none HOST COMMAND) instead of on the controller, for
        containers on other machines; unset runs it locally. ssh without a
        terminal carries stdin, stdout and stderr unchanged and returns the
        remote status (255 for its own failures, reported as unreachable).
      - The command is one string quoted for the remote user's POSIX shell.
    type: string
    vars:
      - name: ansible_cnspawn_ssh_host
  cnspawn_ssh_executable:
    description:
      - The ssh client used with O(cnspawn_ssh_host).
    type: string
    default: ssh
    vars:
      - name: ansible_cnspawn_ssh_executable
  cnspawn_ssh_args:
    description:
      - More arguments for ssh (split like a shell), such as C(-o BatchMode=yes).
    type: string
    default: ""
    vars:
      - name: ansible_cnspawn_ssh_args
  cnspawn_shell:
    description:
      - The shell inside the container that parses Ansible's command lines.
    type: string
    default: /bin/sh
    vars:
      - name: ansible_cnspawn_shell
"""

import os
import shlex
import shutil
import subprocess

from ansible.errors import AnsibleConnectionFailure, AnsibleError, AnsibleFileNotFound
from ansible.module_utils._text import to_bytes, to_text
from ansible.plugins.connection import ConnectionBase
from ansible.utils.display import Display

display = Display()

# cnspawn exec takes at most 64 arguments of at most 4095 bytes each
# (IPC_MAX_ARGS, IPC_MAX_STR) and 64 KiB in all (IPC_MAX_MSG). A longer
# command line is split into pieces that a fixed script joins again.
ARG_MAX = 4000
JOIN_SCRIPT = 'c=; for p do c=$c$p; done; unset p; eval "$c"'
MAX_PIECES = 12

# Exit status 125 with one line "cnspawn: ..." on stderr is cnspawn's own
# refusal or failure (not running, permission denied, no such user, ...).
CNSPAWN_FAILED = 125


class Connection(ConnectionBase):
    """cnspawn exec based connections"""

    transport = "cnspawn"
    has_pipelining = True
    default_user = "root"

    def __init__(self, play_context, new_stdin, *args, **kwargs):
        super(Connection, self).__init__(play_context, new_stdin, *args, **kwargs)
        self._cnspawn = None
        self._ssh = None

    def _name(self):
        name = self.get_option("remote_addr")
        if not name:
            raise AnsibleError("cnspawn: no container name (inventory_hostname or ansible_host)")
        return name

    def _connect(self):
        """find cnspawn; each operation is its own exec, so nothing stays open"""
        super(Connection, self)._connect()
        if self._connected:
            return self
        exe = self.get_option("cnspawn_executable")
        self._ssh = None
        if self.get_option("cnspawn_ssh_host"):
            # cnspawn is the remote host's; only ssh must be here.
            ssh = self.get_option("cnspawn_ssh_executable")
            self._ssh = ssh if os.path.isabs(ssh) else shutil.which(ssh)
            if not self._ssh or not os.access(self._ssh, os.X_OK):
                raise AnsibleError("cnspawn: cannot run %s (ansible_cnspawn_ssh_executable)" % ssh)
            self._cnspawn = exe
        else:
            path = exe if os.path.isabs(exe) else shutil.which(exe)
            if not path or not os.access(path, os.X_OK):
                raise AnsibleError("cnspawn: cannot run %s (ansible_cnspawn_executable)" % exe)
            self._cnspawn = path
        user = self.get_option("remote_user")
        display.vvv("ESTABLISH CNSPAWN CONNECTION FOR USER: %s" % (user or "root"), host=self._name())
        self._connected = True
        return self

    def _argv(self, cmd):
        """cnspawn exec -T [-u USER] -- NAME -- CMD..., as bytes"""
        argv = [self._cnspawn, "exec", "-T"]
        user = self.get_option("remote_user")
        if user:
            argv += ["-u", user]
        # The first "--" ends cnspawn's options, so no name can pass for one.
        argv += ["--", self._name(), "--"] + cmd
        if self._ssh:
            # ssh hands the remote shell one string: quote every word for it.
            remote = " ".join(shlex.quote(to_text(a, errors="surrogate_or_strict")) for a in argv)
            argv = [self._ssh, "-T", "-e", "none"]
            argv += shlex.split(self.get_option("cnspawn_ssh_args") or "")
            argv += ["--", self.get_option("cnspawn_ssh_host"), remote]
        return [to_bytes(a, errors="surrogate_or_strict") for a in argv]

    def _shell_argv(self, cmd):
        """the shell running Ansible's command line CMD, split if it is long"""
        shell = self.get_option("cnspawn_shell")
        cmd = to_bytes(cmd, errors="surrogate_or_strict")
        if len(cmd) <= ARG_MAX:
            return [shell, "-c", cmd]
        pieces = [cmd[i:i + ARG_MAX] for i in range(0, len(cmd), ARG_MAX)]
        # Cutting bytes is safe: the script joins them before the shell parses.
        if len(pieces) > MAX_PIECES:
            raise AnsibleError(
                "cnspawn: command line of %d bytes is longer than cnspawn exec takes (%d)"
                % (len(cmd), ARG_MAX * MAX_PIECES))
        return [shell, "-c", JOIN_SCRIPT, "sh"] + pieces

    def _refused(self, rc, stderr):
        """raise AnsibleConnectionFailure when cnspawn (or ssh) could not run the command"""
        if self._ssh and rc == 255:
            raise AnsibleConnectionFailure("ssh to %s for %s (status 255): %s" % (
                self.get_option("cnspawn_ssh_host"), self._name(),
                to_text(stderr, errors="surrogate_or_replace").strip()))
        if rc != CNSPAWN_FAILED:
            return
        msg = to_text(stderr, errors="surrogate_or_replace").strip()
        if msg.startswith("cnspawn: ") and "\n" not in msg:
            raise AnsibleConnectionFailure(
                "cnspawn exec into %s: %s" % (self._name(), msg[len("cnspawn: "):]))

    def _run(self, cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, in_data=None):
        argv = self._argv(cmd)
        display.vvvvv("EXEC %s" % [to_text(a, errors="surrogate_or_replace") for a in argv],
                      host=self._name())
        try:
            p = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)
        except OSError as e:
            raise AnsibleConnectionFailure("cnspawn: cannot run %s: %s" % (self._cnspawn, e))
        out, err = p.communicate(in_data)
        self._refused(p.returncode, err)
        return p.returncode, out, err

    def exec_command(self, cmd, in_data=None, sudoable=True):
        """run CMD through the container's shell; in_data (pipelining) goes to its stdin"""
        super(Connection, self).exec_command(cmd, in_data=in_data, sudoable=sudoable)
        if sudoable and self.become and self.become.expect_prompt():
            raise AnsibleError(
                "cnspawn: become with a password is not supported (exec has no terminal to "
                "answer the prompt); use remote_user, or become without a password")
        display.vvv("EXEC %s" % cmd, host=self._name())
        # stdin is always a pipe, closed after in_data: the command sees EOF, never
        # the controller's terminal.
        return self._run(self._shell_argv(cmd), in_data=in_data or b"")

    def put_file(self, in_path, out_path):
        """copy IN_PATH to OUT_PATH in the container: `cat > OUT_PATH` with the file on stdin"""
        super(Connection, self).put_file(in_path, out_path)
        display.vvv("PUT %s TO %s" % (in_path, out_path), host=self._name())
        b_in = to_bytes(in_path, errors="surrogate_or_strict")
        if not os.path.isfile(b_in):
            raise AnsibleFileNotFound("file or module does not exist: %s" % in_path)
        with open(b_in, "rb") as f:
            rc, _, err = self._run(["/bin/sh", "-c", 'cat > "$1"', "sh", out_path],
                                   stdin=f, stdout=subprocess.DEVNULL)
        if rc != 0:
            raise AnsibleError("cnspawn: failed to put %s to %s in %s (status %d): %s" % (
                in_path, out_path, self._name(), rc, to_text(err, errors="surrogate_or_replace")))

    def fetch_file(self, in_path, out_path):
        """copy IN_PATH of the container to OUT_PATH: `cat IN_PATH`'s stdout into the file"""
        super(Connection, self).fetch_file(in_path, out_path)
        display.vvv("FETCH %s TO %s" % (in_path, out_path), host=self._name())
        b_out = to_bytes(out_path, errors="surrogate_or_strict")
        try:
            with open(b_out, "wb") as f:
                rc, _, err = self._run(["cat", "--", in_path], stdin=subprocess.DEVNULL,
                                       stdout=f)
        except AnsibleError:
            os.unlink(b_out)
            raise
        if rc != 0:
            os.unlink(b_out)
            raise AnsibleError("cnspawn: failed to fetch %s from %s (status %d): %s" % (
                in_path, self._name(), rc, to_text(err, errors="surrogate_or_replace")))

    def close(self):
        """nothing stays open between operations"""
        super(Connection, self).close()
        self._connected = False
