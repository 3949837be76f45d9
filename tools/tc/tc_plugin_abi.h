/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of the iproute2 tc plugin ABI that m_colo.so uses, declared here
 * because no iproute2 development headers are packaged.
 *
 * Checked against iproute2 v6.1.0 (tc/tc_util.h, include/utils.h,
 * include/libnetlink.h, include/json_print.h, include/color.h); the layout
 * of struct action_util is unchanged from v5.10 up to at least v6.18 (later
 * versions only add const to its first argument).  tc exports these symbols
 * because it is linked with -Wl,-export-dynamic; "make check-abi" verifies
 * that every symbol the plugin imports is really exported by the tc binary,
 * since tc silently falls back to the gact action when the plugin fails to
 * load.
 */
#ifndef COLO_TC_PLUGIN_ABI_H
#define COLO_TC_PLUGIN_ABI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/pkt_cls.h>	/* struct tcf_t, TC_ACT_* */

/* tc_util.h */
#define MAX_MSG		16384	/* size of the request buffer tc passes us */
#define FILTER_NAMESZ	16

struct action_util {
	struct action_util *next;
	char id[FILTER_NAMESZ];
	int (*parse_aopt)(struct action_util *a, int *argc, char ***argv,
			  int code, struct nlmsghdr *n);
	int (*print_aopt)(struct action_util *au, FILE *f, struct rtattr *opt);
	int (*print_xstats)(struct action_util *au, FILE *f,
			    struct rtattr *xstats);
};

void parse_action_control_dflt(int *argc_p, char ***argv_p, int *result_p,
			       bool allow_num, int default_result);
void print_action_control(FILE *f, const char *prefix, int action,
			  const char *suffix);
void print_tm(FILE *f, const struct tcf_t *tm);

/* utils.h: set by "tc -s" */
extern int show_stats;

/* libnetlink.h */
int addattr8(struct nlmsghdr *n, int maxlen, int type, __u8 data);
int addattr32(struct nlmsghdr *n, int maxlen, int type, __u32 data);
int addattr_l(struct nlmsghdr *n, int maxlen, int type,
	      const void *data, int alen);
struct rtattr *addattr_nest(struct nlmsghdr *n, int maxlen, int type);
int addattr_nest_end(struct nlmsghdr *n, struct rtattr *nest);
int parse_rtattr_flags(struct rtattr *tb[], int max, struct rtattr *rta,
		       int len, unsigned short flags);

/*
 * json_print.h: print_uint() and friends are static inline wrappers there
 * around the exported print_color_*() functions, called with COLOR_NONE.
 */
enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = 4,
};

#define COLO_TC_COLOR_NONE	6	/* color.h: enum color_attr COLOR_NONE */

int print_color_string(enum output_type t, int color, const char *key,
		       const char *fmt, const char *value);
int print_color_uint(enum output_type t, int color, const char *key,
		     const char *fmt, unsigned int value);
int print_color_int(enum output_type t, int color, const char *key,
		    const char *fmt, int value);
int print_color_u64(enum output_type t, int color, const char *key,
		    const char *fmt, uint64_t value);
void print_nl(void);

#define print_string(t, key, fmt, v) \
	print_color_string(t, COLO_TC_COLOR_NONE, key, fmt, v)
#define print_uint(t, key, fmt, v) \
	print_color_uint(t, COLO_TC_COLOR_NONE, key, fmt, v)
#define print_int(t, key, fmt, v) \
	print_color_int(t, COLO_TC_COLOR_NONE, key, fmt, v)
#define print_u64(t, key, fmt, v) \
	print_color_u64(t, COLO_TC_COLOR_NONE, key, fmt, v)

#endif /* COLO_TC_PLUGIN_ABI_H */
