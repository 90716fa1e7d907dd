/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * typegen/maps.h - BTF-defined maps, one line each, with typed wrappers.
 *
 *	TG_MAP_HASH(counts, __u32, __u64, 1024);
 *
 * declares the map `counts` (in SEC(".maps"), as libbpf expects) and the
 * always-inlined functions
 *
 *	__u64 *counts_lookup(const __u32 *key);	the value, or NULL
 *	long counts_update(const __u32 *key, const __u64 *value, __u64 flags);
 *	long counts_delete(const __u32 *key);
 *
 * so that the compiler checks key and value types. update's @flags are
 * BPF_ANY, BPF_NOEXIST or BPF_EXIST; update and delete return 0 or a
 * negative error. Key and value types are written as types (struct
 * my_flow, __u64...); give array types a typedef first. Use the map
 * itself (&counts) with any other helper.
 *
 * Arrays are indexed by value (name_lookup(3)); ring buffers, perf event
 * arrays, stack trace maps, program arrays and the redirect maps get the
 * operations their helpers offer instead.
 *
 * Name types of your own so that they cannot clash with the kernel's in
 * vmlinux.h (struct flow_stats, for one, is taken).
 */
#ifndef __TYPEGEN_MAPS_H
#define __TYPEGEN_MAPS_H

/*
 * The functions the macros define: unused ones must not warn. Each macro
 * ends with a struct declaration, for the semicolon written after it.
 */
#define __TG_MAP_FN static __always_inline __attribute__((unused))

/*
 * TG_MAP - the definition the maps of values are built on: the BTF-defined
 * map @name of type @type_ (BPF_MAP_TYPE_*), from K to V, with @max entries
 * and map_flags @flags. Use it directly for other kinds and flags:
 *
 *	TG_MAP(flows, BPF_MAP_TYPE_HASH, struct my_flow, __u64, 4096,
 *	       BPF_F_NO_PREALLOC);
 */
#define TG_MAP(name, type_, K, V, max, flags)				\
	struct {							\
		__uint(type, type_);					\
		__type(key, K);						\
		__type(value, V);					\
		__uint(max_entries, max);				\
		__uint(map_flags, flags);				\
	} name SEC(".maps")

/* Typed lookup/update/delete for maps with a key (hash maps, LPM tries). */
#define __TG_MAP_KEY_OPS(name, K, V)					\
	__TG_MAP_FN V *							\
	name##_lookup(const K *key)					\
	{								\
		return bpf_map_lookup_elem(&name, key);			\
	}								\
	__TG_MAP_FN long						\
	name##_update(const K *key, const V *value, __u64 flags)	\
	{								\
		return bpf_map_update_elem(&name, key, value, flags);	\
	}								\
	__TG_MAP_FN long						\
	name##_delete(const K *key)					\
	{								\
		return bpf_map_delete_elem(&name, key);			\
	}

/* Typed lookup/update for arrays, indexed by value. */
#define __TG_MAP_INDEX_OPS(name, V)					\
	__TG_MAP_FN V *							\
	name##_lookup(__u32 index)					\
	{								\
		return bpf_map_lookup_elem(&name, &index);		\
	}								\
	__TG_MAP_FN long						\
	name##_update(__u32 index, const V *value, __u64 flags)		\
	{								\
		return bpf_map_update_elem(&name, &index, value, flags); \
	}

/* ---- maps of values --------------------------------------------------- */

/* TG_MAP_HASH - a hash map from K to V, with at most @max entries. */
#define TG_MAP_HASH(name, K, V, max)					\
	TG_MAP(name, BPF_MAP_TYPE_HASH, K, V, max, 0);			\
	__TG_MAP_KEY_OPS(name, K, V)					\
	struct __tg_map_##name

/*
 * TG_MAP_PERCPU_HASH - a hash map with one value per CPU: name_lookup()
 * gives this CPU's, which the program may change without atomics. User
 * space reads all of them (libbpf_num_possible_cpus() values per key).
 */
#define TG_MAP_PERCPU_HASH(name, K, V, max)				\
	TG_MAP(name, BPF_MAP_TYPE_PERCPU_HASH, K, V, max, 0);		\
	__TG_MAP_KEY_OPS(name, K, V)					\
	struct __tg_map_##name

/*
 * TG_MAP_LRU_HASH - a hash map that evicts the least recently used entry
 * when full instead of failing the update: for keys that come and go
 * (flows, threads, processes).
 */
#define TG_MAP_LRU_HASH(name, K, V, max)				\
	TG_MAP(name, BPF_MAP_TYPE_LRU_HASH, K, V, max, 0);		\
	__TG_MAP_KEY_OPS(name, K, V)					\
	struct __tg_map_##name

/*
 * TG_MAP_ARRAY - @max values of type V at indexes 0..@max-1, all present and
 * zeroed at load time (entries cannot be deleted).
 */
#define TG_MAP_ARRAY(name, V, max)					\
	TG_MAP(name, BPF_MAP_TYPE_ARRAY, __u32, V, max, 0);		\
	__TG_MAP_INDEX_OPS(name, V)					\
	struct __tg_map_##name

/* TG_MAP_PERCPU_ARRAY - an array with one value per CPU at each index. */
#define TG_MAP_PERCPU_ARRAY(name, V, max)				\
	TG_MAP(name, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, V, max, 0);	\
	__TG_MAP_INDEX_OPS(name, V)					\
	struct __tg_map_##name

/*
 * TG_MAP_LPM_TRIE - longest-prefix match from K to V. K starts with a __u32
 * prefix length in bits followed by the address bytes in network order
 * (struct tg_lpm_v4 and struct tg_lpm_v6 below). A lookup with the full
 * length (32, 128) finds the longest stored prefix that contains it.
 */
#define TG_MAP_LPM_TRIE(name, K, V, max)				\
	TG_MAP(name, BPF_MAP_TYPE_LPM_TRIE, K, V, max,			\
	       BPF_F_NO_PREALLOC);					\
	__TG_MAP_KEY_OPS(name, K, V)					\
	struct __tg_map_##name

/* Keys of IPv4 and IPv6 LPM tries. */
struct tg_lpm_v4 {
	__u32 prefixlen;	/* bits of @addr that count, 0..32 */
	__u8 addr[4];		/* network order */
};

struct tg_lpm_v6 {
	__u32 prefixlen;	/* 0..128 */
	__u8 addr[16];
};

/*
 * tg_map_add - add @delta to the __u64 value of *@key in the hash or array
 * @map, creating the entry (as @delta) if there is none. Atomic with
 * respect to other CPUs. Returns 0 or a negative error (the map is full).
 *
 *	tg_map_add(&counts, &key, 1);
 */
static __always_inline long tg_map_add(void *map, const void *key,
				       __u64 delta)
{
	__u64 *value = bpf_map_lookup_elem(map, key);
	long err;

	if (value) {
		__sync_fetch_and_add(value, delta);
		return 0;
	}
	err = bpf_map_update_elem(map, key, &delta, BPF_NOEXIST);
	if (err) {
		/* Another CPU created it first: add to that one. */
		value = bpf_map_lookup_elem(map, key);
		if (!value)
			return err;
		__sync_fetch_and_add(value, delta);
	}
	return 0;
}

/* ---- ring buffers and perf buffers ------------------------------------ */

/*
 * TG_MAP_RINGBUF - a ring buffer of @bytes bytes (a power of two, a multiple
 * of the page size) carrying records of type T to user space (libbpf's
 * ring_buffer__new()). Defines
 *
 *	T *name_reserve(void);		room for a record, NULL if full
 *	void name_submit(T *rec);	publish it
 *	void name_discard(T *rec);	give the room back
 *	long name_output(const T *rec);	copy a record in: 0 or -errno
 *
 * Every record reserved must be submitted or discarded on every path: the
 * verifier checks.
 */
#define TG_MAP_RINGBUF(name, T, bytes)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_RINGBUF);			\
		__uint(max_entries, bytes);				\
	} name SEC(".maps");						\
	__TG_MAP_FN T *							\
	name##_reserve(void)						\
	{								\
		return bpf_ringbuf_reserve(&name, sizeof(T), 0);	\
	}								\
	__TG_MAP_FN void						\
	name##_submit(T *rec)						\
	{								\
		bpf_ringbuf_submit(rec, 0);				\
	}								\
	__TG_MAP_FN void						\
	name##_discard(T *rec)						\
	{								\
		bpf_ringbuf_discard(rec, 0);				\
	}								\
	__TG_MAP_FN long						\
	name##_output(const T *rec)					\
	{								\
		return bpf_ringbuf_output(&name, (void *)rec,		\
					  sizeof(T), 0);		\
	}								\
	struct __tg_map_##name

/*
 * TG_MAP_PERF_EVENT_ARRAY - per-CPU perf buffers carrying records of type T
 * (libbpf's perf_buffer__new()); one entry per CPU is created by libbpf.
 * Defines long name_output(void *ctx, const T *rec), which writes to the
 * buffer of the current CPU.
 */
#define TG_MAP_PERF_EVENT_ARRAY(name, T)				\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);		\
		__uint(key_size, sizeof(__u32));			\
		__uint(value_size, sizeof(__u32));			\
	} name SEC(".maps");						\
	__TG_MAP_FN long						\
	name##_output(void *ctx, const T *rec)				\
	{								\
		return bpf_perf_event_output(ctx, &name,		\
					     BPF_F_CURRENT_CPU,		\
					     (void *)rec, sizeof(T));	\
	}								\
	struct __tg_map_##name

/*
 * TG_MAP_STACK_TRACE - up to @max stack traces of PERF_MAX_STACK_DEPTH
 * frames (tracing programs). Defines long name_get(void *ctx, __u64 flags):
 * the id of the current stack (kernel's, or user's with BPF_F_USER_STACK),
 * to store in another map; user space reads the frames by id.
 */
#define TG_MAP_STACK_TRACE(name, max)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_STACK_TRACE);			\
		__uint(key_size, sizeof(__u32));			\
		__uint(value_size,					\
		       PERF_MAX_STACK_DEPTH * sizeof(__u64));		\
		__uint(max_entries, max);				\
	} name SEC(".maps");						\
	__TG_MAP_FN long						\
	name##_get(void *ctx, __u64 flags)				\
	{								\
		return bpf_get_stackid(ctx, &name, flags);		\
	}								\
	struct __tg_map_##name

/* ---- maps of programs and sockets --------------------------------------- */

/*
 * TG_MAP_PROG_ARRAY - a table of @max programs for tail calls. The optional
 * arguments fill it at load time with programs defined in the same object
 * (declare them first):
 *
 *	int on_tcp(struct xdp_md *ctx);
 *	TG_MAP_PROG_ARRAY(jump, 256, [IPPROTO_TCP] = (void *)&on_tcp);
 *
 * Defines long name_tail_call(void *ctx, __u32 index): jumps to the program
 * at @index and never returns, or returns a negative error if the slot is
 * empty (or the chain of tail calls is too long).
 */
#define TG_MAP_PROG_ARRAY(name, max, ...)				\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PROG_ARRAY);			\
		__uint(max_entries, max);				\
		__uint(key_size, sizeof(__u32));			\
		__array(values, int(void *));				\
	} name SEC(".maps") = { .values = { __VA_ARGS__ } };		\
	__TG_MAP_FN long						\
	name##_tail_call(void *ctx, __u32 index)			\
	{								\
		bpf_tail_call(ctx, &name, index);			\
		return -1;						\
	}								\
	struct __tg_map_##name

/*
 * TG_MAP_SOCKMAP - @max sockets, filled from user space (socket fds) or by
 * sock_ops programs. Defines
 *
 *	long name_update(struct bpf_sock_ops *ops, __u32 key, __u64 flags);
 *	long name_redirect_skb(struct __sk_buff *skb, __u32 key, __u64 flags);
 *	long name_redirect_msg(struct sk_msg_md *msg, __u32 key, __u64 flags);
 *
 * The redirects return SK_PASS, or SK_DROP if the slot is empty; pass
 * BPF_F_INGRESS in @flags to deliver to the socket's receive queue.
 */
#define TG_MAP_SOCKMAP(name, max)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_SOCKMAP);			\
		__uint(max_entries, max);				\
		__type(key, __u32);					\
		__type(value, __u64);					\
	} name SEC(".maps");						\
	__TG_MAP_FN long						\
	name##_update(struct bpf_sock_ops *ops, __u32 key, __u64 flags)	\
	{								\
		return bpf_sock_map_update(ops, &name, &key, flags);	\
	}								\
	__TG_MAP_FN long						\
	name##_redirect_skb(struct __sk_buff *skb, __u32 key,		\
			    __u64 flags)				\
	{								\
		return bpf_sk_redirect_map(skb, &name, key, flags);	\
	}								\
	__TG_MAP_FN long						\
	name##_redirect_msg(struct sk_msg_md *msg, __u32 key,		\
			    __u64 flags)				\
	{								\
		return bpf_msg_redirect_map(msg, &name, key, flags);	\
	}								\
	struct __tg_map_##name

/*
 * TG_MAP_DEVMAP - @max network devices (ifindexes, set from user space) to
 * redirect XDP packets to. Defines long name_redirect(__u32 key, __u64
 * flags): XDP_REDIRECT, or, if slot @key is empty, the XDP action in the
 * low bits of @flags (XDP_PASS, XDP_DROP...). Return it from the program.
 */
#define TG_MAP_DEVMAP(name, max)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_DEVMAP);			\
		__uint(max_entries, max);				\
		__type(key, __u32);					\
		__type(value, __u32);					\
	} name SEC(".maps");						\
	__TG_MAP_FN long						\
	name##_redirect(__u32 key, __u64 flags)				\
	{								\
		return bpf_redirect_map(&name, key, flags);		\
	}								\
	struct __tg_map_##name

/*
 * TG_MAP_XSKMAP - AF_XDP sockets by receive queue (@max queues, set from user
 * space). Defines long name_redirect(__u32 queue, __u64 flags): XDP_REDIRECT
 * to the socket bound to @queue (usually ctx->rx_queue_index), or the XDP
 * action in @flags if there is none.
 */
#define TG_MAP_XSKMAP(name, max)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_XSKMAP);			\
		__uint(max_entries, max);				\
		__type(key, __u32);					\
		__type(value, __u32);					\
	} name SEC(".maps");						\
	__TG_MAP_FN long						\
	name##_redirect(__u32 queue, __u64 flags)			\
	{								\
		return bpf_redirect_map(&name, queue, flags);		\
	}								\
	struct __tg_map_##name

#endif /* __TYPEGEN_MAPS_H */
