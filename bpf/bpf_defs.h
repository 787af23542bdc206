/*
 * The few libbpf-header definitions bulwark.bpf.c needs, written by hand because libbpf-dev (bpf_helpers.h) is
 * not installed on a fresh machine and the build must not need it. Helper ids are the stable numbers of
 * `enum bpf_func_id` (include/uapi/linux/bpf.h, `__BPF_FUNC_MAPPER`); they never change once released.
 */
#ifndef BULWARK_BPF_DEFS_H
#define BULWARK_BPF_DEFS_H

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __always_inline inline __attribute__((always_inline))
#define NULL ((void *)0)

/* Map types and flags (enum bpf_map_type, uapi). */
#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define BPF_MAP_TYPE_LPM_TRIE 11
#define BPF_MAP_TYPE_RINGBUF 27
#define BPF_F_NO_PREALLOC 1

/* Helpers by id. */
static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static unsigned long long (* const bpf_get_current_pid_tgid)(void) = (void *)14;
static long (* const bpf_get_current_comm)(void *buf, unsigned int size) = (void *)16;
static unsigned long long (* const bpf_get_current_cgroup_id)(void) = (void *)80;
static long (* const bpf_send_signal)(unsigned int sig) = (void *)109;
static long (* const bpf_probe_read_user)(void *dst, unsigned int size, const void *unsafe_ptr) = (void *)112;
static long (* const bpf_probe_read_kernel)(void *dst, unsigned int size, const void *unsafe_ptr) = (void *)113;
static long (* const bpf_probe_read_kernel_str)(void *dst, unsigned int size, const void *unsafe_ptr) = (void *)115;
static unsigned long long (* const bpf_get_current_ancestor_cgroup_id)(int level) = (void *)123;
static unsigned long long (* const bpf_ktime_get_boot_ns)(void) = (void *)125;
static void *(* const bpf_ringbuf_reserve)(void *ringbuf, unsigned long long size, unsigned long long flags) = (void *)131;
static void (* const bpf_ringbuf_submit)(void *data, unsigned long long flags) = (void *)132;
static void (* const bpf_ringbuf_discard)(void *data, unsigned long long flags) = (void *)133;
static struct task_struct *(* const bpf_get_current_task_btf)(void) = (void *)158;

#define bpf_ntohs(x) __builtin_bswap16(x)
#define bpf_htonl(x) __builtin_bswap32(x)

#endif
