// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Where a write made in a cell is later run or obeyed by a program outside
 * it. The kernel cannot tell these writes from others; `policy check`
 * tells the policy's author (Documentation/policy.md, "What writes reach
 * outside the cell"). A directory stands for everything below it.
 */
#include "outside_places.h"

#define SHELLS "your shells outside the cell run it"
#define GIT_CONFIG "git outside the cell obeys it (core.fsmonitor, core.sshCommand, aliases run commands)"
#define ON_PATH "it is on PATH: shells outside the cell run what is there"
#define CRON "cron runs what it lists"
#define EVERY_SHELL "every user's login shell runs it"
#define PRELOAD "every dynamic program outside the cell loads the libraries it names"

const struct outside_place outside_places[] = {
	{ OUTSIDE_HOME, ".bashrc", SHELLS },
	{ OUTSIDE_HOME, ".bash_profile", SHELLS },
	{ OUTSIDE_HOME, ".bash_login", SHELLS },
	{ OUTSIDE_HOME, ".bash_logout", SHELLS },
	{ OUTSIDE_HOME, ".profile", SHELLS },
	{ OUTSIDE_HOME, ".zshenv", SHELLS },
	{ OUTSIDE_HOME, ".zshrc", SHELLS },
	{ OUTSIDE_HOME, ".zprofile", SHELLS },
	{ OUTSIDE_HOME, ".zlogin", SHELLS },
	{ OUTSIDE_HOME, ".config/fish", SHELLS },
	{ OUTSIDE_HOME, ".xprofile", "your graphical session runs it" },
	{ OUTSIDE_HOME, ".xsessionrc", "your graphical session runs it" },
	{ OUTSIDE_HOME, ".config/autostart", "your desktop session starts what it lists" },
	{ OUTSIDE_HOME, ".config/systemd/user", "systemd --user starts the services it defines" },
	{ OUTSIDE_HOME, ".local/share/systemd/user", "systemd --user starts the services it defines" },
	{ OUTSIDE_HOME, ".config/environment.d", "systemd --user sets it in every service's environment" },
	{ OUTSIDE_HOME, ".ssh", "sshd obeys authorized_keys and runs rc; ssh runs config's ProxyCommand" },
	{ OUTSIDE_HOME, ".gitconfig", GIT_CONFIG },
	{ OUTSIDE_HOME, ".config/git", GIT_CONFIG },
	{ OUTSIDE_HOME, ".local/lib", "Python's user site-packages: a .pth file there runs at every interpreter start" },
	{ OUTSIDE_HOME, ".local/bin", ON_PATH },
	{ OUTSIDE_HOME, "bin", ON_PATH },
	{ OUTSIDE_REPO, ".git/hooks", "git commands run outside the cell run its hooks" },
	{ OUTSIDE_REPO, ".git/config", GIT_CONFIG },
	{ OUTSIDE_SYSTEM, "/usr/local/bin", ON_PATH },
	{ OUTSIDE_SYSTEM, "/usr/local/sbin", ON_PATH },
	{ OUTSIDE_SYSTEM, "/etc/profile", EVERY_SHELL },
	{ OUTSIDE_SYSTEM, "/etc/profile.d", EVERY_SHELL },
	{ OUTSIDE_SYSTEM, "/etc/bash.bashrc", EVERY_SHELL },
	{ OUTSIDE_SYSTEM, "/etc/zsh", EVERY_SHELL },
	{ OUTSIDE_SYSTEM, "/etc/environment", "every login gets it as its environment" },
	{ OUTSIDE_SYSTEM, "/etc/crontab", CRON },
	{ OUTSIDE_SYSTEM, "/etc/cron.d", CRON },
	{ OUTSIDE_SYSTEM, "/etc/cron.hourly", CRON },
	{ OUTSIDE_SYSTEM, "/etc/cron.daily", CRON },
	{ OUTSIDE_SYSTEM, "/etc/cron.weekly", CRON },
	{ OUTSIDE_SYSTEM, "/etc/cron.monthly", CRON },
	{ OUTSIDE_SYSTEM, "/var/spool/cron", CRON },
	{ OUTSIDE_SYSTEM, "/etc/ld.so.preload", PRELOAD },
	{ OUTSIDE_SYSTEM, "/etc/ld.so.conf", PRELOAD },
	{ OUTSIDE_SYSTEM, "/etc/ld.so.conf.d", PRELOAD },
	{ OUTSIDE_SYSTEM, "/etc/sudoers", "sudo obeys it" },
	{ OUTSIDE_SYSTEM, "/etc/sudoers.d", "sudo obeys it" },
	{ OUTSIDE_SYSTEM, "/etc/pam.d", "every login loads the modules it names" },
	{ OUTSIDE_SYSTEM, "/etc/ssh", "sshd obeys it" },
	{ OUTSIDE_SYSTEM, "/etc/systemd", "systemd starts the services it defines" },
	{ OUTSIDE_SYSTEM, "/etc/udev/rules.d", "udev runs the commands its rules name" },
	{ OUTSIDE_SYSTEM, "/etc/gitconfig", GIT_CONFIG },
};

const size_t n_outside_places = sizeof(outside_places) / sizeof(outside_places[0]);
