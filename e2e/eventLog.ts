import * as fs from "fs";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { Running } from "./background";
import { isStepStart, parseEventLog, StepMatch } from "./engineEventLog";

/** Options for {@link waitForStep}. */
export interface TailOptions {
    /** Give up after this many milliseconds. @default 120000 */
    timeoutMs?: number;
    /** Read the file this often. @default 50 */
    intervalMs?: number;
}

/**
 * Tails the event log `file` of the running `pulumi up` until a step that
 * `match` describes starts, and returns its event. Throws, naming the step,
 * if the command ends first or the time runs out: a fault meant for that
 * moment would land elsewhere.
 */
export async function waitForStep(
    file: string,
    running: Running,
    match: StepMatch,
    { timeoutMs = 120_000, intervalMs = 50 }: TailOptions = {},
): Promise<EngineEvent> {
    const what = `a ${match.op} of ${match.type ?? "any resource"} to start`;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
        const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        const found = parseEventLog(text).find((e) => isStepStart(e, match));
        if (found) {
            return found;
        }
        if (running.exited()) {
            const r = await running.result;
            throw new Error(
                `\`${running.command}\` exited with ${r.code} before ${what}\n${r.stdout}\n${r.stderr}`,
            );
        }
        if (performance.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} in ${file}`);
        }
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}
