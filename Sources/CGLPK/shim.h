// GLPK (GNU Linear Programming Kit), used only by the disclosure audit.
#ifndef PATHLINK_CGLPK_SHIM_H
#define PATHLINK_CGLPK_SHIM_H
#include <glpk.h>
#endif
