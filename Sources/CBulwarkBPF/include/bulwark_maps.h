/*
 * The layouts shared by the kernel programs (bpf/bulwark.bpf.c, compiled with clang -target bpf and no libc)
 * and user space (Swift through CBulwarkBPF). Every struct is fixed-size, naturally aligned and padded by hand so
 * that both compilers agree; a change here needs `scripts/build-bpf` to rebuild the committed object.
 *
 * Decisions are keyed by a policy id; the policy id of a task or socket comes from its cgroup-v2 id (or the id of
 * its nearest enforced ancestor), looked up in the `bw_policies` map.
 */
#ifndef BULWARK_MAPS_H
#define BULWARK_MAPS_H

typedef unsigned char bw_u8;
typedef unsigned short bw_u16;
typedef unsigned int bw_u32;
typedef unsigned long long bw_u64;

/* Verdicts, as stored in maps and reported in events. */
enum bw_verdict {
    BW_ALLOW = 0,
    BW_DENY = 1,   /* refuse with EPERM (or kill, on the tracepoint backend) and report */
    BW_ALERT = 2,  /* let it happen and report */
};

/* Event kinds. */
enum bw_event_kind {
    BW_EVENT_EXEC = 1,
    BW_EVENT_CONNECT = 2,
    BW_EVENT_SENDMSG = 3,
};

/* Which program decided (reported in events as the backend). */
enum bw_hook {
    BW_HOOK_LSM_BPRM = 1,        /* lsm.s/bprm_check_security: EPERM before the exec */
    BW_HOOK_LSM_CONNECT = 2,     /* lsm/socket_connect */
    BW_HOOK_LSM_SENDMSG = 3,     /* lsm/socket_sendmsg */
    BW_HOOK_CGROUP_CONNECT = 4,  /* cgroup/connect4|6: EPERM */
    BW_HOOK_CGROUP_SENDMSG = 5,  /* cgroup/sendmsg4|6: EPERM */
    BW_HOOK_TP_EXEC = 6,         /* tp_btf/sched_process_exec: SIGKILL after the exec */
};

/* Protocol bits of a port rule. */
#define BW_PROTO_TCP 1
#define BW_PROTO_UDP 2

/* Exec verdict flags. */
#define BW_EXEC_DENY_INLINE 1   /* an interpreter whose inline code (`-c`, `-e`) is denied */
#define BW_EXEC_ALERT_INLINE 2  /* … reported only */

/* bw_policies: cgroup id (u64) -> bw_policy. */
struct bw_policy {
    bw_u32 policy_id;
    bw_u8 net_enforced;   /* 0: network not judged for this policy */
    bw_u8 net_default;    /* enum bw_verdict when no prefix/port rule matches */
    bw_u8 exec_enforced;  /* 0: exec not judged */
    bw_u8 exec_default;   /* enum bw_verdict for a file not in bw_exec */
};

#define BW_MAX_PORT_RULES 16

struct bw_port_rule {
    bw_u16 port_lo;       /* inclusive; 0..65535 (0-0 never matches a real connect) */
    bw_u16 port_hi;       /* inclusive */
    bw_u8 protocols;      /* BW_PROTO_* bits */
    bw_u8 verdict;        /* enum bw_verdict */
    bw_u16 rule_index;    /* index into the policy's rule ids (user space), for events */
};

/* bw_net (LPM trie): key = { prefixlen, policy id, 16 address bytes }. IPv4 is stored IPv4-mapped
 * (::ffff:a.b.c.d), so prefixlen = 32 (policy id) + 96 + v4 bits; IPv6 = 32 + v6 bits. */
struct bw_net_key {
    bw_u32 prefixlen;
    bw_u32 policy_id;     /* big-endian in the key, so the trie matches it as the first 32 bits */
    bw_u8 addr[16];
};

/* The rules of the longest matching prefix. User space merges every less specific prefix's rules into a more
 * specific one (after its own), so the longest match alone decides. First matching port rule wins. */
struct bw_net_value {
    bw_u32 count;
    bw_u32 _pad;
    struct bw_port_rule rules[BW_MAX_PORT_RULES];
};

/* bw_exec (hash): key = { policy id, device (kernel dev_t: major << 20 | minor), inode } -> bw_exec_value. */
struct bw_exec_key {
    bw_u32 policy_id;
    bw_u32 _pad;
    bw_u64 dev;
    bw_u64 ino;
};

struct bw_exec_value {
    bw_u8 verdict;        /* enum bw_verdict */
    bw_u8 flags;          /* BW_EXEC_* */
    bw_u16 rule_index;
    bw_u32 _pad;
};

#define BW_COMM_LEN 16
#define BW_PATH_LEN 128
#define BW_ARGS_LEN 128

/* Ring-buffer record (bw_events). */
struct bw_event {
    bw_u64 timestamp_ns;  /* bpf_ktime_get_boot_ns() */
    bw_u64 cgroup_id;
    bw_u32 pid;           /* tgid */
    bw_u32 tid;
    bw_u32 ppid;
    bw_u32 policy_id;
    bw_u8 kind;           /* enum bw_event_kind */
    bw_u8 verdict;        /* enum bw_verdict actually applied */
    bw_u8 hook;           /* enum bw_hook */
    bw_u8 protocol;       /* BW_PROTO_* of a network event */
    bw_u16 rule_index;    /* 0xffff: the policy's default decided */
    bw_u16 port;          /* host order */
    bw_u8 family;         /* 4 or 6 (v4-mapped addresses are reported as 4) */
    bw_u8 _pad[7];
    bw_u8 addr[16];       /* v4 in the last 4 bytes, mapped */
    bw_u64 dev;
    bw_u64 ino;
    char comm[BW_COMM_LEN];
    char filename[BW_PATH_LEN];  /* exec: bprm->filename */
    char args[BW_ARGS_LEN];      /* exec: argv, NUL-separated, truncated */
};

/* bw_counters (per-CPU array) indices. */
enum bw_counter {
    BW_CNT_EVENTS_DROPPED = 0,  /* ring buffer full */
    BW_CNT_NET_ALLOWED = 1,
    BW_CNT_NET_DENIED = 2,
    BW_CNT_NET_ALERTED = 3,
    BW_CNT_EXEC_ALLOWED = 4,
    BW_CNT_EXEC_DENIED = 5,
    BW_CNT_EXEC_ALERTED = 6,
    BW_CNT_MAX = 8,
};

#define BW_RULE_DEFAULT 0xffff

#endif
