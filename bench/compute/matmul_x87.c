/* matmul with the guest's default floating point: x87 (see matmul_impl.h). */
#include "matmul_impl.h"

uint32_t kernel_matmul_x87(uint32_t scale)
{
    return matmul_run(scale);
}
