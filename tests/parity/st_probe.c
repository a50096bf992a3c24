// SPDX-License-Identifier: GPL-2.0
/*
 * What a user of the struct_ops map can observe, printed so that two
 * kernels can be compared line by line (make parity runs it on the control
 * and on the series):
 *
 *   errno/<case> <result>      the result of one bad (or good) input to
 *                              BPF_MAP_CREATE/UPDATE/DELETE/LOOKUP or to a
 *                              tcp_congestion_ops program load: 0 or an
 *                              errno name
 *   helper/<member>/<id> OK    helper <id> is available to a
 *                              tcp_congestion_ops program for <member>
 *
 * Raw bpf() through libbpf's low-level API; vmlinux BTF gives the layout.
 * usage: st_probe
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

static struct btf *vmlinux;
static int user_btf_fd;
static __u32 ops_id, value_id, value_size, data_off;

static const char *err_name(int err)
{
	static char buf[16];

	switch (err) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EINPROGRESS: return "EINPROGRESS";
	case ENOTSUPP: return "ENOTSUPP";
	}
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

/* Is @name in the available list? */
static bool listed(const char *name)
{
	char buf[4096], *tok, *save;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "r");
	bool found = false;

	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f))
		for (tok = strtok_r(buf, " \n", &save); tok && !found;
		     tok = strtok_r(NULL, " \n", &save))
			found = !strcmp(tok, name);
	fclose(f);
	return found;
}

static void result(const char *what, int ret)
{
	printf("errno/%s %s\n", what, err_name(ret < 0 ? errno : 0));
}

/* Offset in struct tcp_congestion_ops and index of member @name. */
static int member(const char *name, __u32 *off)
{
	const struct btf_type *t = btf__type_by_id(vmlinux, ops_id);
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(vmlinux, m->name_off), name))
			continue;
		if (off)
			*off = btf_member_bit_offset(t, i) / 8;
		return i;
	}
	fprintf(stderr, "no member %s in struct tcp_congestion_ops\n", name);
	exit(1);
}

static int setup(void)
{
	const struct btf_type *vt;
	struct btf *ubtf;
	int id;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return -1;
	id = btf__find_by_name_kind(vmlinux, "tcp_congestion_ops", BTF_KIND_STRUCT);
	if (id < 0)
		return -1;
	ops_id = id;
	id = btf__find_by_name_kind(vmlinux, "bpf_struct_ops_tcp_congestion_ops",
				    BTF_KIND_STRUCT);
	if (id < 0)
		return -1;
	value_id = id;
	vt = btf__type_by_id(vmlinux, value_id);
	value_size = vt->size;
	data_off = btf_member_bit_offset(vt, btf_vlen(vt) - 1) / 8;

	/* Both kernels want a BTF fd with the map, as libbpf always passes. */
	ubtf = btf__new_empty();
	if (!ubtf || btf__add_int(ubtf, "int", 4, BTF_INT_SIGNED) < 0 ||
	    btf__load_into_kernel(ubtf))
		return -1;
	user_btf_fd = btf__fd(ubtf);
	return 0;
}

static int create(__u32 key_size, __u32 vsize, __u32 max, __u32 flags, __u32 vtype)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts,
		.btf_fd = user_btf_fd,
		.btf_vmlinux_value_type_id = vtype,
		.map_flags = flags,
	);

	return bpf_map_create(BPF_MAP_TYPE_STRUCT_OPS, "st_probe", key_size, vsize,
			      max, &opts);
}

static int load(const char *mname, const struct bpf_insn *insns, size_t cnt,
		char *log, size_t log_size)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		.attach_btf_id = ops_id,
		.expected_attach_type = member(mname, NULL),
		.log_buf = log,
		.log_size = log_size,
		.log_level = log ? 1 : 0,
	);

	return bpf_prog_load(BPF_PROG_TYPE_STRUCT_OPS, NULL, "GPL", insns, cnt, &opts);
}

/* A program for @mname that returns @ret: enough for every member used. */
static int prog(const char *mname, int ret)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return load(mname, insns, 2, NULL, 0);
}

/* A complete value named @name: ssthresh, undo_cwnd and cong_avoid set. */
static void *value(const char *name, int ssthresh, int undo, int avoid)
{
	char *v = calloc(1, value_size), *data = v + data_off;
	__u32 off;

	member("ssthresh", &off);
	*(__u64 *)(data + off) = ssthresh;
	member("undo_cwnd", &off);
	*(__u64 *)(data + off) = undo;
	member("cong_avoid", &off);
	*(__u64 *)(data + off) = avoid;
	member("name", &off);
	strncpy(data + off, name, 15);
	return v;
}

/* Update @map with a value made by value() and print the result as @what. */
static void update_case(int map, const char *what, const char *name,
			int ssthresh, int undo, int avoid)
{
	void *v = value(name, ssthresh, undo, avoid);
	__u32 zero = 0;

	result(what, bpf_map_update_elem(map, &zero, v, 0));
	free(v);
}

static void probe_errnos(void)
{
	int ssthresh = prog("ssthresh", 2), undo = prog("undo_cwnd", 2);
	int avoid = prog("cong_avoid", 0), map, fd;
	__u32 zero = 0, one = 1, off;
	char log[4096] = "";
	void *v;

	if (ssthresh < 0 || undo < 0 || avoid < 0) {
		perror("loading the programs");
		exit(1);
	}

	result("create-ok", fd = create(4, value_size, 1, 0, value_id));
	close(fd);
	result("create-key_size-8", create(8, value_size, 1, 0, value_id));
	result("create-value_size-wrong", create(4, value_size + 8, 1, 0, value_id));
	result("create-max_entries-2", create(4, value_size, 2, 0, value_id));
	result("create-map_flags-rdonly", create(4, value_size, 1, BPF_F_RDONLY, value_id));
	result("create-value_type-0", create(4, value_size, 1, 0, 0));
	result("create-value_type-1", create(4, value_size, 1, 0, 1));
	result("create-value_type-not-wrapper", create(4, value_size, 1, 0, ops_id));

	map = create(4, value_size, 1, 0, value_id);
	if (map < 0) {
		perror("create");
		exit(1);
	}
	v = value("st_probe", ssthresh, undo, avoid);
	result("delete-before-update", bpf_map_delete_elem(map, &zero));
	result("lookup-key-1", bpf_map_lookup_elem(map, &one, v));
	result("update-key-1", bpf_map_update_elem(map, &one, v, 0));
	result("update-flags-exist", bpf_map_update_elem(map, &zero, v, BPF_EXIST));
	((__u32 *)v)[0] = 1;
	result("update-refcnt-1", bpf_map_update_elem(map, &zero, v, 0));
	((__u32 *)v)[0] = 0;
	((__u32 *)v)[1] = 1;
	result("update-state-1", bpf_map_update_elem(map, &zero, v, 0));
	((__u32 *)v)[1] = 0;
	member("owner", &off);
	*(__u64 *)((char *)v + data_off + off) = 1;
	result("update-owner-set", bpf_map_update_elem(map, &zero, v, 0));
	/* Whatever the errno, nothing may be registered. */
	printf("errno/update-owner-set-listed %s\n",
	       listed("st_probe") ? "listed" : "not-listed");
	*(__u64 *)((char *)v + data_off + off) = 0;
	free(v);
	update_case(map, "update-name-space", "foo bar", ssthresh, undo, avoid);
	update_case(map, "update-name-dash", "a-b", ssthresh, undo, avoid);
	update_case(map, "update-name-control-byte", "st_\x80", ssthresh, undo, avoid);
	update_case(map, "update-name-empty", "", ssthresh, undo, avoid);
	update_case(map, "update-name-taken", "reno", ssthresh, undo, avoid);
	update_case(map, "update-ssthresh-missing", "st_probe", 0, undo, avoid);
	update_case(map, "update-slot-bad-fd", "st_probe", ssthresh, undo, 9999);
	update_case(map, "update-slot-other-member", "st_probe", undo, undo, avoid);
	v = value("st.probe_1", ssthresh, undo, avoid);
	result("update-ok", bpf_map_update_elem(map, &zero, v, 0));
	result("update-second", bpf_map_update_elem(map, &zero, v, 0));
	result("lookup-ok", bpf_map_lookup_elem(map, &zero, v));
	free(v);
	result("delete-ok", bpf_map_delete_elem(map, &zero));
	result("delete-second", bpf_map_delete_elem(map, &zero));
	close(map);

	/* A letter of ISO 8859-1, which the kernel's isalnum() takes. */
	map = create(4, value_size, 1, 0, value_id);
	update_case(map, "update-name-latin1-letter", "st_\xe9", ssthresh, undo, avoid);
	bpf_map_delete_elem(map, &zero);
	close(map);

	/* A registered struct and a delete with a key other than 0. */
	map = create(4, value_size, 1, 0, value_id);
	v = value("st_probe2", ssthresh, undo, avoid);
	if (map < 0 || bpf_map_update_elem(map, &zero, v, 0)) {
		perror("registering st_probe2");
		exit(1);
	}
	free(v);
	result("delete-key-1", bpf_map_delete_elem(map, &one));
	bpf_map_delete_elem(map, &zero);
	close(map);

	{
		struct bpf_insn insns[] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};

		fd = load("get_info", insns, 2, log, sizeof(log));
		result("prog-load-get_info", fd);
		if (fd >= 0)
			close(fd);
	}
	close(ssthresh);
	close(undo);
	close(avoid);
}

/* The helpers a program for @mname may call, as libbpf's probe finds them. */
static void probe_helpers(const char *mname)
{
	static char log[8192];
	int id, fd;

	for (id = 1; id < __BPF_FUNC_MAX_ID; id++) {
		struct bpf_insn insns[] = {
			{ .code = BPF_JMP | BPF_CALL, .imm = id },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};

		log[0] = '\0';
		fd = load(mname, insns, 3, log, sizeof(log));
		if (fd >= 0)
			close(fd);
		if (fd >= 0 || (!strstr(log, "invalid func ") && !strstr(log, "unknown func ")))
			printf("helper/%s/%d OK\n", mname, id);
	}
}

int main(int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: %s\n", argv[0]);
		return 2;
	}
	if (setup()) {
		perror("st_probe: vmlinux BTF or a BTF fd");
		return 1;
	}
	probe_errnos();
	probe_helpers("cong_avoid");
	probe_helpers("release");
	return 0;
}
