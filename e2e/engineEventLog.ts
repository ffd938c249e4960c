import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";

/**
 * The engine events of a `pulumi up --event-log <file>`, one JSON object a
 * line, from its text so far. A last line without its newline may still be
 * being written, so it waits for the next read; any other line that isn't
 * JSON throws, naming its line number.
 */
export function parseEventLog(text: string): EngineEvent[] {
    const lines = text.split("\n");
    lines.pop(); // the text after the last newline: empty, or a line still being written
    return lines
        .map((line, i) => ({ line: line.trim(), number: i + 1 }))
        .filter(({ line }) => line !== "")
        .map(({ line, number }) => {
            try {
                return JSON.parse(line) as EngineEvent;
            } catch (err) {
                throw new Error(
                    `event log line ${number} is not JSON (${(err as Error).message}): ${line.slice(0, 120)}`,
                );
            }
        });
}

/** Which engine event to wait for: a step starting on a resource. */
export interface StepMatch {
    /** The step's operation, e.g. `create`, `update`, `delete`. */
    op: OpType;
    /** The resource's type token, e.g. `kubernetes:apps/v1:Deployment`. @default any */
    type?: string;
}

/**
 * Whether `event` is the start of a real step (a `resourcePreEvent` outside
 * any preview) of the operation and resource type `match` names.
 */
export function isStepStart(event: EngineEvent, match: StepMatch): boolean {
    const pre = event.resourcePreEvent;
    if (!pre || pre.planning) {
        return false;
    }
    return pre.metadata.op === match.op && (!match.type || pre.metadata.type === match.type);
}

/** A step as a message names it: `create kubernetes:apps/v1:Deployment (urn)`. */
export function describeStep(event: EngineEvent): string {
    const m = event.resourcePreEvent?.metadata;
    return m ? `${m.op} ${m.type} (${m.urn})` : `event ${event.sequence}`;
}
