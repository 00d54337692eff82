package io.paperalerts.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A memory figure of a process from Linux's {@code /proc/<pid>/status} (heap, RocksDB and the rest). */
final class ProcessStatus {

    private ProcessStatus() {}

    /**
     * @param process a pid, or {@code self}
     * @param field e.g. {@code VmRSS} (resident now) or {@code VmHWM} (peak resident)
     * @return the figure in MB, or -1 where the file or the field is missing
     */
    static long mb(String process, String field) throws IOException {
        Path status = Path.of("/proc", process, "status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
