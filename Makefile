# SPDX-License-Identifier: GPL-2.0
#
# isolate: `make` builds everything into build/, `make check` runs every test,
# `make demo` shows one cell enforced in the VM. Each part of the tree adds its
# own rules in its Build.mk; this file holds what they share.

.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD ?= build
VERSION := 0.1.0

# Where `make install` puts things (DESTDIR is prepended to each). With
# PREFIX=/usr, libraries go to Debian's multiarch directory.
PREFIX ?= /usr/local
DESTDIR ?=
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
LIBDIR ?= $(PREFIX)/lib$(if $(and $(filter /usr,$(PREFIX)),$(MULTIARCH)),/$(MULTIARCH))
SBINDIR ?= $(PREFIX)/sbin
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config

# Userspace: warnings are errors.
WARNFLAGS := -Wall -Wextra -Werror -Wno-unused-parameter
USER_CFLAGS := -std=gnu11 -O2 -g $(WARNFLAGS) -D_GNU_SOURCE -fPIC -DISOLATE_VERSION='"$(VERSION)"' \
	-I. -Iinclude -I$(BUILD)/include -I$(BUILD)/skel
USER_LIBS := $(shell $(PKG_CONFIG) --libs libbpf yaml-0.1 2>/dev/null || echo -lbpf -lyaml) -lelf -lz
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Everything the userspace library is made of.
LIB_SRCS := $(sort $(wildcard common/*.c user/*.c policy/*.c))

.PHONY: all deps check demo install uninstall clean fuzz bench
all:

deps:
	@tools/deps

include kern/Build.mk
include user/Build.mk
include cell/Build.mk
include policy/Build.mk
include tools/Build.mk
include Documentation/Build.mk
include tools/bench/Build.mk
include tests/Build.mk
include selftests/Build.mk
include python/Build.mk

# A fresh machine needs the packages before anything builds: check and demo
# install what is missing, then build, then run.
JOBS ?= $(shell nproc)

check:
	@tools/deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@tools/check

demo:
	@tools/deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@tools/demo

clean:
	rm -rf $(BUILD)/bin $(BUILD)/lib $(BUILD)/obj $(BUILD)/skel $(BUILD)/tests \
		$(BUILD)/selftests $(BUILD)/fuzz $(BUILD)/vmtest
