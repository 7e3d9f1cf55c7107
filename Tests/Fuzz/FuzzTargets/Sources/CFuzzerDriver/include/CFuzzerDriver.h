// libFuzzer's driver, called from each fuzz target's @main: SwiftPM links an executable through its own renamed
// entry point (`<module>_main`), so libFuzzer's `main` is never the one that runs.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
