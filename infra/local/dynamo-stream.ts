import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendJsonLine, readJsonLines, rewriteJsonLines } from './json-log.ts';

/** The stream record a Lambda event source mapping hands over (view type NEW_AND_OLD_IMAGES). */
export interface StreamRecord {
  readonly eventID: string;
  readonly eventName: 'INSERT' | 'MODIFY';
  readonly eventVersion: '1.1';
  readonly eventSource: 'aws:dynamodb';
  readonly awsRegion: string;
  readonly eventSourceARN: string;
  readonly dynamodb: {
    readonly ApproximateCreationDateTime: number;
    readonly Keys: Record<string, unknown>;
    readonly NewImage: Record<string, unknown>;
    readonly OldImage?: Record<string, unknown>;
    readonly SequenceNumber: string;
    readonly SizeBytes: number;
    readonly StreamViewType: 'NEW_AND_OLD_IMAGES';
  };
}

type LogLine =
  | {
      op: 'intent';
      seq: number;
      at: number;
      keys: Record<string, unknown>;
      old?: Record<string, unknown> | undefined;
      new: Record<string, unknown>;
    }
  | { op: 'commit'; seq: number }
  | { op: 'abort'; seq: number };

type Entry = Extract<LogLine, { op: 'intent' }> & { state: 'pending' | 'committed' | 'aborted' };

export interface LocalDynamoStreamOptions {
  /** dynalite's URL: every request is forwarded there. */
  readonly targetUrl: string;
  readonly tableName: string;
  /** Which items the stream carries (the event source mapping's filter): here, the invoices. */
  readonly captures: (item: Record<string, unknown>) => boolean;
  /** The stream log; undefined keeps it in memory. */
  readonly file: string | undefined;
  readonly now: () => Date;
  readonly region: string;
  readonly account: string;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding']);

/**
 * DynamoDB Streams for dynalite, which has none: a loopback proxy in front of dynalite that
 * turns each successful put of a captured item into a stream record. The record is written to
 * the log before the put is forwarded and marked committed before the caller hears back, so an
 * acknowledged write always has its record, even across a kill -9: an intent found without an
 * outcome at start-up is settled by reading the item (its version tells whether the put landed).
 * Records are handed out in order from a checkpoint that moves only after they were processed,
 * as a Lambda event source mapping does.
 */
export class LocalDynamoStream {
  private readonly options: LocalDynamoStreamOptions;
  private readonly entries: Entry[] = [];
  private nextSeq = 1;
  private delivered = 0;
  private server: Server | undefined;
  private readonly checkpointFile: string | undefined;

  constructor(options: LocalDynamoStreamOptions) {
    this.options = options;
    this.checkpointFile = options.file ? `${options.file}.checkpoint` : undefined;
  }

  get streamArn(): string {
    return `arn:aws:dynamodb:${this.options.region}:${this.options.account}:table/${this.options.tableName}/stream/local`;
  }

  /** Loads the log and settles intents a crash left open; then listens. Returns the proxy URL. */
  async start(): Promise<string> {
    await this.load();
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Committed records not yet processed, oldest first, up to the first write still in flight. */
  pending(limit = Number.POSITIVE_INFINITY): StreamRecord[] {
    const records: StreamRecord[] = [];
    for (const entry of this.entries) {
      if (entry.seq <= this.delivered || entry.state === 'aborted') continue;
      if (entry.state === 'pending' || records.length >= limit) break;
      records.push(this.record(entry));
    }
    return records;
  }

  /** Moves the checkpoint past `sequenceNumber` once its batch was processed. */
  acknowledge(sequenceNumber: string): void {
    this.delivered = Math.max(this.delivered, Number(sequenceNumber));
    if (this.checkpointFile) writeFileSync(this.checkpointFile, JSON.stringify({ delivered: this.delivered }));
    this.trim();
  }

  private record(entry: Entry): StreamRecord {
    const sequenceNumber = String(entry.seq).padStart(21, '0');
    return {
      eventID: `local-${sequenceNumber}`,
      eventName: entry.old ? 'MODIFY' : 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.options.region,
      eventSourceARN: this.streamArn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(entry.at / 1000),
        Keys: entry.keys,
        NewImage: entry.new,
        ...(entry.old ? { OldImage: entry.old } : {}),
        SequenceNumber: sequenceNumber,
        SizeBytes: JSON.stringify(entry.new).length,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers[name] = value;
    }
    try {
      const operation = (headers['x-amz-target'] ?? '').slice(TARGET_PREFIX.length);
      const input =
        operation === 'PutItem' ? (JSON.parse(body.toString('utf8')) as { TableName?: string; Item?: Record<string, unknown> }) : undefined;
      const captured = input?.TableName === this.options.tableName && input.Item && this.options.captures(input.Item);
      if (!captured || !input?.Item) return relay(response, await this.forward(headers, body));

      const keys = { pk: input.Item.pk, sk: input.Item.sk };
      const old = await this.currentItem(keys);
      const entry: Entry = {
        op: 'intent',
        seq: this.nextSeq++,
        at: this.options.now().getTime(),
        keys,
        old,
        new: input.Item,
        state: 'pending',
      };
      this.entries.push(entry);
      this.append({ op: 'intent', seq: entry.seq, at: entry.at, keys, old, new: entry.new });
      const result = await this.forward(headers, body);
      entry.state = result.status === 200 ? 'committed' : 'aborted';
      this.append({ op: entry.state === 'committed' ? 'commit' : 'abort', seq: entry.seq });
      relay(response, result);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(error) }));
    }
  }

  private async forward(headers: Record<string, string>, body: Buffer): Promise<{ status: number; headers: Headers; body: Buffer }> {
    const answer = await fetch(this.options.targetUrl, { method: 'POST', headers, body });
    return { status: answer.status, headers: answer.headers, body: Buffer.from(await answer.arrayBuffer()) };
  }

  private async currentItem(keys: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const result = await this.forward(
      {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${TARGET_PREFIX}GetItem`,
        // dynalite checks that a request is signed, not the signature.
        'x-amz-date': '20260101T000000Z',
        authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/${this.options.region}/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
      },
      Buffer.from(JSON.stringify({ TableName: this.options.tableName, Key: keys, ConsistentRead: true })),
    );
    if (result.status !== 200) throw new Error(`stream: reading the item before the put failed (${result.status})`);
    return (JSON.parse(result.body.toString('utf8')) as { Item?: Record<string, unknown> }).Item;
  }

  private append(line: LogLine): void {
    appendJsonLine(this.options.file, line);
  }

  private async load(): Promise<void> {
    const { file } = this.options;
    if (this.checkpointFile && existsSync(this.checkpointFile)) {
      this.delivered = (JSON.parse(readFileSync(this.checkpointFile, 'utf8')) as { delivered: number }).delivered;
    }
    if (!file || !existsSync(file)) {
      this.nextSeq = this.delivered + 1;
      return;
    }
    const bySeq = new Map<number, Entry>();
    // A line torn by a crash mid-append is left out: its put was never forwarded.
    for (const line of readJsonLines<LogLine>(file)) {
      if (line.op === 'intent') bySeq.set(line.seq, { ...line, state: 'pending' });
      else {
        const entry = bySeq.get(line.seq);
        if (entry) entry.state = line.op === 'commit' ? 'committed' : 'aborted';
      }
    }
    this.entries.push(...[...bySeq.values()].sort((a, b) => a.seq - b.seq));
    this.nextSeq = Math.max(this.delivered, ...this.entries.map((entry) => entry.seq)) + 1;
    // The process died between logging an intent and hearing dynalite's answer.
    for (const entry of this.entries) {
      if (entry.state !== 'pending') continue;
      const stored = await this.currentItem(entry.keys);
      const landed = stored !== undefined && JSON.stringify(stored.version) === JSON.stringify(entry.new.version);
      entry.state = landed ? 'committed' : 'aborted';
      this.append({ op: landed ? 'commit' : 'abort', seq: entry.seq });
    }
    this.trim(true);
  }

  /** Drops processed records from memory, and rewrites the log once enough of it is spent. */
  private trim(force = false): void {
    const spent = this.entries.findIndex((entry) => entry.seq > this.delivered || entry.state === 'pending');
    const count = spent === -1 ? this.entries.length : spent;
    if (count === 0 || (!force && count < 500)) return;
    this.entries.splice(0, count);
    const { file } = this.options;
    if (!file) return;
    const lines = this.entries.flatMap((entry) => {
      const { state, ...intent } = entry;
      const outcome: LogLine[] = state === 'pending' ? [] : [{ op: state === 'committed' ? 'commit' : 'abort', seq: entry.seq }];
      return [intent as LogLine, ...outcome];
    });
    rewriteJsonLines(file, lines);
  }
}

function relay(response: ServerResponse, result: { status: number; headers: Headers; body: Buffer }): void {
  const headers: Record<string, string> = {};
  result.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') headers[name] = value;
  });
  response.writeHead(result.status, headers);
  response.end(result.body);
}
