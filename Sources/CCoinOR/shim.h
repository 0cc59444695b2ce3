// COIN-OR CLP (linear programs) and CBC (mixed-integer programs), EPL-2.0/EPL-1.0:
// used only by the Disclosure module, through its C interfaces.
#ifndef PATHLINK_CCOINOR_SHIM_H
#define PATHLINK_CCOINOR_SHIM_H
#include <coin/Clp_C_Interface.h>
#include <coin/Cbc_C_Interface.h>
#endif
