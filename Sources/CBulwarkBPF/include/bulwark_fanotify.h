#ifndef BULWARK_FANOTIFY_H
#define BULWARK_FANOTIFY_H

/*
 * fanotify exec-permission wrappers for the fanotify exec backend (Sources/BulwarkRuntime/Fanotify). The
 * kernel's variable-length event records are walked here, in C, with the kernel's own FAN_EVENT_OK /
 * FAN_EVENT_NEXT macros, and handed to Swift as fixed-size records: no pointer arithmetic on untrusted
 * lengths in Swift.
 *
 * Every function returns 0 (or a count/descriptor) on success and -errno on failure.
 */

#include <stddef.h>

/* One permission event, as Swift sees it. */
struct bw_fanotify_event {
    int fd;                  /* the file being executed, opened O_RDONLY for us; < 0 when the kernel could not */
    int pid;                 /* the task doing the exec (its tgid), still in its old image; 0 outside our pid ns */
    unsigned long long mask; /* FAN_* bits of the event */
    int permission;          /* 1 for a permission event (needs an answer), 0 otherwise */
    int overflow;            /* 1 for FAN_Q_OVERFLOW */
};

/* Mark kinds for bw_fanotify_mark_exec. */
enum bw_fanotify_mark_kind {
    BW_FANOTIFY_MARK_FILESYSTEM = 1,
    BW_FANOTIFY_MARK_MOUNT = 2,
    BW_FANOTIFY_MARK_INODE = 3,
};

/* fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE | FAN_UNLIMITED_MARKS,
 * O_RDONLY | O_LARGEFILE | O_CLOEXEC): the group descriptor, or -errno. */
int bw_fanotify_init(void);

/* Adds (add = 1) or removes (add = 0) a FAN_OPEN_EXEC_PERM mark of `kind` on the object at `path`. */
int bw_fanotify_mark_exec(int group_fd, int kind, int add, const char *path);

/* Adds an ignore mask for FAN_OPEN_EXEC_PERM on the inode `event_fd` refers to (an inode mark, which the kernel
 * applies to the events of this group's filesystem and mount marks too): later execs of that file are not asked
 * about. Without FAN_MARK_IGNORED_SURV_MODIFY the kernel drops the ignore mask when the file is modified. */
int bw_fanotify_ignore(int group_fd, int event_fd);

/* Removes every inode mark of the group (the ignore masks; the exec marks are filesystem and mount marks). */
int bw_fanotify_flush_inode_marks(int group_fd);

/* Waits until the group or `wake_fd` (may be -1) is readable, up to `timeout_ms` (-1: forever).
 * Returns a bit set: 1 = group readable, 2 = wake_fd readable, 0 = timeout; or -errno (EINTR is retried). */
int bw_fanotify_wait(int group_fd, int wake_fd, int timeout_ms);

/* Reads what is queued (non-blocking) into `buffer` and parses up to `capacity` events into `events`.
 * Returns the number of events (0: nothing queued), or -errno. The buffer must hold at least 4096 bytes.
 * Every returned event with fd >= 0 must be closed by the caller (after answering it when `permission`). */
int bw_fanotify_read(int group_fd, void *buffer, size_t buffer_size, struct bw_fanotify_event *events, int capacity);

/* Answers a permission event: allow = 1 → FAN_ALLOW, else FAN_DENY (the exec fails with EPERM). Retries EINTR. */
int bw_fanotify_respond(int group_fd, int event_fd, int allow);

/* A descriptor pair for waking the reader (eventfd, non-blocking, close-on-exec): returns the fd or -errno. */
int bw_fanotify_wake_fd(void);
/* Makes `wake_fd` readable. */
int bw_fanotify_wake(int wake_fd);

#endif
