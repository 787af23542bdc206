#define _GNU_SOURCE
#include "bulwark_fanotify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <unistd.h>

#ifndef FAN_MARK_FILESYSTEM
#define FAN_MARK_FILESYSTEM 0x00000100
#endif
#ifndef FAN_OPEN_EXEC_PERM
#define FAN_OPEN_EXEC_PERM 0x00040000
#endif
#ifndef FAN_UNLIMITED_MARKS
#define FAN_UNLIMITED_MARKS 0x00000020
#endif

int bw_fanotify_init(void) {
    int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE | FAN_UNLIMITED_MARKS,
                           O_RDONLY | O_LARGEFILE | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int bw_fanotify_mark_exec(int group_fd, int kind, int add, const char *path) {
    unsigned int flags = add ? FAN_MARK_ADD : FAN_MARK_REMOVE;
    switch (kind) {
    case BW_FANOTIFY_MARK_FILESYSTEM: flags |= FAN_MARK_FILESYSTEM; break;
    case BW_FANOTIFY_MARK_MOUNT: flags |= FAN_MARK_MOUNT; break;
    case BW_FANOTIFY_MARK_INODE: break;
    default: return -EINVAL;
    }
    if (fanotify_mark(group_fd, flags, FAN_OPEN_EXEC_PERM, AT_FDCWD, path) != 0) return -errno;
    return 0;
}

int bw_fanotify_ignore(int group_fd, int event_fd) {
    if (fanotify_mark(group_fd, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK, FAN_OPEN_EXEC_PERM, event_fd, NULL) != 0) return -errno;
    return 0;
}

int bw_fanotify_flush_inode_marks(int group_fd) {
    if (fanotify_mark(group_fd, FAN_MARK_FLUSH, 0, AT_FDCWD, NULL) != 0) return -errno;
    return 0;
}

int bw_fanotify_wait(int group_fd, int wake_fd, int timeout_ms) {
    struct pollfd fds[2] = {{.fd = group_fd, .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
    int count = wake_fd >= 0 ? 2 : 1;
    int ready;
    do {
        ready = poll(fds, (nfds_t)count, timeout_ms);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) return -errno;
    int bits = 0;
    if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) bits |= 1;
    if (count == 2 && (fds[1].revents & (POLLIN | POLLERR | POLLHUP))) bits |= 2;
    return bits;
}

int bw_fanotify_read(int group_fd, void *buffer, size_t buffer_size, struct bw_fanotify_event *events, int capacity) {
    ssize_t length;
    do {
        length = read(group_fd, buffer, buffer_size);
    } while (length < 0 && errno == EINTR);
    if (length < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;

    int count = 0;
    struct fanotify_event_metadata *metadata = (struct fanotify_event_metadata *)buffer;
    /* FAN_EVENT_OK checks that the record's header and its own event_len fit in what is left; a record that
     * does not is the end. fd, pid and mask sit at the same offsets in every metadata version since 2.6.37. */
    while (FAN_EVENT_OK(metadata, length)) {
        if (count == capacity) {
            /* The caller sized `events` for the buffer (one record is at least FAN_EVENT_METADATA_LEN
             * bytes), so this cannot happen; close rather than leak if it ever does. */
            if (metadata->fd >= 0) close(metadata->fd);
        } else {
            struct bw_fanotify_event *event = &events[count++];
            event->fd = metadata->fd;
            event->pid = metadata->pid;
            event->mask = metadata->mask;
            event->permission = (metadata->mask & (FAN_OPEN_EXEC_PERM | FAN_OPEN_PERM | FAN_ACCESS_PERM)) ? 1 : 0;
            event->overflow = (metadata->mask & FAN_Q_OVERFLOW) ? 1 : 0;
        }
        metadata = FAN_EVENT_NEXT(metadata, length);
    }
    return count;
}

int bw_fanotify_respond(int group_fd, int event_fd, int allow) {
    struct fanotify_response response = {.fd = event_fd, .response = allow ? FAN_ALLOW : FAN_DENY};
    ssize_t written;
    do {
        written = write(group_fd, &response, sizeof(response));
    } while (written < 0 && errno == EINTR);
    if (written < 0) return -errno;
    if (written != (ssize_t)sizeof(response)) return -EIO;
    return 0;
}

int bw_fanotify_wake_fd(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int bw_fanotify_wake(int wake_fd) {
    uint64_t one = 1;
    ssize_t written = write(wake_fd, &one, sizeof(one));
    return written == (ssize_t)sizeof(one) ? 0 : -errno;
}
