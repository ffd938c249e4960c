import * as fs from "fs";
import { cpuMs } from "./common";

/**
 * Preloaded (`node -r`) into the unit-suite run, so the benchmark gets its
 * CPU time and peak RSS as well as its wall time: at exit, writes them as JSON
 * to the file named by BENCH_CPU_FILE.
 */
const out = process.env.BENCH_CPU_FILE;
if (out) {
    process.on("exit", () => {
        fs.writeFileSync(
            out,
            JSON.stringify({ cpuMs: cpuMs(), maxRssKb: process.resourceUsage().maxRSS }),
        );
    });
}
