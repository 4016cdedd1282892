# sgblk top-level Makefile.
#   make            build the module for every installed guest kernel (KVER=
#                   picks one) and the userspace tools
#   make test       host unit tests + the guest suite on every guest kernel
#   make bench      the default benchmark (results/<run>/REPORT.md)
#   make bench-biogen  the bio builder benchmark (user/vmalloc/kmalloc)
#   make trace      blktrace of one workload (PROFILE=, JOB=)
#   make check      the quality gates (scripts/check): checkpatch --strict,
#                   sparse (C=1) and W=1 on the module, clang-tidy and cppcheck
#                   on the userspace C and the planner, shellcheck on scripts
#   make clean
# Missing packages or guest kernels are installed by scripts/setup (root).

KVERS := $(if $(KVER),$(KVER),$(sort $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build)))))
BUILD := $(CURDIR)/build
KBUILD_ARGS := $(if $(W),W=$(W)) $(if $(C),C=$(C))

.PHONY: all modules tools test bench bench-biogen check clean setup-if-needed trace

all: modules tools

# Each kernel gets its own copy of the sources: Kbuild (before 6.13) writes
# objects next to them. cp -p keeps timestamps so rebuilds stay incremental.
modules: setup-if-needed
	@test -n "$(KVERS)" || { echo "no guest kernel headers: run scripts/setup" >&2; exit 1; }
	@set -e; for v in $(KVERS); do \
		d=$(BUILD)/kmod/$$v; mkdir -p $$d/driver $$d/include; \
		cp -p driver/*.c driver/*.h driver/Kbuild $$d/driver/; \
		cp -p include/*.h $$d/include/ 2>/dev/null || true; \
		echo "  MODULE  $$v"; \
		$(MAKE) -s -C /lib/modules/$$v/build M=$$d/driver $(KBUILD_ARGS) modules; \
		cp $$d/driver/sgblk.ko $$d/sgblk.ko; \
	done

tools:
	$(MAKE) -s -C userspace

setup-if-needed:
	@scripts/setup --if-needed

test: all
	@scripts/run-tests

bench: all
	@scripts/bench

# bios from user pages vs vmalloc vs contiguous buffers (icount)
bench-biogen: all
	@scripts/bench-biogen

# blktrace of one workload in the guest: make trace [PROFILE=align-4k] [JOB=randread-4k]
# [KVER=...]; results/trace-<date>-<profile>/ (scripts/trace --help).
trace: all
	@scripts/trace $(if $(KVER),--kver '$(KVER)') $(if $(PROFILE),--profile '$(PROFILE)') \
		$(if $(JOB),--job '$(JOB)')

# scripts/check installs its tools (scripts/setup --if-needed --check)
check:
	@scripts/check $(KVER)

clean:
	rm -rf $(BUILD)
	$(MAKE) -s -C userspace clean
