/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PROCESSOR_TTY_H
#define _PROCESSOR_TTY_H

/*
 * The console terminal (tty.c): P's serial console as a tty with the
 * N_TTY line discipline, job control and a controlling session.
 */
#include "process.h"

/* read, write, poll, ioctl of the console tty (FILE_OPS or FILE_CONSOLE). */
extern const struct file_operations tty_fops;

/* Does path name the console tty (/dev/tty, /dev/console, /dev/ttyS0)? */
bool tty_path(const char *path);
/*
 * Opening path (tty_path()) with O_* flags: /dev/tty is the caller's
 * controlling terminal (-ENXIO without one); opening /dev/ttyS0 without
 * O_NOCTTY makes it the controlling tty of a session leader that has none.
 */
int tty_open(struct file *f, const char *path, u32 flags);
/*
 * p starts with the console on fds 0-2 (files_init): a session leader
 * without a controlling tty gets it.
 */
void tty_attach(struct process *p);
/* A session leader exits: its terminal hangs up on the foreground group. */
void tty_session_exit(struct process *p);

#endif /* _PROCESSOR_TTY_H */
