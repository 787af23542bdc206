#ifndef BULWARK_PROCESS_H
#define BULWARK_PROCESS_H

/*
 * Starts `path` with `argv`/`envp` as a child that is born inside the cgroup-v2 directory `cgroup_fd`
 * (clone3 with CLONE_INTO_CGROUP, Linux 5.7+): there is no moment at which the child runs outside the
 * enforced cgroup, which writing its pid to cgroup.procs after a fork would leave.
 *
 * Returns the child's pid, or -errno: of clone3, or of the child's execve (reported back through a
 * close-on-exec pipe, so a missing or refused program is an error here, not an exit status 127 later).
 * `pidfd_out` (may be NULL) receives a pidfd of the child. Between clone3 and execve the child calls only
 * async-signal-safe functions, so this is safe from a multi-threaded Swift process.
 */
int bw_spawn_in_cgroup(int cgroup_fd, const char *path, char *const argv[], char *const envp[], int *pidfd_out);

#endif
