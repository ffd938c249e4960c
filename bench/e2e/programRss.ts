import * as fs from "fs";

/**
 * Preloaded (NODE_OPTIONS=--require) into every Node.js process a measured
 * `pulumi` command starts. In the program's process (the one the language host
 * starts with @pulumi/pulumi's cmd/run), it appends the process's peak RSS in
 * KiB as a line to the file named by BENCH_PROGRAM_RSS_FILE at exit.
 */
const out = process.env.BENCH_PROGRAM_RSS_FILE;
if (out && /cmd[\\/]run/.test(process.argv[1] ?? "")) {
    process.on("exit", () => {
        fs.appendFileSync(out, `${process.resourceUsage().maxRSS}\n`);
    });
}
