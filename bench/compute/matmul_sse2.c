/* matmul compiled with -msse2 -mfpmath=sse (see matmul_impl.h and
 * CMakeLists.txt): scalar SSE2 in the guest. */
#include "matmul_impl.h"

uint32_t kernel_matmul_sse2(uint32_t scale)
{
    return matmul_run(scale);
}
