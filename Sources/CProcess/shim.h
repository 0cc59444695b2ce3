// The one process control Swift cannot call directly: prctl(2) is variadic in C.
#ifndef PATHLINK_CPROCESS_SHIM_H
#define PATHLINK_CPROCESS_SHIM_H
#if defined(__linux__)
#include <sys/prctl.h>
/// Mark the process not dumpable: no core file, no ptrace or /proc/PID/mem by other
/// processes of the same user. Returns 0 on success, -1 with errno otherwise.
static inline int pathlink_set_not_dumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }
/// 1 when the process is dumpable, 0 when not, -1 on error.
static inline int pathlink_is_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }
/// Mark the process dumpable again (the key-custody test hook only; RLIMIT_CORE stays 0).
static inline int pathlink_set_dumpable(void) { return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); }
#else
static inline int pathlink_set_dumpable(void) { return 0; }
static inline int pathlink_set_not_dumpable(void) { return 0; }
static inline int pathlink_is_dumpable(void) { return 0; }
#endif
#endif
