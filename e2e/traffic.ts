import * as http from "http";

/**
 * Real requests from the host to a Service on the real node: bounded loops,
 * each request on a new connection (so kube-proxy picks an endpoint anew),
 * with what podinfo answers (its pod's hostname, colour and message) tallied.
 */

/** One answer, or why there was none. */
export interface Answer {
    status: number;
    /** podinfo's JSON fields, when the body is podinfo's JSON. */
    hostname?: string;
    color?: string;
    message?: string;
    /** Set when the request failed (no answer, or not 200). */
    error?: string;
}

/** What a loop saw. */
export interface LoopResult {
    sent: number;
    /** Requests without a 200, with their errors (the first few). */
    failed: number;
    errors: string[];
    /** Answers per podinfo hostname (pod name). */
    byHost: Record<string, number>;
    /** Answers per podinfo colour. */
    byColor: Record<string, number>;
    /** Answers per message. */
    byMessage: Record<string, number>;
}

/** One GET on a fresh connection, with a timeout; never throws. */
export function request(url: string, timeoutMs = 5000, method = "GET"): Promise<Answer> {
    return new Promise((resolve) => {
        const req = http.request(
            url,
            { method, agent: false, headers: { accept: "application/json" }, timeout: timeoutMs },
            (res) => {
                let body = "";
                res.setEncoding("utf8");
                res.on("data", (c: string) => (body += c));
                res.on("end", () => resolve(answer(res.statusCode ?? 0, body)));
            },
        );
        req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
        req.on("error", (err) => resolve({ status: 0, error: `${method} ${url}: ${err.message}` }));
        req.end();
    });
}

function answer(status: number, body: string): Answer {
    let json: Record<string, unknown> = {};
    try {
        json = JSON.parse(body) as Record<string, unknown>;
    } catch {
        // not JSON: the fields stay unset
    }
    const field = (k: string) => (typeof json[k] === "string" ? json[k] : undefined);
    return {
        status,
        hostname: field("hostname"),
        color: field("color"),
        message: field("message"),
        ...(status === 200 ? {} : { error: `status ${status}: ${body.slice(0, 200)}` }),
    };
}

/** An empty tally. */
export function emptyResult(): LoopResult {
    return { sent: 0, failed: 0, errors: [], byHost: {}, byColor: {}, byMessage: {} };
}

/** Adds one answer to a tally. */
export function tally(result: LoopResult, a: Answer): void {
    result.sent++;
    if (a.error) {
        result.failed++;
        if (result.errors.length < 10) result.errors.push(a.error);
        return;
    }
    const inc = (m: Record<string, number>, k?: string) =>
        k !== undefined && (m[k] = (m[k] ?? 0) + 1);
    inc(result.byHost, a.hostname);
    inc(result.byColor, a.color);
    inc(result.byMessage, a.message);
}

/** `count` requests to `url`, one after another. */
export async function requestLoop(url: string, count: number): Promise<LoopResult> {
    const result = emptyResult();
    for (let i = 0; i < count; i++) tally(result, await request(url));
    return result;
}

/** A load that runs until stopped, or until its bounds: at most `maxRequests`, for at most `maxMs`. */
export function startLoad(urls: string[], maxRequests: number, maxMs: number) {
    const result = emptyResult();
    const deadline = performance.now() + maxMs;
    let stopping = false;
    const done = (async () => {
        for (let i = 0; !stopping && i < maxRequests && performance.now() < deadline; i++) {
            tally(result, await request(urls[i % urls.length]));
        }
    })();
    return {
        result,
        /** Stops the load and resolves with what it saw. */
        stop: async (): Promise<LoopResult> => {
            stopping = true;
            await done;
            return result;
        },
    };
}
