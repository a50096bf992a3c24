// SPDX-License-Identifier: GPL-2.0
/*
 * st_regbench: what registering a struct_ops congestion control costs, in
 * time and in kernel memory.
 *
 * usage: st_regbench OBJ cycles N
 *        st_regbench OBJ memory K
 *
 * OBJ is bench_reno.bpf.o.  libbpf opens and loads it, which loads its
 * four programs (and creates libbpf's own two struct_ops maps, which are
 * never registered); the structs registered here use bpf_reno's three.  Registration itself is done with raw bpf() commands, with
 * the layout of the map value read from the running kernel's BTF, so the
 * tool works unchanged on any 6.1-compatible kernel:
 *
 *   register    BPF_MAP_CREATE of a BPF_MAP_TYPE_STRUCT_OPS map whose value
 *               type is vmlinux's struct bpf_struct_ops_tcp_congestion_ops,
 *               then BPF_MAP_UPDATE_ELEM of key 0 with a value whose "data"
 *               (a struct tcp_congestion_ops) holds a new name and, in each
 *               function pointer slot, a program fd as a 64-bit integer
 *   unregister  BPF_MAP_DELETE_ELEM of key 0, then close() of the map
 *
 * cycles N: times N register + unregister cycles (after 20 warm-up cycles)
 * with CLOCK_MONOTONIC and prints the median, 10th and 90th percentiles of
 * a cycle, and the medians of its two halves (unregister includes the
 * synchronize_rcu() of TCP's unregister, and so most of the spread):
 *
 *   regbench: cycles=N median=<us> p10=<us> p90=<us> reg_median=<us>
 *             unreg_median=<us> us/cycle
 *
 * memory K: reads Slab, SUnreclaim, VmallocUsed and Percpu from
 * /proc/meminfo, the pages of /proc/vmallocinfo and the bytes of the slab
 * objects in use (/proc/slabinfo: active_objs x objsize), registers K structs
 * and keeps them, waits 1 s, reads again and prints the differences, in
 * total and per struct; then unregisters them all.
 *
 * Any failing call is reported (call, errno, message) with exit status 1;
 * the structs registered so far are unregistered first.
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __noreturn	__attribute__((noreturn))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

#define WARMUP_CYCLES	20
#define VALUE_TYPE	"bpf_struct_ops_tcp_congestion_ops"
#define OPS_TYPE	"tcp_congestion_ops"

/* The programs of OBJ, and the struct member each one implements. */
static const struct {
	const char *prog;
	const char *member;
} slots[] = {
	{ "bpf_reno_ssthresh", "ssthresh" },
	{ "bpf_reno_cong_avoid", "cong_avoid" },
	{ "bpf_reno_undo_cwnd", "undo_cwnd" },
};
#define NR_SLOTS	ARRAY_SIZE(slots)

/* The value written by a registration, read from vmlinux BTF. */
static struct {
	__u32 type_id;		/* of struct bpf_struct_ops_tcp_congestion_ops */
	__u32 size;
	__u32 name_off;		/* of data.name, in the value */
	__u32 name_len;
	__u32 slot_off[NR_SLOTS];	/* of data.<member>, in the value */
	int prog_fd[NR_SLOTS];
	/*
	 * The object's BTF: BPF_MAP_CREATE wants a valid btf_fd with a
	 * btf_vmlinux_value_type_id, as libbpf passes it.
	 */
	int btf_fd;
} layout;

static unsigned int next_name;

/* The maps registered and not yet unregistered (memory mode). */
static int *live_fds;
static unsigned int nr_live;

static void unregister_live(void);

static void __noreturn __printf(1, 2) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "regbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	unregister_live();
	exit(1);
}

static void __noreturn die_errno(const char *call)
{
	int err = errno;

	die("%s failed: errno %d (%s)", call, err, strerror(err));
}

/* Byte offset of member @name of struct @t, or -1. */
static long member_offset(const struct btf *btf, const struct btf_type *t, const char *name,
			  __u32 *type_id)
{
	const struct btf_member *m = btf_members(t);
	__u16 i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		__u32 bits = btf_member_bit_offset(t, i);

		if (strcmp(btf__name_by_offset(btf, m->name_off), name))
			continue;
		if (bits % 8)
			return -1;
		if (type_id)
			*type_id = m->type;
		return bits / 8;
	}
	return -1;
}

static void read_layout(struct bpf_object *obj)
{
	const struct btf_type *value, *ops, *name_t;
	__u32 data_type, name_type;
	long data_off, off;
	struct btf *btf;
	__s32 id;
	size_t i;

	btf = btf__load_vmlinux_btf();
	if (!btf)
		die_errno("btf__load_vmlinux_btf()");

	id = btf__find_by_name_kind(btf, VALUE_TYPE, BTF_KIND_STRUCT);
	if (id < 0)
		die("vmlinux BTF has no struct %s: is this kernel built with struct_ops?",
		    VALUE_TYPE);
	layout.type_id = id;
	value = btf__type_by_id(btf, id);
	layout.size = value->size;

	data_off = member_offset(btf, value, "data", &data_type);
	if (data_off < 0)
		die("struct %s has no member data", VALUE_TYPE);
	ops = btf__type_by_id(btf, btf__resolve_type(btf, data_type));
	if (!ops || !btf_is_struct(ops) ||
	    strcmp(btf__name_by_offset(btf, ops->name_off), OPS_TYPE))
		die("%s.data is not a struct %s", VALUE_TYPE, OPS_TYPE);

	off = member_offset(btf, ops, "name", &name_type);
	if (off < 0)
		die("struct %s has no member name", OPS_TYPE);
	name_t = btf__type_by_id(btf, name_type);
	if (!name_t || !btf_is_array(name_t) || btf_array(name_t)->nelems < 2)
		die("%s.name is not a char array", OPS_TYPE);
	layout.name_off = data_off + off;
	layout.name_len = btf_array(name_t)->nelems;

	for (i = 0; i < NR_SLOTS; i++) {
		struct bpf_program *prog;

		off = member_offset(btf, ops, slots[i].member, NULL);
		if (off < 0)
			die("struct %s has no member %s", OPS_TYPE, slots[i].member);
		layout.slot_off[i] = data_off + off;
		if (layout.slot_off[i] + sizeof(__u64) > layout.size)
			die("%s.data.%s is past the value's end", VALUE_TYPE, slots[i].member);

		prog = bpf_object__find_program_by_name(obj, slots[i].prog);
		if (!prog)
			die("the object has no program %s", slots[i].prog);
		layout.prog_fd[i] = bpf_program__fd(prog);
		if (layout.prog_fd[i] < 0)
			die("program %s is not loaded", slots[i].prog);
	}
	btf__free(btf);
	layout.btf_fd = bpf_object__btf_fd(obj);
	if (layout.btf_fd < 0)
		die("the object has no BTF");
}

/* Create a struct_ops map and register it under a new name; its fd. */
static int register_one(void *value)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts,
		.btf_fd = layout.btf_fd,
		.btf_vmlinux_value_type_id = layout.type_id,
	);
	char name[16];
	int zero = 0;
	size_t i;
	int fd;

	snprintf(name, sizeof(name), "stb_%u", next_name++);
	memset(value, 0, layout.size);
	snprintf((char *)value + layout.name_off, layout.name_len, "%s", name);
	for (i = 0; i < NR_SLOTS; i++) {
		__u64 prog_fd = layout.prog_fd[i];

		memcpy((char *)value + layout.slot_off[i], &prog_fd, sizeof(prog_fd));
	}

	fd = bpf_map_create(BPF_MAP_TYPE_STRUCT_OPS, name, sizeof(zero), layout.size, 1, &opts);
	if (fd < 0)
		die_errno("bpf_map_create(BPF_MAP_TYPE_STRUCT_OPS)");
	if (bpf_map_update_elem(fd, &zero, value, 0)) {
		int err = errno;

		close(fd);
		errno = err;
		die_errno("bpf_map_update_elem() (registration)");
	}
	return fd;
}

static void unregister_one(int fd)
{
	int zero = 0;

	if (bpf_map_delete_elem(fd, &zero))
		die_errno("bpf_map_delete_elem() (unregistration)");
	if (close(fd))
		die_errno("close() of the map");
}

/* Best effort, on the way out after an error: keeps going on failure. */
static void unregister_live(void)
{
	int zero = 0;

	while (nr_live) {
		int fd = live_fds[--nr_live];

		bpf_map_delete_elem(fd, &zero);
		close(fd);
	}
}

static double now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die_errno("clock_gettime(CLOCK_MONOTONIC)");
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted @v. */
static double percentile(const double *v, unsigned long n, unsigned int pct)
{
	unsigned long rank = (n * pct + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

static double median(double *v, unsigned long n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void bench_cycles(unsigned long n, void *value)
{
	double *t, *reg, *unreg, med;
	unsigned long i;

	t = calloc(3 * n, sizeof(*t));
	if (!t)
		die_errno("calloc()");
	reg = t + n;
	unreg = t + 2 * n;

	for (i = 0; i < WARMUP_CYCLES + n; i++) {
		double t0, t1, t2;
		int fd;

		t0 = now_us();
		fd = register_one(value);
		t1 = now_us();
		unregister_one(fd);
		t2 = now_us();
		if (i < WARMUP_CYCLES)
			continue;
		t[i - WARMUP_CYCLES] = t2 - t0;
		reg[i - WARMUP_CYCLES] = t1 - t0;
		unreg[i - WARMUP_CYCLES] = t2 - t1;
	}

	/* median() sorts: t is in order for the percentiles too. */
	med = median(t, n);
	printf("regbench: cycles=%lu median=%.1f p10=%.1f p90=%.1f reg_median=%.1f unreg_median=%.1f us/cycle\n",
	       n, med, percentile(t, n, 10), percentile(t, n, 90),
	       median(reg, n), median(unreg, n));
	free(t);
}

struct mem {
	long long slab_kb, sunreclaim_kb, vmalloc_kb, percpu_kb;
	long long vmalloc_pages;
	/* The objects in use, by /proc/slabinfo: active_objs x objsize. */
	long long slab_obj_bytes;
};

static void read_mem(struct mem *m)
{
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
		{ "Slab:", offsetof(struct mem, slab_kb) },
		{ "SUnreclaim:", offsetof(struct mem, sunreclaim_kb) },
		{ "VmallocUsed:", offsetof(struct mem, vmalloc_kb) },
		{ "Percpu:", offsetof(struct mem, percpu_kb) },
	};
	unsigned int found = 0;
	char line[512];
	size_t i;
	FILE *f;

	memset(m, 0, sizeof(*m));
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die_errno("fopen(/proc/meminfo)");
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; i < ARRAY_SIZE(fields); i++) {
			size_t len = strlen(fields[i].key);

			if (strncmp(line, fields[i].key, len))
				continue;
			*(long long *)((char *)m + fields[i].off) = strtoll(line + len, NULL, 10);
			found |= 1U << i;
		}
	}
	fclose(f);
	if (found != (1U << ARRAY_SIZE(fields)) - 1)
		die("/proc/meminfo lacks one of Slab, SUnreclaim, VmallocUsed, Percpu");

	f = fopen("/proc/vmallocinfo", "r");
	if (!f)
		die_errno("fopen(/proc/vmallocinfo)");
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, " pages=");

		if (p)
			m->vmalloc_pages += strtoll(p + strlen(" pages="), NULL, 10);
	}
	fclose(f);

	f = fopen("/proc/slabinfo", "r");
	if (!f)
		die_errno("fopen(/proc/slabinfo)");
	while (fgets(line, sizeof(line), f)) {
		long long active, objsize;

		/* name active_objs num_objs objsize ... */
		if (sscanf(line, "%*s %lld %*s %lld", &active, &objsize) == 2)
			m->slab_obj_bytes += active * objsize;
	}
	fclose(f);
}

/* Room for @n more descriptors, if the hard limit allows. */
static void reserve_fds(unsigned long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		die_errno("getrlimit(RLIMIT_NOFILE)");
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < n + 64) {
		rl.rlim_cur = n + 64;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			die_errno("setrlimit(RLIMIT_NOFILE)");
	}
}

static void bench_memory(unsigned long k, void *value)
{
	long page = sysconf(_SC_PAGESIZE);
	struct mem before, after, d;
	unsigned long i;

	reserve_fds(k);
	live_fds = calloc(k, sizeof(*live_fds));
	if (!live_fds)
		die_errno("calloc()");

	read_mem(&before);
	for (i = 0; i < k; i++)
		live_fds[nr_live++] = register_one(value);
	sleep(1);
	read_mem(&after);

	d.slab_kb = after.slab_kb - before.slab_kb;
	d.sunreclaim_kb = after.sunreclaim_kb - before.sunreclaim_kb;
	d.vmalloc_kb = after.vmalloc_kb - before.vmalloc_kb;
	d.vmalloc_pages = after.vmalloc_pages - before.vmalloc_pages;
	d.percpu_kb = after.percpu_kb - before.percpu_kb;
	printf("regbench: memory structs=%lu slab_kB=%lld sunreclaim_kB=%lld vmalloc_kB=%lld vmalloc_pages=%lld percpu_kB=%lld\n",
	       k, d.slab_kb, d.sunreclaim_kb, d.vmalloc_kb, d.vmalloc_pages, d.percpu_kb);
	d.slab_obj_bytes = after.slab_obj_bytes - before.slab_obj_bytes;
	printf("regbench: memory per_struct slab_per_struct_B=%.1f sunreclaim_per_struct_B=%.1f vmalloc_per_struct_B=%.1f vmalloc_pages_per_struct_B=%.1f percpu_per_struct_B=%.1f slab_objects_per_struct_B=%.1f\n",
	       d.slab_kb * 1024.0 / k, d.sunreclaim_kb * 1024.0 / k, d.vmalloc_kb * 1024.0 / k,
	       (double)d.vmalloc_pages * page / k, d.percpu_kb * 1024.0 / k,
	       (double)d.slab_obj_bytes / k);

	while (nr_live)
		unregister_one(live_fds[--nr_live]);
	free(live_fds);
	live_fds = NULL;
}

static void __noreturn usage(const char *prog)
{
	fprintf(stderr, "usage: %s OBJ cycles N | %s OBJ memory K\n", prog, prog);
	exit(2);
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	unsigned long n;
	void *value;
	char *end;

	if (argc != 4)
		usage(argv[0]);
	errno = 0;
	n = strtoul(argv[3], &end, 10);
	if (errno || *end || !n || n > 1000000 ||
	    (strcmp(argv[2], "cycles") && strcmp(argv[2], "memory")))
		usage(argv[0]);

	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		die_errno("bpf_object__open_file()");
	if (bpf_object__load(obj))
		die_errno("bpf_object__load()");
	read_layout(obj);

	value = malloc(layout.size);
	if (!value)
		die_errno("malloc()");
	if (!strcmp(argv[2], "cycles"))
		bench_cycles(n, value);
	else
		bench_memory(n, value);

	free(value);
	bpf_object__close(obj);
	return 0;
}
