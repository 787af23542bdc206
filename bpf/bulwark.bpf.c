/*
 * Bulwark's kernel programs: one object, the loader (Sources/BulwarkRuntime/Kernel) chooses which programs load.
 *
 *   plan cgroupAndTracepoint: cgroup/connect4|6 + cgroup/sendmsg4|6 (EPERM), tp_btf/sched_process_exec (SIGKILL)
 *   plan lsm:                 lsm.s/bprm_check_security, lsm/socket_connect, lsm/socket_sendmsg (EPERM), plus
 *                             tp_btf/sched_process_exec in "inline code only" form (argv is not readable before exec)
 *
 * Every decision goes through the same functions (policy_for_current, judge_net, judge_exec); map keys live on the
 * stack because Linux 6.1's verifier refuses ring-buffer memory as a key. Events are only for deny/alert, a full
 * ring buffer only bumps BW_CNT_EVENTS_DROPPED: enforcement never depends on it.
 *
 * Built by scripts/build-bpf; the object is committed (bpf/bulwark.bpf.o and Sources/CBulwarkBPF/bpf_object.c).
 */
#include "vmlinux.h"
#include "bpf_defs.h"
#include "bulwark_maps.h"

#define EPERM 1
#define SIGKILL 9
#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define BW_MAX_CGROUP_LEVELS 16

char LICENSE[] SEC("license") = "GPL";

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, bw_u64);
    __type(value, struct bw_policy);
} bw_policies SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 65536);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct bw_net_key);
    __type(value, struct bw_net_value);
} bw_net SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 65536);
    __type(key, struct bw_exec_key);
    __type(value, struct bw_exec_value);
} bw_exec SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4 * 1024 * 1024);
} bw_events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, BW_CNT_MAX);
    __type(key, bw_u32);
    __type(value, bw_u64);
} bw_counters SEC(".maps");

static __always_inline void count(bw_u32 index) {
    bw_u64 *value = bpf_map_lookup_elem(&bw_counters, &index);
    if (value) __sync_fetch_and_add(value, 1);
}

/* The policy of the current task: its own cgroup's, else that of its nearest enforced ancestor (so enforcing a
 * pod's cgroup covers its containers' sub-cgroups). *cgroup_out gets the task's own cgroup id. */
static __always_inline struct bw_policy *policy_for_current(bw_u64 *cgroup_out) {
    bw_u64 id = bpf_get_current_cgroup_id();
    *cgroup_out = id;
    struct bw_policy *policy = bpf_map_lookup_elem(&bw_policies, &id);
    if (policy) return policy;
    struct bw_policy *found = NULL;
    for (int level = 1; level < BW_MAX_CGROUP_LEVELS; level++) {
        bw_u64 ancestor = bpf_get_current_ancestor_cgroup_id(level);
        if (ancestor == 0 || ancestor == id) break;
        struct bw_policy *candidate = bpf_map_lookup_elem(&bw_policies, &ancestor);
        if (candidate) found = candidate;  /* keep going: the deepest enforced ancestor wins */
    }
    return found;
}

static __always_inline void fill_common(struct bw_event *event, bw_u64 cgroup, bw_u32 policy_id, bw_u8 kind,
                                        bw_u8 verdict, bw_u8 hook, bw_u16 rule_index) {
    __builtin_memset(event, 0, sizeof(*event));
    bw_u64 pid_tgid = bpf_get_current_pid_tgid();
    event->timestamp_ns = bpf_ktime_get_boot_ns();
    event->cgroup_id = cgroup;
    event->pid = pid_tgid >> 32;
    event->tid = (bw_u32)pid_tgid;
    event->policy_id = policy_id;
    event->kind = kind;
    event->verdict = verdict;
    event->hook = hook;
    event->rule_index = rule_index;
    bpf_get_current_comm(event->comm, sizeof(event->comm));
}

/* ---- network ---- */

struct net_request {
    bw_u8 addr[16];   /* IPv4 mapped */
    bw_u16 port;      /* host order */
    bw_u8 protocol;   /* BW_PROTO_*; 0 for anything else, which no port rule matches */
    bw_u8 family;     /* 4 or 6 */
};

static __always_inline void set_v4(struct net_request *request, bw_u32 ip4 /* network order */) {
    __builtin_memset(request->addr, 0, 10);
    request->addr[10] = 0xff;
    request->addr[11] = 0xff;
    __builtin_memcpy(&request->addr[12], &ip4, 4);
    request->family = 4;
}

static __always_inline void set_v6(struct net_request *request, const bw_u32 words[4]) {
    __builtin_memcpy(&request->addr[0], &words[0], 4);
    __builtin_memcpy(&request->addr[4], &words[1], 4);
    __builtin_memcpy(&request->addr[8], &words[2], 4);
    __builtin_memcpy(&request->addr[12], &words[3], 4);
    /* IPv4-mapped (::ffff:a.b.c.d) is judged and reported as IPv4: the trie stores IPv4 that way already. */
    bw_u32 mapped = words[0] == 0 && words[1] == 0 && words[2] == bpf_htonl(0x0000ffff);
    request->family = mapped ? 4 : 6;
}

/* Judges a request: BW_ALLOW when the task has no policy or its policy does not judge the network. */
static __always_inline bw_u8 judge_net(struct net_request *request, bw_u8 kind, bw_u8 hook) {
    bw_u64 cgroup = 0;
    struct bw_policy *policy = policy_for_current(&cgroup);
    if (!policy || !policy->net_enforced) return BW_ALLOW;
    bw_u32 policy_id = policy->policy_id;
    bw_u8 verdict = policy->net_default;
    bw_u16 rule_index = BW_RULE_DEFAULT;

    struct bw_net_key key = {};
    key.prefixlen = 32 + 128;
    key.policy_id = bpf_htonl(policy_id);
    __builtin_memcpy(key.addr, request->addr, 16);
    struct bw_net_value *value = bpf_map_lookup_elem(&bw_net, &key);
    if (value) {
        bw_u32 n = value->count;
        for (int i = 0; i < BW_MAX_PORT_RULES; i++) {
            if (i >= n) break;
            struct bw_port_rule *rule = &value->rules[i];
            if ((rule->protocols & request->protocol) && request->port >= rule->port_lo &&
                request->port <= rule->port_hi) {
                verdict = rule->verdict;
                rule_index = rule->rule_index;
                break;
            }
        }
    }

    count(verdict == BW_DENY ? BW_CNT_NET_DENIED : verdict == BW_ALERT ? BW_CNT_NET_ALERTED : BW_CNT_NET_ALLOWED);
    if (verdict == BW_ALLOW) return BW_ALLOW;

    struct bw_event *event = bpf_ringbuf_reserve(&bw_events, sizeof(struct bw_event), 0);
    if (!event) {
        count(BW_CNT_EVENTS_DROPPED);
        return verdict;
    }
    fill_common(event, cgroup, policy_id, kind, verdict, hook, rule_index);
    event->protocol = request->protocol;
    event->port = request->port;
    event->family = request->family;
    __builtin_memcpy(event->addr, request->addr, 16);
    bpf_ringbuf_submit(event, 0);
    return verdict;
}

static __always_inline bw_u8 proto_of(bw_u32 type, bw_u32 protocol) {
    if (protocol == IPPROTO_TCP || (protocol == 0 && type == SOCK_STREAM)) return BW_PROTO_TCP;
    if (protocol == IPPROTO_UDP || (protocol == 0 && type == SOCK_DGRAM)) return BW_PROTO_UDP;
    return 0;
}

/* cgroup sock_addr programs: 1 lets the call proceed, 0 makes it fail with EPERM. The policy is that of the calling
 * task's cgroup (the same as the LSM variant); the program itself runs only for sockets created inside the cgroup
 * it is attached to. */
static __always_inline int sock_addr4(struct bpf_sock_addr *ctx, bw_u8 kind, bw_u8 hook) {
    struct net_request request = {};
    set_v4(&request, ctx->user_ip4);
    request.port = bpf_ntohs((bw_u16)ctx->user_port);
    request.protocol = proto_of(ctx->type, ctx->protocol);
    return judge_net(&request, kind, hook) == BW_DENY ? 0 : 1;
}

static __always_inline int sock_addr6(struct bpf_sock_addr *ctx, bw_u8 kind, bw_u8 hook) {
    struct net_request request = {};
    bw_u32 words[4];
    words[0] = ctx->user_ip6[0];
    words[1] = ctx->user_ip6[1];
    words[2] = ctx->user_ip6[2];
    words[3] = ctx->user_ip6[3];
    set_v6(&request, words);
    request.port = bpf_ntohs((bw_u16)ctx->user_port);
    request.protocol = proto_of(ctx->type, ctx->protocol);
    return judge_net(&request, kind, hook) == BW_DENY ? 0 : 1;
}

SEC("cgroup/connect4")
int bw_connect4(struct bpf_sock_addr *ctx) { return sock_addr4(ctx, BW_EVENT_CONNECT, BW_HOOK_CGROUP_CONNECT); }

SEC("cgroup/connect6")
int bw_connect6(struct bpf_sock_addr *ctx) { return sock_addr6(ctx, BW_EVENT_CONNECT, BW_HOOK_CGROUP_CONNECT); }

SEC("cgroup/sendmsg4")
int bw_sendmsg4(struct bpf_sock_addr *ctx) { return sock_addr4(ctx, BW_EVENT_SENDMSG, BW_HOOK_CGROUP_SENDMSG); }

SEC("cgroup/sendmsg6")
int bw_sendmsg6(struct bpf_sock_addr *ctx) { return sock_addr6(ctx, BW_EVENT_SENDMSG, BW_HOOK_CGROUP_SENDMSG); }

/* LSM: the address is a kernel copy (sockaddr_storage), read with probe_read_kernel because the BTF type
 * `struct sockaddr` is shorter than sockaddr_in6. */
struct bw_sockaddr_in6 {
    bw_u16 family;
    bw_u16 port;
    bw_u32 flowinfo_or_v4;  /* sockaddr_in: sin_addr; sockaddr_in6: sin6_flowinfo */
    bw_u32 addr[4];
    bw_u32 scope;
};

static __always_inline int lsm_net(struct socket *sock, void *address, bw_u8 kind, bw_u8 hook) {
    if (!address) return 0;  /* sendmsg on a connected socket: its connect was judged */
    struct bw_sockaddr_in6 sa = {};
    if (bpf_probe_read_kernel(&sa, sizeof(sa), address) != 0) return 0;
    struct net_request request = {};
    if (sa.family == AF_INET) {
        set_v4(&request, sa.flowinfo_or_v4);
    } else if (sa.family == AF_INET6) {
        set_v6(&request, sa.addr);
    } else {
        return 0;
    }
    request.port = bpf_ntohs(sa.port);
    struct sock *sk = sock->sk;
    bw_u32 protocol = sk ? sk->sk_protocol : 0;
    request.protocol = proto_of(sock->type, protocol);
    return judge_net(&request, kind, hook) == BW_DENY ? -EPERM : 0;
}

SEC("lsm/socket_connect")
int bw_lsm_connect(unsigned long long *ctx) {
    struct socket *sock = (void *)ctx[0];
    void *address = (void *)ctx[1];
    int ret = (int)ctx[3];
    if (ret != 0) return ret;
    return lsm_net(sock, address, BW_EVENT_CONNECT, BW_HOOK_LSM_CONNECT);
}

SEC("lsm/socket_sendmsg")
int bw_lsm_sendmsg(unsigned long long *ctx) {
    struct socket *sock = (void *)ctx[0];
    struct msghdr *msg = (void *)ctx[1];
    int ret = (int)ctx[3];
    if (ret != 0) return ret;
    return lsm_net(sock, msg->msg_name, BW_EVENT_SENDMSG, BW_HOOK_LSM_SENDMSG);
}

/* ---- exec ---- */

struct exec_request {
    char args[BW_ARGS_LEN];
    bw_u32 args_len;
    bw_u8 inline_code;  /* argv[1] asks for inline code */
};

static __always_inline int is_inline_flag(const char *arg, int room) {
    /* -c, -e, -E, --command, --eval, or a short-option cluster ending in c (bash -lc, sh -ec). */
    if (room < 2 || arg[0] != '-') return 0;
    if (arg[1] == '-') {
        if (room >= 10 && arg[2] == 'c' && arg[3] == 'o' && arg[4] == 'm' && arg[5] == 'm' && arg[6] == 'a' &&
            arg[7] == 'n' && arg[8] == 'd' && arg[9] == 0) return 1;
        if (room >= 7 && arg[2] == 'e' && arg[3] == 'v' && arg[4] == 'a' && arg[5] == 'l' && arg[6] == 0) return 1;
        return 0;
    }
    if (room >= 3 && (arg[1] == 'e' || arg[1] == 'E') && arg[2] == 0) return 1;
    for (int i = 1; i < 8; i++) {
        if (i + 1 >= room) return 0;
        char ch = arg[i];
        if (ch == 0 || ch == '-') return 0;
        if (arg[i + 1] == 0) return ch == 'c';
    }
    return 0;
}

/* Reads argv (NUL-separated, truncated) from the task's new mm; at sched_process_exec it is current's mm. */
static __always_inline void read_args(struct task_struct *task, struct exec_request *request) {
    struct mm_struct *mm = task->mm;
    if (!mm) return;
    unsigned long start = mm->arg_start, end = mm->arg_end;
    if (end <= start) return;
    unsigned long len = end - start;
    if (len > BW_ARGS_LEN) len = BW_ARGS_LEN;
    if (bpf_probe_read_user(request->args, len & (BW_ARGS_LEN * 2 - 1), (const void *)start) != 0) return;
    request->args_len = len;
    /* argv[1] starts after the first NUL */
    int first = -1;
    for (int i = 0; i < BW_ARGS_LEN - 1; i++) {
        if (i >= len) break;
        if (request->args[i] == 0) { first = i + 1; break; }
    }
    if (first > 0 && first < BW_ARGS_LEN - 1 && first < len) {
        int room = len - first;
        if (room > 11) room = 11;
        char flag[12] = {};
        for (int i = 0; i < 11; i++) {
            if (i >= room) break;
            int at = first + i;
            if (at >= 0 && at < BW_ARGS_LEN) flag[i] = request->args[at];
        }
        request->inline_code = is_inline_flag(flag, room);
    }
}

/* The exec decision: returns the verdict, and fills *event_out (reserved) for deny/alert when it could. */
static __always_inline bw_u8 judge_exec(struct linux_binprm *bprm, struct task_struct *task, int read_argv,
                                        int inline_only, bw_u8 hook) {
    bw_u64 cgroup = 0;
    struct bw_policy *policy = policy_for_current(&cgroup);
    if (!policy || !policy->exec_enforced) return BW_ALLOW;
    bw_u32 policy_id = policy->policy_id;

    struct bw_exec_key key = {};
    key.policy_id = policy_id;
    struct inode *inode = bprm->file->f_inode;
    key.dev = inode->i_sb->s_dev;
    key.ino = inode->i_ino;

    struct exec_request request = {};
    if (read_argv) read_args(task, &request);

    bw_u8 verdict = policy->exec_default;
    bw_u16 rule_index = BW_RULE_DEFAULT;
    struct bw_exec_value *value = bpf_map_lookup_elem(&bw_exec, &key);
    if (value) {
        verdict = value->verdict;
        rule_index = value->rule_index;
        if (verdict != BW_DENY && request.inline_code) {
            if (value->flags & BW_EXEC_DENY_INLINE) verdict = BW_DENY;
            else if (value->flags & BW_EXEC_ALERT_INLINE) verdict = BW_ALERT;
        }
    }
    if (inline_only) {
        /* LSM plan: bprm_check_security judged the file; only inline code is left to this tracepoint. */
        if (!value || !request.inline_code || !(value->flags & (BW_EXEC_DENY_INLINE | BW_EXEC_ALERT_INLINE)))
            return BW_ALLOW;
    }

    count(verdict == BW_DENY ? BW_CNT_EXEC_DENIED : verdict == BW_ALERT ? BW_CNT_EXEC_ALERTED : BW_CNT_EXEC_ALLOWED);
    if (verdict == BW_ALLOW) return BW_ALLOW;

    struct bw_event *event = bpf_ringbuf_reserve(&bw_events, sizeof(struct bw_event), 0);
    if (!event) {
        count(BW_CNT_EVENTS_DROPPED);
        return verdict;
    }
    fill_common(event, cgroup, policy_id, BW_EVENT_EXEC, verdict, hook, rule_index);
    event->dev = key.dev;
    event->ino = key.ino;
    struct task_struct *parent = task->real_parent;
    event->ppid = parent ? parent->tgid : 0;
    bpf_probe_read_kernel_str(event->filename, sizeof(event->filename), bprm->filename);
    __builtin_memcpy(event->args, request.args, BW_ARGS_LEN);
    bpf_ringbuf_submit(event, 0);
    return verdict;
}

static __always_inline int exec_tracepoint(unsigned long long *ctx, int inline_only) {
    struct task_struct *task = (void *)ctx[0];
    struct linux_binprm *bprm = (void *)ctx[2];
    if (judge_exec(bprm, task, 1, inline_only, BW_HOOK_TP_EXEC) == BW_DENY) bpf_send_signal(SIGKILL);
    return 0;
}

SEC("tp_btf/sched_process_exec")
int bw_exec_tp(unsigned long long *ctx) { return exec_tracepoint(ctx, 0); }

SEC("tp_btf/sched_process_exec")
int bw_exec_tp_inline(unsigned long long *ctx) { return exec_tracepoint(ctx, 1); }

SEC("lsm.s/bprm_check_security")
int bw_lsm_bprm(unsigned long long *ctx) {
    struct linux_binprm *bprm = (void *)ctx[0];
    int ret = (int)ctx[1];
    if (ret != 0) return ret;
    struct task_struct *task = bpf_get_current_task_btf();
    return judge_exec(bprm, task, 0, 0, BW_HOOK_LSM_BPRM) == BW_DENY ? -EPERM : 0;
}
