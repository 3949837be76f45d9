// SPDX-License-Identifier: GPL-2.0
/* The one place the trace events are instantiated. */
#include <linux/module.h>

#define CREATE_TRACE_POINTS
#include "trace.h"
