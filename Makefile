# SPDX-License-Identifier: GPL-3.0-or-later
# cnspawn: plain GNU make. See README.md; `make check` runs every test.

VERSION     = 0.1.0

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec
SYSCONFDIR ?= $(PREFIX)/etc
RUNSTATEDIR ?= /run
MANDIR     ?= $(PREFIX)/share/man
# Shell completion (contrib/completion): bash-completion's own directory when
# its pkg-config file is there, else Debian's; zsh's Debian vendor directory.
BASHCOMPDIR ?= $(or $(shell pkg-config --variable=completionsdir bash-completion 2>/dev/null),/usr/share/bash-completion/completions)
ZSHCOMPDIR  ?= /usr/share/zsh/vendor-completions
DESTDIR    ?=
BUILDDIR   ?= build

CC         ?= gcc
CLANG      ?= clang

HELPER_PATH = $(LIBEXECDIR)/cnspawn/cnspawn-helper
POLICY_PATH = $(SYSCONFDIR)/cnspawn/policy
STATE_DIR   = $(RUNSTATEDIR)/cnspawn

CSTD     = -std=gnu17
WARN     = -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wmissing-declarations -Wold-style-definition -Wpointer-arith -Wwrite-strings \
           -Wcast-qual -Wundef -Wvla -Walloca -Wswitch-default -Wimplicit-fallthrough \
           -Wlogical-op -Wduplicated-cond -Wduplicated-branches -Wnull-dereference \
           -Wbidi-chars=any -Wno-missing-field-initializers
WFATAL   = -Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
           -Werror=int-conversion -Werror=return-type -Werror=format-security \
           -Werror=format-nonliteral -Werror=shadow -Werror=vla -Werror=missing-prototypes
HARDEN   = -O2 -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
           -fstack-clash-protection -fcf-protection=full -fPIE -ftrivial-auto-var-init=zero \
           -fno-strict-overflow -fno-delete-null-pointer-checks
LDHARDEN = -pie -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--as-needed
STRICTCONV = -Wconversion -Wsign-conversion
ifeq ($(WERROR),1)
WARN    += -Werror
endif

PKGS      = libcap-ng libbsd-overlay libmnl libseccomp
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# The cgroup base directory of this install (helper/cgroup.h): "cnspawn" for /run.
CGROUP_BASE = cnspawn$(if $(filter /run,$(RUNSTATEDIR)),,$(subst /,-,$(subst -,--,$(RUNSTATEDIR))))

PATHDEFS = -DCNSPAWN_VERSION='"$(VERSION)"' -DCNSPAWN_HELPER_PATH='"$(HELPER_PATH)"' \
           -DCNSPAWN_POLICY_PATH='"$(POLICY_PATH)"' -DCNSPAWN_STATE_DIR='"$(STATE_DIR)"' \
           -DCNSPAWN_CGROUP_BASE='"$(CGROUP_BASE)"'
ALL_CPPFLAGS = -D_GNU_SOURCE -Icommon -Iipc -Ipolicy $(PATHDEFS) $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(CFLAGS) $(CSTD) $(WARN) $(WFATAL) $(HARDEN) -MMD -MP
ALL_LDFLAGS  = $(LDFLAGS) $(LDHARDEN)

OBJ = $(BUILDDIR)/obj

COMMON_SRC     = $(sort $(wildcard common/*.c))
IPC_SRC        = $(sort $(wildcard ipc/*.c))
POLICY_TOOL_SRC = $(sort $(wildcard policy/tool*.c))
POLICY_SRC     = $(filter-out $(POLICY_TOOL_SRC),$(sort $(wildcard policy/*.c)))
HELPER_SRC     = $(sort $(wildcard helper/*.c))
FRONTEND_SRC   = $(sort $(wildcard frontend/*.c))
UNIT_SRC       = $(sort $(wildcard tests/unit/test-*.c))
FUZZ_SRC       = $(sort $(wildcard tests/fuzz/fuzz-*.c))

objs = $(patsubst %.c,$(OBJ)/%.o,$(1))

LIBCOMMON = $(BUILDDIR)/libcnspawn-common.a
LIBIPC    = $(BUILDDIR)/libcnspawn-ipc.a
LIBPOLICY = $(BUILDDIR)/libcnspawn-policy.a
HELPER    = $(BUILDDIR)/cnspawn-helper
FRONTEND  = $(BUILDDIR)/cnspawn
TOOL      = $(BUILDDIR)/cnspawn-policy
UNITS     = $(patsubst tests/unit/%.c,$(BUILDDIR)/tests/%,$(UNIT_SRC))
FUZZERS   = $(patsubst tests/fuzz/%.c,$(BUILDDIR)/fuzz/%,$(FUZZ_SRC))

PROGRAMS = $(if $(HELPER_SRC),$(HELPER)) $(if $(FRONTEND_SRC),$(FRONTEND)) \
           $(if $(POLICY_TOOL_SRC),$(TOOL))

.PHONY: all build install uninstall deb check unit golden integration integration-locked fuzz fuzz-run demo deps \
        format format-check banned analyze asan bench bench-relay bench-start bench-scale clean
.DEFAULT_GOAL := all

all build: $(PROGRAMS) $(UNITS)

$(OBJ)/common/%.o $(OBJ)/ipc/%.o $(OBJ)/policy/%.o: EXTRA_CFLAGS = $(STRICTCONV)
$(OBJ)/%.o: %.c Makefile
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(EXTRA_CFLAGS) -c $< -o $@

$(LIBCOMMON): $(call objs,$(COMMON_SRC))
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(LIBIPC): $(call objs,$(IPC_SRC))
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(LIBPOLICY): $(call objs,$(POLICY_SRC))
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(HELPER): $(call objs,$(HELPER_SRC)) $(LIBPOLICY) $(LIBIPC) $(LIBCOMMON)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $^ $(PKG_LIBS) $(LDLIBS) -o $@

$(FRONTEND): $(call objs,$(FRONTEND_SRC)) $(LIBPOLICY) $(LIBIPC) $(LIBCOMMON)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $^ $(PKG_LIBS) $(LDLIBS) -o $@

$(TOOL): $(call objs,$(POLICY_TOOL_SRC)) $(LIBPOLICY) $(LIBCOMMON)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $^ $(PKG_LIBS) $(LDLIBS) -o $@

# Helper sources tied to no helper_session and no privileged call: unit tests
# (tests/unit/test-helper-*.c) and fuzz targets link them as they are.
HELPER_CORE_SRC = helper/fail.c helper/passwd.c helper/request.c helper/statefile.c helper/sysfilter.c
LIBHELPERCORE   = $(BUILDDIR)/libcnspawn-helper-core.a
$(LIBHELPERCORE): $(call objs,$(HELPER_CORE_SRC))
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(OBJ)/tests/%.o: ALL_CPPFLAGS += -Ihelper
$(BUILDDIR)/tests/%: $(OBJ)/tests/unit/%.o $(LIBHELPERCORE) $(LIBPOLICY) $(LIBIPC) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $^ $(PKG_LIBS) -lcmocka $(LDLIBS) -o $@

# Fuzz targets: clang + libFuzzer + ASan/UBSan, built from the library sources directly,
# plus the helper sources tied to no session (HELPER_CORE_SRC: request and state text).
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
              -std=gnu17 -D_GNU_SOURCE -Icommon -Iipc -Ipolicy -Ihelper $(PATHDEFS) $(PKG_CFLAGS)
FUZZ_LIB_SRC = $(COMMON_SRC) $(IPC_SRC) $(POLICY_SRC) $(HELPER_CORE_SRC)
$(BUILDDIR)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC) $(wildcard common/*.h ipc/*.h policy/*.h helper/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) $< $(FUZZ_LIB_SRC) $(PKG_LIBS) -o $@

fuzz: $(FUZZERS)

# Each target runs this long: 4 targets x 60 s keep `make check`'s fuzzing at 4 minutes.
FUZZ_SECONDS ?= 60
fuzz-run: fuzz
	@set -e; for f in $(FUZZERS); do \
	    n=$$(basename $$f); c=tests/fuzz/corpus/$$n; w=$(BUILDDIR)/fuzz/work-$$n; \
	    mkdir -p $$w; echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -print_final_stats=1 $$w $$c > $(BUILDDIR)/fuzz/$$n.log 2>&1 \
	    || { tail -40 $(BUILDDIR)/fuzz/$$n.log; echo "fuzz: $$n FAILED"; exit 1; }; \
	    grep -E 'stat::number_of_executed_units' $(BUILDDIR)/fuzz/$$n.log || true; \
	done

unit: $(UNITS)
	@set -e; for t in $(UNITS); do echo "unit: $$t"; $$t; done

golden: $(TOOL)
	@TOOL=$(abspath $(TOOL)) sh tests/golden.sh

install: $(PROGRAMS)
	install -d -m 755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(LIBEXECDIR)/cnspawn $(DESTDIR)$(SYSCONFDIR)/cnspawn \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(FRONTEND) $(DESTDIR)$(BINDIR)/cnspawn
	install -m 755 $(TOOL) $(DESTDIR)$(SBINDIR)/cnspawn-policy
	# setuid root: the policy, not the file mode, decides who may use it.
	install -o root -g root -m 4755 $(HELPER) $(DESTDIR)$(HELPER_PATH)
	install -d -o root -g root -m 755 $(DESTDIR)$(STATE_DIR)
	for m in packaging/man/*.[158]; do [ -e "$$m" ] || continue; \
	    s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	install -d -m 755 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 contrib/completion/cnspawn.bash $(DESTDIR)$(BASHCOMPDIR)/cnspawn
	install -m 644 contrib/completion/_cnspawn $(DESTDIR)$(ZSHCOMPDIR)/_cnspawn

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cnspawn $(DESTDIR)$(SBINDIR)/cnspawn-policy \
	    $(DESTDIR)$(HELPER_PATH) $(DESTDIR)$(BASHCOMPDIR)/cnspawn $(DESTDIR)$(ZSHCOMPDIR)/_cnspawn
	-rmdir $(DESTDIR)$(LIBEXECDIR)/cnspawn

deps:
	@sh tests/install-deps.sh

# The Debian package (packaging/debian), built from the committed tree and checked.
deb:
	@sh tests/packaging.sh

# Integration tests build a second tree with the test prefix compiled in.
CHECK_PREFIX = /opt/cnspawn-check
CHECK_VARS = BUILDDIR=$(BUILDDIR)/check PREFIX=$(CHECK_PREFIX) SYSCONFDIR=$(CHECK_PREFIX)/etc \
             RUNSTATEDIR=$(CHECK_PREFIX)/run LIBEXECDIR=$(CHECK_PREFIX)/libexec \
             BASHCOMPDIR=$(CHECK_PREFIX)/share/bash-completion/completions \
             ZSHCOMPDIR=$(CHECK_PREFIX)/share/zsh/vendor-completions

# One integration run at a time on a machine: the lock covers build, install and run,
# so a second run cannot replace the installed programs under the first one's tests.
INTEGRATION_LOCK = /run/lock/cnspawn-integration.lock
integration:
	@sh tests/install-deps.sh
	@mkdir -p $(dir $(INTEGRATION_LOCK))
	flock -w 1800 $(INTEGRATION_LOCK) $(MAKE) integration-locked

integration-locked:
	$(MAKE) $(CHECK_VARS) all
	$(MAKE) $(CHECK_VARS) install
	@sh tests/net/run.sh
	@CNSPAWN_LOCK_HELD=1 CHECK_PREFIX=$(CHECK_PREFIX) sh tests/integration/run.sh

check:
	@sh tests/install-deps.sh
	$(MAKE) all
	$(MAKE) banned
	$(MAKE) unit golden deb fuzz-run integration

DEMO_VARS = PREFIX=/usr/local SYSCONFDIR=/etc RUNSTATEDIR=/run
demo:
	@sh tests/install-deps.sh
	$(MAKE) $(DEMO_VARS) BUILDDIR=$(BUILDDIR)/demo all
	$(MAKE) $(DEMO_VARS) BUILDDIR=$(BUILDDIR)/demo install
	@sh tests/demo.sh

BANNED = '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok|alloca|system|popen|tmpnam|mktemp)[[:space:]]*\('
banned:
	@! grep -rnE $(BANNED) --include='*.c' --include='*.h' common helper frontend ipc policy
	@! grep -rn 'getenv[[:space:]]*(' --include='*.c' helper
	@echo "banned: none"

C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(C_FILES)
format-check:
	clang-format --dry-run --Werror $(C_FILES)

analyze:
	$(MAKE) BUILDDIR=$(BUILDDIR)/analyze CFLAGS='-fanalyzer' all

asan:
	$(MAKE) BUILDDIR=$(BUILDDIR)/asan HARDEN='-O1 -g -fsanitize=address,undefined -fPIE' unit

# Benchmarks (bench/README.md), as root; never part of `make check` (no timed tests in CI).
bench: bench-relay bench-start bench-scale
bench-relay:
	@sh bench/run.sh
bench-start:
	@sh bench/start.sh
bench-scale:
	@sh bench/scale.sh

clean:
	rm -rf $(BUILDDIR)

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
