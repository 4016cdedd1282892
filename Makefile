# sgblk top-level Makefile.
#   make            build the module for every guest kernel, the Xen dom0 and
#                   arm64 ones among them (KVERS="A B" picks some, KVER=A
#                   one), and the userspace tools (build/bin; for the arm64
#                   guests, static, build/bin-arm64)
#   make test       host unit tests + the guest suite on every guest kernel
#                   (or those KVERS/KVER pick), and the Xen dom0 boots
#                   (XEN_KVERS=; none when KVERS/KVER pick)
#   make bench      the default benchmark (results/<run>/REPORT.md): its
#                   guests run at once as fio servers, one fio --client per
#                   job (JOBS=, KVERS=, BACKENDS=, HOSTS=; FLEET=0: in turn)
#   make test-fleet a fleet run (make bench as fio client over guest fio
#                   servers) in which one guest is killed: the run must name
#                   it, exit non-zero and leave no QEMU behind
#   make bench-biogen  the bio builder benchmark (user/vmalloc/kmalloc)
#   make bench-dma  what each DMA backend (direct, swiotlb, IOMMU lazy, strict,
#                   identity) adds per I/O (results/<run>-dma/REPORT.md);
#                   ARCH=arm64: what cache maintenance (non-coherent vs
#                   coherent) and the SMMUv3 cost, by direction and size
#   make profile    perf profile of one job, sgblk next to its reference, as
#                   instructions per I/O, with flame graphs (JOB=, DEV=,
#                   PROFILE=, KVER=; results/profile-<run>/PROFILE.md)
#   make trace      blktrace of one workload (PROFILE=, JOB=)
#   make check      the quality gates (scripts/check): checkpatch --strict,
#                   sparse (C=1) and W=1 on the module, clang-tidy and cppcheck
#                   on the userspace C and the planner, shellcheck on scripts
#   make install    install the module for KVER (default: the running kernel)
#                   into /lib/modules/KVER/updates and run depmod, and the
#                   man pages into $(MANDIR) (INSTALL_MOD_PATH= installs both
#                   under another root)
#   make man        the man pages, docs/man/*.scd rendered by scdoc, in
#                   build/man
#   make deb        the Debian packages sgblk-dkms and sgblk-tools, lintian
#                   checked (build/deb/)
#   make deb-test   them installed and purged in a fresh bookworm root, and
#                   the module their DKMS built loaded in a guest (root; make
#                   test runs it too)
#   make dkms-src   stage a DKMS source tree in build/dkms/sgblk-VERSION
#   make dkms-install / dkms-remove   dkms add+build+install / remove (root)
#   make stress     the stress test alone, longer (SECS=600, KVER=)
#   make test-full  make test, then make test-debug (not in CI: too long)
#   make test-debug the guest suite on the debug kernels (KASAN, lockdep,
#                   DMA-API debug, kmemleak, UBSAN), 6.12 and 7.3 (DEBUG_KVERS=
#                   picks: "7.3"); scripts/debug-kernel/build builds each
#                   under build/ first, once (15-30 minutes each on -j2)
#   make clean      (keeps the guest kernels setup unpacked: build/bookworm-kernels
#                   and build/trixie-root, the newest kernels' build root)
# sgblk is a test driver with fault-injection and corruption knobs: never load
# it on a production host.
# Missing packages or guest kernels are installed by scripts/setup (root).

# The kernels: KVER (one) or KVERS (a list); when neither is given they are
# discovered by the recipes that need them (scripts/lib/kernels), after
# setup-if-needed ran, since on a fresh machine setup installs them.
KVERS := $(strip $(if $(KVER),$(KVER),$(KVERS)))
# ARCH=arm64 picks the guest architecture of make bench-dma (and profile:
# KVER names an arm64 kernel there).  Kbuild reads ARCH too: it is taken out
# of what the recipes and their makes inherit, and each kernel's build gets
# its own (scripts/lib/kernels make).
GUEST_ARCH := $(ARCH)
unexport ARCH
MAKEOVERRIDES := $(filter-out ARCH=%,$(MAKEOVERRIDES))
BUILD := $(CURDIR)/build
KBUILD_ARGS := $(if $(W),W=$(W)) $(if $(C),C=$(C))
# The one place the version is kept (dkms.conf gets it from here).
VERSION := $(shell cat $(CURDIR)/VERSION)
# install/dkms-install target one kernel: KVER, else the running one.
IKVER := $(if $(KVER),$(KVER),$(shell uname -r))
DKMS_SRC := $(BUILD)/dkms/sgblk-$(VERSION)
# Kbuild signs at modules_install when the kernel's config says so; Debian's
# kernels do not ship their key, so sign only when the key is at hand.
# The headers: those scripts/setup unpacked under build/ for a guest kernel,
# else the installed ones.
IKBUILD = $(or $(shell scripts/lib/kernels build $(IKVER) 2>/dev/null),/lib/modules/$(IKVER)/build)
SIGKEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"$$/\1/p' $(IKBUILD)/.config 2>/dev/null)
NOSIGN = $(if $(SIGKEY),$(if $(wildcard $(SIGKEY) $(IKBUILD)/$(SIGKEY)),,CONFIG_MODULE_SIG_ALL=))

.PHONY: man deb deb-test
.PHONY: all modules tools test test-fleet bench bench-biogen bench-dma profile check clean setup-if-needed trace \
	install dkms-src dkms-install dkms-remove stress test-debug test-full

all: modules tools

# Each kernel gets its own copy of the sources: Kbuild (before 6.13) writes
# objects next to them. cp -p keeps timestamps so rebuilds stay incremental.
modules: setup-if-needed
	+@set -e; kvers='$(KVERS)'; \
	[ -n "$$kvers" ] || kvers=$$(scripts/lib/kernels list; scripts/lib/kernels xen-list; scripts/lib/kernels arm64-list); \
	test -n "$$kvers" || { echo "no guest kernel headers: run scripts/setup" >&2; exit 1; }; \
	for v in $$kvers; do \
		d=$(BUILD)/kmod/$$v; mkdir -p $$d/driver $$d/include; \
		cp -p driver/*.c driver/*.h driver/Kbuild $$d/driver/; \
		cp -p include/*.h $$d/include/ 2>/dev/null || true; \
		echo "  MODULE  $$v"; \
		scripts/lib/kernels make $$v -s M=$$d/driver $(KBUILD_ARGS) modules; \
		cp $$d/driver/sgblk.ko $$d/sgblk.ko; \
	done

# The arm64 guests' tools: cross-built and linked statically (liburing from
# the arm64 packages scripts/setup unpacked into build/arm64-sysroot).
ARM64_SYSROOT := $(BUILD)/arm64-sysroot
tools: setup-if-needed
	$(MAKE) -s -C userspace
	$(MAKE) -s -C userspace BIN=$(BUILD)/bin-arm64 CC=aarch64-linux-gnu-gcc \
		CPPFLAGS=-I$(ARM64_SYSROOT)/usr/include \
		LDFLAGS="-static -L$(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu"

setup-if-needed:
	@scripts/setup --if-needed

test: all
	@KVERS='$(KVERS)' scripts/run-tests

bench: all
	@scripts/bench

# two guests, one killed mid-run (scripts/test-fleet --help)
test-fleet: all
	@scripts/test-fleet

# bios from user pages vs vmalloc vs contiguous buffers (icount)
bench-biogen: all
	@scripts/bench-biogen

bench-dma: all
	@ARCH='$(GUEST_ARCH)' scripts/bench-dma

# one icount boot with perf (environment: see scripts/profile)
profile: all
	@scripts/profile

# blktrace of one workload in the guest: make trace [PROFILE=align-4k] [JOB=randread-4k]
# [KVER=...]; results/trace-<date>-<profile>/ (scripts/trace --help).
trace: all
	@scripts/trace $(if $(KVER),--kver '$(KVER)') $(if $(PROFILE),--profile '$(PROFILE)') \
		$(if $(JOB),--job '$(JOB)')

# fio verify on several devices under random profile flips and fault knobs
stress: all
	@scripts/stress $(if $(SECS),--secs '$(SECS)') $(if $(KVER),--kver '$(KVER)')

test-full: all
	@scripts/test-full

# The debug kernels: DEBUG_KVERS picks the series [6.12 7.3], each built (or
# reused) by scripts/debug-kernel/build first, then one run of the suite
# boots them all (one summary).  A debug kernel's module lands in
# build/kmod/<release> like any other (7.3's built in the trixie root, as
# scripts/lib/kernels says).  No host tests: make test runs them.
# The checkers slow the guest several-fold: long timeouts; kasan_multi_shot
# reports every KASAN finding, log_buf_len keeps each test's kernel log.
test-debug: tools
	@set -e; rels=; for s in $(or $(DEBUG_KVERS),6.12 7.3); do \
		rel=$$(scripts/debug-kernel/build $$s); rels="$$rels $$rel"; \
	done; \
	$(MAKE) -s modules KVERS="$$rels"; \
	KVERS="$$rels" SGBLK_HOST_TESTS=0 SGBLK_EXTRA_APPEND="kasan_multi_shot log_buf_len=8M" \
		SGBLK_VM_TIMEOUT=$${SGBLK_VM_TIMEOUT:-7200} SGBLK_SWIOTLB_TIMEOUT=$${SGBLK_SWIOTLB_TIMEOUT:-3600} \
		SGBLK_IOMMU_TIMEOUT=$${SGBLK_IOMMU_TIMEOUT:-3600} \
		SGBLK_TEST_TIMEOUT=$${SGBLK_TEST_TIMEOUT:-2700} \
		scripts/run-tests $(if $(TESTS),'$(TESTS)')

# scripts/check installs its tools (scripts/setup --if-needed --check)
check:
	@scripts/check $(KVERS)

# The man pages: one scdoc source each (sgblk-ctl.8, sgblk-uring.1,
# sgblk-membuf.1, sgblk.4); dated by the last commit, so a rebuild is the
# same file.
MANDIR ?= /usr/local/share/man
MAN_SRCS := $(wildcard docs/man/*.scd)
MAN_PAGES := $(patsubst docs/man/%.scd,$(BUILD)/man/%,$(MAN_SRCS))
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
man: $(MAN_PAGES)
$(BUILD)/man/%: docs/man/%.scd
	@mkdir -p $(BUILD)/man
	$(if $(SOURCE_DATE_EPOCH),SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH)) scdoc <$< >$@.tmp && mv $@.tmp $@

deb: setup-if-needed
	@scripts/deb

deb-test: modules
	@scripts/deb-tests

# Kbuild's modules_install puts it in $(INSTALL_MOD_PATH)/lib/modules/KVER/
# updates (signing it when the kernel's key is at hand, compressing it as the
# kernel's config says); depmod then indexes it.
install:
	@test -e $(IKBUILD)/Makefile || { echo "install: no headers for $(IKVER)" \
		"under $(IKBUILD) (KVER=... picks a kernel)" >&2; exit 1; }
	$(MAKE) -s modules KVER=$(IKVER)
	$(MAKE) -s -C $(IKBUILD) M=$(BUILD)/kmod/$(IKVER)/driver $(NOSIGN) INSTALL_MOD_DIR=updates \
		$(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH=$(INSTALL_MOD_PATH)) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(IKVER)
	$(MAKE) -s man
	for p in $(MAN_PAGES); do \
		s=$${p##*.}; install -D -m 0644 $$p $(INSTALL_MOD_PATH)$(MANDIR)/man$$s/$${p##*/}; \
	done

# A clean DKMS source tree: the module sources and dkms.conf with the version.
dkms-src:
	@rm -rf $(DKMS_SRC)
	@mkdir -p $(DKMS_SRC)/driver $(DKMS_SRC)/include
	@cp -p driver/*.c driver/*.h driver/Kbuild $(DKMS_SRC)/driver/
	@cp -p include/*.h $(DKMS_SRC)/include/
	@cp -p VERSION $(DKMS_SRC)/
	@sed 's/@VERSION@/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf
	@echo "  DKMS    $(DKMS_SRC)"

# dkms add copies the tree to /usr/src/sgblk-VERSION; root only.
dkms-install: dkms-src
	dkms add $(DKMS_SRC)
	dkms build -m sgblk -v $(VERSION) -k $(IKVER)
	dkms install -m sgblk -v $(VERSION) -k $(IKVER)

dkms-remove:
	dkms remove -m sgblk -v $(VERSION) --all
	rm -rf /usr/src/sgblk-$(VERSION)

# The guest kernels scripts/setup unpacked (build/bookworm-kernels,
# build/arm64-kernels and the trixie build root, which holds the newest) and
# the arm64 guests' userland (build/arm64-sysroot, build/arm64/fio, the
# private APT state in build/arm64-apt): kept.
# Nothing is removed while anything is mounted under build/ (rm -rf would
# empty it: a bind of /dev, say), and rm never leaves build/'s file system.
clean:
	scripts/lib/mounts check $(BUILD)
	find $(BUILD) -mindepth 1 -maxdepth 1 ! -name 'trixie-root*' ! -name 'bookworm-kernels' ! -name 'arm64-*' ! -name 'arm64' -exec rm -rf --one-file-system {} + 2>/dev/null || true
	$(MAKE) -s -C userspace clean
