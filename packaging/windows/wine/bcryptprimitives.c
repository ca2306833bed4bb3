/* ProcessPrng for Wine 8 (Debian 12), which lacks bcryptprimitives.dll. Rust's standard
 * library takes its random bytes from ProcessPrng, which Windows 10 and 11 have; this stand-in
 * is put into the test prefix only, never into the installer. It asks RtlGenRandom
 * (advapi32's SystemFunction036), which Wine has. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
