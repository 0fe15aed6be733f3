/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one piece of frame state that is not a flow's (app_frame.h): whether
 * a rule in force reads frames, per worker thread. Everything else about
 * frames is inline in app_frame.h or in the parsers that mark them.
 */
#include <stdbool.h>

#include "dataplane/app/app_frame.h"

/* Built unless the pipeline says no rule reads them (tests and fuzzing never do). */
__thread bool app_frames_wanted = true;
