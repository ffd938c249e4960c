import * as dgram from "dgram";

/**
 * A tiny authoritative DNS responder on loopback, for nginx's `resolver`: it
 * answers A queries for the names it holds, NXDOMAIN for others, and an empty
 * answer for other types. The test repoints a name with `set`, as a recreated
 * Kubernetes Service changes its ClusterIP.
 */
export class LoopbackDns {
    private readonly records = new Map<string, string>();
    private readonly socket = dgram.createSocket("udp4");
    /** Every name asked for, in order, for assertions. */
    readonly queries: string[] = [];

    /** Points `name` (without a trailing dot) at an IPv4 address. */
    set(name: string, ipv4: string): void {
        this.records.set(name.toLowerCase(), ipv4);
    }

    /** Binds to 127.0.0.1 on a free port; returns `127.0.0.1:<port>` for `resolver`. */
    async start(): Promise<string> {
        this.socket.on("message", (msg, peer) => {
            const reply = this.answer(msg);
            if (reply) {
                this.socket.send(reply, peer.port, peer.address);
            }
        });
        await new Promise<void>((resolve, reject) => {
            this.socket.once("error", reject);
            this.socket.bind(0, "127.0.0.1", () => resolve());
        });
        return `127.0.0.1:${this.socket.address().port}`;
    }

    /** Closes the socket. */
    stop(): Promise<void> {
        return new Promise((resolve) => this.socket.close(() => resolve()));
    }

    private answer(query: Buffer): Buffer | undefined {
        const question = parseQuestion(query);
        if (!question) {
            return undefined;
        }
        this.queries.push(question.name);
        const ip = this.records.get(question.name.toLowerCase());
        const isA = question.type === 1 && question.class === 1;
        const header = Buffer.alloc(12);
        query.copy(header, 0, 0, 2); // the query's ID
        // QR, opcode 0, AA, RD copied, RA; RCODE 3 (NXDOMAIN) for an unknown name.
        const rd = query[2] & 0x01;
        header.writeUInt16BE(0x8480 | (rd << 8) | (ip === undefined ? 3 : 0), 2);
        header.writeUInt16BE(1, 4); // QDCOUNT
        header.writeUInt16BE(ip !== undefined && isA ? 1 : 0, 6); // ANCOUNT
        const parts = [header, question.raw];
        if (ip !== undefined && isA) {
            parts.push(aRecord(ip));
        }
        return Buffer.concat(parts);
    }
}

interface Question {
    name: string;
    type: number;
    class: number;
    /** The question section as received, echoed in the reply. */
    raw: Buffer;
}

function parseQuestion(msg: Buffer): Question | undefined {
    if (msg.length < 17 || msg.readUInt16BE(4) !== 1) {
        return undefined;
    }
    const labels: string[] = [];
    let offset = 12;
    while (offset < msg.length && msg[offset] !== 0) {
        const length = msg[offset];
        labels.push(msg.toString("ascii", offset + 1, offset + 1 + length));
        offset += length + 1;
    }
    const end = offset + 5;
    if (end > msg.length) {
        return undefined;
    }
    return {
        name: labels.join("."),
        type: msg.readUInt16BE(offset + 1),
        class: msg.readUInt16BE(offset + 3),
        raw: msg.subarray(12, end),
    };
}

/** An A record for the question's name (a pointer to offset 12), TTL 1 s. */
function aRecord(ipv4: string): Buffer {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0);
    record.writeUInt16BE(1, 2); // TYPE A
    record.writeUInt16BE(1, 4); // CLASS IN
    record.writeUInt32BE(1, 6); // TTL
    record.writeUInt16BE(4, 10); // RDLENGTH
    ipv4.split(".").forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
    return record;
}
