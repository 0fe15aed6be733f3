/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dashboard's files as read-only data in the binary: the assembler
 * includes them (.incbin, paths from the repository root where make runs
 * the compiler), so they stay plain HTML, JavaScript and CSS in the tree,
 * readable and reviewable, with no generated C file. The Makefile makes
 * this object depend on them.
 */
#include "control/dashboard.h"

#define DASHBOARD_INCBIN(sym, path)                                                                \
	__asm__(".section .rodata\n"                                                               \
		".balign 16\n"                                                                     \
		".global " #sym "_start\n" #sym "_start:\n"                                        \
		".incbin \"" path "\"\n"                                                           \
		".global " #sym "_end\n" #sym "_end:\n"                                            \
		".byte 0\n"                                                                        \
		".previous\n");                                                                    \
	extern const char sym##_start[], sym##_end[];

DASHBOARD_INCBIN(dashboard_index, "control/dashboard/index.html")
DASHBOARD_INCBIN(dashboard_script, "control/dashboard/dashboard.js")
DASHBOARD_INCBIN(dashboard_style, "control/dashboard/dashboard.css")

struct dashboard_file dashboard_file(enum dashboard_file_id id)
{
	switch (id) {
	case DASHBOARD_SCRIPT:
		return (struct dashboard_file){
		    dashboard_script_start, (size_t)(dashboard_script_end - dashboard_script_start),
		    "text/javascript; charset=utf-8"};
	case DASHBOARD_STYLE:
		return (struct dashboard_file){
		    dashboard_style_start, (size_t)(dashboard_style_end - dashboard_style_start),
		    "text/css; charset=utf-8"};
	case DASHBOARD_INDEX:
	default:
		return (struct dashboard_file){
		    dashboard_index_start, (size_t)(dashboard_index_end - dashboard_index_start),
		    "text/html; charset=utf-8"};
	}
}
