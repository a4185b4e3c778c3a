# SPDX-License-Identifier: GPL-2.0
#
# Tessera top-level Makefile.
#
# One non-recursive make: every directory's Makefile lists its objects with
# kbuild-style "obj-y += foo.o bar/" lines and is read into this process, so
# "make -j" sees the whole dependency graph.  Objects go to the output tree
# (O=DIR, default build/), never next to the sources.

VERSION		:= 0.1.0
NAME		:= Tessera

MAKEFLAGS	+= -rR --no-print-directory
.SUFFIXES:

srctree		:= $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
ifeq ($(O),)
objtree		:= $(srctree)/build
else
objtree		:= $(abspath $(O))
endif
export srctree

ifeq ($(V),1)
Q		:=
quiet		:= @:
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q		:= @
quiet		:= @:
else
Q		:= @
quiet		:= @printf '  %-8s %s\n'
endif

CC		:= gcc
LD		:= ld
NM		:= nm
OBJCOPY		:= objcopy
HOSTCC		:= gcc
KCONF		:= kconfig-conf
KMCONF		:= kconfig-mconf

KCONFIG_CONFIG	:= $(objtree)/.config
autoconf_h	:= $(objtree)/include/generated/autoconf.h
auto_conf	:= $(objtree)/include/config/auto.conf
compile_h	:= $(objtree)/include/generated/compile.h

config-goals	:= $(filter %config,$(MAKECMDGOALS))
other-goals	:= $(filter-out %config,$(MAKECMDGOALS))

# ---------------------------------------------------------------------------
# "make defconfig all" with -j: run the goals one after the other.
ifneq ($(config-goals),)
ifneq ($(other-goals),)
mixed-goals := 1
endif
endif

ifdef mixed-goals
PHONY := $(MAKECMDGOALS) __sequential
$(MAKECMDGOALS): __sequential
	@:
__sequential:
	$(Q)set -e; for g in $(MAKECMDGOALS); do $(MAKE) -f $(srctree)/Makefile $$g; done
else

PHONY := all fabric-tool usr

all: $(objtree)/tessera.elf $(objtree)/scripts/fabric-tool usr

# ---------------------------------------------------------------------------
# Configuration (Debian kconfig-frontends).  kconfig runs in the output tree
# and finds the Kconfig files through $srctree.
# Without the tools, say how to get them rather than "not found".
kconf = command -v $(firstword $(1)) >/dev/null || { \
		echo "$(firstword $(1)) is not installed: run scripts/setup (it installs kconfig-frontends)" >&2; \
		exit 1; }; \
	cd $(objtree) && KCONFIG_CONFIG=$(KCONFIG_CONFIG) $(1) $(srctree)/Kconfig

PHONY += defconfig olddefconfig menuconfig oldconfig savedefconfig
%_defconfig: | $(objtree)
	@test -f $(srctree)/arch/x86/configs/$@ || { echo "No such defconfig: $@" >&2; exit 1; }
	$(Q)$(call kconf,$(KCONF) --defconfig=$(srctree)/arch/x86/configs/$@)
	@echo "  CONFIG   $(KCONFIG_CONFIG) ($@)"

defconfig: processor_defconfig

olddefconfig oldconfig: | $(objtree)
	$(Q)$(call kconf,$(KCONF) --$@)

menuconfig: | $(objtree)
	$(Q)$(call kconf,$(KMCONF))

savedefconfig: | $(objtree)
	$(Q)$(call kconf,$(KCONF) --savedefconfig=$(objtree)/defconfig)
	@echo "  SAVED    $(objtree)/defconfig"

$(objtree):
	$(Q)mkdir -p $@

ifeq ($(config-goals),)
ifeq ($(filter clean distclean help setup test run run-node fabric-tool usr,$(MAKECMDGOALS)),)
# Every build needs a configuration; start from the processor defconfig
# rather than fail, and say so.
$(KCONFIG_CONFIG): | $(objtree)
	@echo "  CONFIG   no $(KCONFIG_CONFIG); using processor_defconfig"
	$(Q)$(call kconf,$(KCONF) --defconfig=$(srctree)/arch/x86/configs/processor_defconfig)

kconfig-files := $(shell find $(srctree) -name Kconfig -not -path '$(srctree)/build/*' -not -path '$(srctree)/out/*')

# auto.conf is an included makefile: make regenerates it, then restarts.
$(auto_conf) $(autoconf_h) &: $(KCONFIG_CONFIG) $(kconfig-files)
	$(Q)mkdir -p $(objtree)/include/config $(objtree)/include/generated
	$(Q)$(call kconf,$(KCONF) --silentoldconfig)
	$(Q)touch $(auto_conf) $(autoconf_h)

-include $(auto_conf)
endif
endif

# String options arrive quoted from auto.conf.
unquote = $(patsubst "%",%,$(1))
role := $(call unquote,$(CONFIG_ROLE_NAME))
default-cmdline := $(call unquote,$(CONFIG_DEFAULT_CMDLINE))

# ---------------------------------------------------------------------------
# Flags
KCPPFLAGS := -fmacro-prefix-map=$(srctree)/= -nostdinc -I$(srctree)/include -I$(srctree)/arch/x86/include \
	     -I$(objtree)/include -include $(autoconf_h) -D__KERNEL__
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin-printf \
	   -mcmodel=kernel -mno-red-zone -fno-pic -fno-pie \
	   -mno-sse -mno-sse2 -mno-mmx -mno-3dnow -mno-avx -mgeneral-regs-only \
	   -fno-stack-protector -fno-omit-frame-pointer \
	   -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls \
	   -fno-strict-aliasing -fno-common -fno-asynchronous-unwind-tables \
	   -fcf-protection=none -fno-delete-null-pointer-checks \
	   -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
	   -Wno-missing-field-initializers -Wstrict-prototypes \
	   -Werror
KAFLAGS := -D__ASSEMBLY__ -g
KLDFLAGS := -n -nostdlib -z max-page-size=0x1000 -z noexecstack \
	    --no-warn-rwx-segments --build-id=none

# ---------------------------------------------------------------------------
# Object collection: read DIR/Makefile, take its .o entries, descend into
# its dir/ entries.
objs :=
define descend
obj-y :=
include $(srctree)/$(1)Makefile
objs += $$(addprefix $(objtree)/$(1),$$(filter %.o,$$(obj-y)))
subdirs-$(1) := $$(addprefix $(1),$$(filter %/,$$(obj-y)))
$$(foreach d,$$(subdirs-$(1)),$$(eval $$(call descend,$$(d))))
endef

core-dirs := arch/x86/ init/ kernel/ mm/ lib/ drivers/ fs/ net/ managers/
ifneq ($(wildcard $(auto_conf)),)
$(foreach d,$(core-dirs),$(eval $(call descend,$(d))))
endif

$(objtree)/%.o: $(srctree)/%.c $(autoconf_h)
	$(quiet) CC $(patsubst $(objtree)/%,%,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(KCPPFLAGS) $(KCFLAGS) -MMD -MP -c $< -o $@

$(objtree)/%.o: $(srctree)/%.S $(autoconf_h)
	$(quiet) AS $(patsubst $(objtree)/%,%,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(KCPPFLAGS) $(KAFLAGS) -MMD -MP -c $< -o $@

$(objtree)/%.lds: $(srctree)/%.lds.S $(autoconf_h)
	$(quiet) LDS $(patsubst $(objtree)/%,%,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(KCPPFLAGS) -D__ASSEMBLY__ -MMD -MP -MT $@ -E -P -x c $< -o $@

-include $(objs:.o=.d) $(objtree)/arch/x86/kernel/kernel.lds.d

# ---------------------------------------------------------------------------
# Version header: rewritten only when its content changes.
PHONY += FORCE
FORCE:

git-commit = $(shell cd $(srctree) && git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell cd $(srctree) && git diff --quiet HEAD 2>/dev/null || echo -dirty)

$(compile_h): FORCE | $(objtree)
	@mkdir -p $(@D)
	@printf '%s\n' '#define TESSERA_VERSION "$(VERSION)$(call unquote,$(CONFIG_LOCALVERSION))"' \
		'#define TESSERA_COMMIT "$(git-commit)"' \
		'#define TESSERA_COMPILER "$(shell $(CC) --version | head -n1)"' > $@.tmp
	@cmp -s $@ $@.tmp && rm -f $@.tmp || mv $@.tmp $@

$(objtree)/init/version.o: $(compile_h)

# ---------------------------------------------------------------------------
# Link, in two passes: the symbol table is placed after every other
# section, so embedding it cannot move the symbols it describes.  The final
# check regenerates the table from the result and insists it is unchanged.
lds := $(objtree)/arch/x86/kernel/kernel.lds
kallsyms := $(objtree)/scripts/kallsyms

$(kallsyms): $(srctree)/scripts/kallsyms.c
	$(quiet) HOSTCC scripts/kallsyms
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -O2 -Wall -Werror -o $@ $<

# The fabric's host tool shares include/tessera/shm_fabric.h with the
# kernel; "make fabric-tool" builds it without a configuration.
fabric-tool: $(objtree)/scripts/fabric-tool
$(objtree)/scripts/fabric-tool: $(srctree)/scripts/fabric-tool.c $(srctree)/include/tessera/shm_fabric.h
	$(quiet) HOSTCC scripts/fabric-tool
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -O2 -Wall -Wextra -Werror -o $@ $<

# ---------------------------------------------------------------------------
# usr/: static Linux programs for the processor manager, each built with
# glibc (the host gcc) and with musl (musl-gcc).  "make usr" needs no
# configuration.
MUSLCC		:= musl-gcc
USR_CFLAGS	:= -std=gnu11 -O2 -g -static -Wall -Wextra -Werror
include $(srctree)/usr/Makefile
usr-glibc := $(addprefix $(objtree)/usr/glibc/,$(usr-progs))
usr-musl := $(addprefix $(objtree)/usr/musl/,$(usr-progs))

usr: $(usr-glibc) $(usr-musl)
$(usr-glibc): $(objtree)/usr/glibc/%: $(srctree)/usr/%.c $(wildcard $(srctree)/usr/*.h)
	$(quiet) USRCC $(patsubst $(objtree)/%,%,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(USR_CFLAGS) -o $@ $<
$(usr-musl): $(objtree)/usr/musl/%: $(srctree)/usr/%.c $(wildcard $(srctree)/usr/*.h)
	$(quiet) USRCC $(patsubst $(objtree)/%,%,$@)
	@mkdir -p $(@D)
	$(Q)command -v $(MUSLCC) >/dev/null || \
		{ echo "$(MUSLCC) not found: install musl-tools (scripts/setup)" >&2; exit 1; }
	$(Q)$(MUSLCC) $(USR_CFLAGS) -o $@ $<

kallsyms_step = $(NM) -n $(1) | $(kallsyms) > $(2).S && \
	$(CC) $(KAFLAGS) -c -x assembler-with-cpp $(2).S -o $(2).o

$(objtree)/tessera.elf: $(objs) $(lds) $(kallsyms)
	$(quiet) LD tessera.elf
	$(Q)cd $(objtree) && \
	$(kallsyms) --empty > .tmp_kallsyms0.S && \
	$(CC) $(KAFLAGS) -c -x assembler-with-cpp .tmp_kallsyms0.S -o .tmp_kallsyms0.o && \
	$(LD) $(KLDFLAGS) -T $(lds) -o .tmp_tessera1 $(objs) .tmp_kallsyms0.o && \
	$(call kallsyms_step,.tmp_tessera1,.tmp_kallsyms1) && \
	$(LD) $(KLDFLAGS) -T $(lds) -o .tmp_tessera2 $(objs) .tmp_kallsyms1.o && \
	$(NM) -n .tmp_tessera2 | $(kallsyms) > .tmp_kallsyms2.S && \
	{ cmp -s .tmp_kallsyms1.S .tmp_kallsyms2.S || \
	  { echo "kallsyms: symbol table moved between link passes" >&2; exit 1; }; } && \
	mv .tmp_tessera2 tessera.elf
	$(Q)grub-file --is-x86-multiboot2 $@ 2>/dev/null || \
		{ command -v grub-file >/dev/null || exit 0; \
		  echo "$@: not a valid Multiboot2 image" >&2; rm -f $@; exit 1; }

# ---------------------------------------------------------------------------
# Images, install, run, test
PHONY += iso install run run-node __run test setup clean distclean help

iso: $(objtree)/tessera.iso
$(objtree)/tessera.iso: $(objtree)/tessera.elf $(srctree)/scripts/mkiso
	$(quiet) ISO tessera.iso
	$(Q)$(srctree)/scripts/mkiso -o $@ -c "$(default-cmdline)" $<

INSTALL_PATH ?= /boot
install: $(objtree)/tessera.elf
	$(Q)$(srctree)/scripts/install $< "$(INSTALL_PATH)" "$(role)" "$(VERSION)$(call unquote,$(CONFIG_LOCALVERSION))"

setup:
	$(Q)$(srctree)/scripts/setup

# "run" installs the tools first: configuring needs kconfig-frontends.
# It boots a cluster (scripts/cluster: out/processor, out/memory, ...)
# with P0's console on this terminal, running RUN_INIT from the root the
# storage node serves (a copy of scripts/mkrootfs's image).
# "run-node" boots the one image of this tree (O=) instead.
RUN_LAYOUT ?= 1P-1M-1S
RUN_INIT ?= /bin/sh
run:
	$(Q)$(srctree)/scripts/setup
	$(Q)$(srctree)/scripts/cluster $(RUN_LAYOUT) --interactive --init "$(RUN_INIT)" \
		$(if $(RUN_CMDLINE),--cmdline P="$(RUN_CMDLINE)") $(RUN_ARGS)

run-node:
	$(Q)$(srctree)/scripts/setup
	$(Q)$(MAKE) -f $(srctree)/Makefile O=$(objtree) __run

RUN_CMDLINE ?= $(default-cmdline)
__run: $(objtree)/tessera.elf
	$(Q)$(srctree)/scripts/qemu-node --interactive --kernel $(objtree)/tessera.elf \
		--name $(role) --cmdline "$(RUN_CMDLINE)"

test: setup
	$(Q)$(srctree)/scripts/run-tests

clean:
	$(Q)rm -rf $(objtree)/arch $(objtree)/init $(objtree)/kernel $(objtree)/mm \
		$(objtree)/lib $(objtree)/drivers $(objtree)/net $(objtree)/managers \
		$(objtree)/scripts $(objtree)/usr $(objtree)/tessera.elf $(objtree)/tessera.iso \
		$(objtree)/.tmp_*

distclean:
	$(Q)rm -rf $(objtree)

help:
	@echo 'Configuration:  processor_defconfig memory_defconfig storage_defconfig'
	@echo '                defconfig (= processor) menuconfig olddefconfig savedefconfig'
	@echo 'Build:          all (default) iso install [INSTALL_PATH=DIR] fabric-tool'
	@echo '                usr (static test programs: DIR/usr/glibc, DIR/usr/musl)'
	@echo 'Run and test:   run [RUN_INIT="/bin/prog args"] [RUN_LAYOUT=1P-1M] [RUN_CMDLINE=P-params]'
	@echo '                run-node [RUN_CMDLINE=...] (this tree alone) test setup'
	@echo 'Cleaning:       clean distclean'
	@echo 'Options:        O=DIR (output tree, default build/)  V=1 (verbose)'

endif # mixed-goals

.PHONY: $(PHONY)
