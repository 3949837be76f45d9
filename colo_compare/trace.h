/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of the COLO comparator:
 *   perf trace -e 'colo:*'  or  /sys/kernel/tracing/events/colo/
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM colo

#if !defined(_COLO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _COLO_TRACE_H

#include <linux/skbuff.h>
#include <linux/tracepoint.h>

TRACE_EVENT(colo_enqueue,
	    TP_PROTO(u32 group, const struct sk_buff *skb, bool secondary,
		     u32 flow_bytes),
	    TP_ARGS(group, skb, secondary, flow_bytes),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(const void *, skb)
			     __field(u32, len)
			     __field(bool, secondary)
			     __field(u32, flow_bytes)),
	    TP_fast_assign(__entry->group = group;
			   __entry->skb = skb;
			   __entry->len = skb->len;
			   __entry->secondary = secondary;
			   __entry->flow_bytes = flow_bytes;),
	    TP_printk("group=%u skb=%p len=%u side=%s flow_bytes=%u",
		      __entry->group, __entry->skb, __entry->len,
		      __entry->secondary ? "secondary" : "primary",
		      __entry->flow_bytes)
);

TRACE_EVENT(colo_release,
	    TP_PROTO(u32 group, const struct sk_buff *skb),
	    TP_ARGS(group, skb),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(const void *, skb)
			     __field(u32, len)),
	    TP_fast_assign(__entry->group = group;
			   __entry->skb = skb;
			   __entry->len = skb->len;),
	    TP_printk("group=%u skb=%p len=%u",
		      __entry->group, __entry->skb, __entry->len)
);

TRACE_EVENT(colo_miscompare,
	    TP_PROTO(u32 group, u8 cls),
	    TP_ARGS(group, cls),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(u8, cls)),
	    TP_fast_assign(__entry->group = group;
			   __entry->cls = cls;),
	    TP_printk("group=%u class=%u", __entry->group, __entry->cls)
);

TRACE_EVENT(colo_checkpoint_request,
	    TP_PROTO(u32 group, u8 reason),
	    TP_ARGS(group, reason),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(u8, reason)),
	    TP_fast_assign(__entry->group = group;
			   __entry->reason = reason;),
	    TP_printk("group=%u reason=%u", __entry->group, __entry->reason)
);

#endif /* _COLO_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
