import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import {
  CapacityMeter,
  type DynamoUsage,
  failedWriteUnits,
  type IndexShape,
  type TableShape,
  type WireItem,
  writeUnits,
} from './capacity.ts';
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
  /**
   * Meter read and write request units (GET /_local/metrics, `npm run bench -- --only=cost`).
   * Off by default: metering re-reads items around every write, which slows the whole runtime.
   */
  readonly meter?: boolean | undefined;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
/** Operations metered for request units. The handlers use no transactions or batch writes; those would pass uncounted. */
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

type Forwarded = { status: number; headers: Headers; body: Buffer };

interface WriteRequest {
  TableName?: string;
  Item?: WireItem;
  Key?: WireItem;
  ReturnValues?: string;
}

interface TableDescription {
  KeySchema: { AttributeName: string }[];
  GlobalSecondaryIndexes?: {
    IndexName: string;
    KeySchema: { AttributeName: string }[];
    Projection: { ProjectionType: IndexShape['projection']; NonKeyAttributes?: string[] };
  }[];
}
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
  private readonly meter = new CapacityMeter();
  private readonly shapes = new Map<string, TableShape>();

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
      const meter = this.options.meter === true;
      if (meter && READS.has(operation)) return relay(response, await this.read(operation, headers, body));
      const metered = meter && WRITES.has(operation);
      if (!metered && operation !== 'PutItem') return relay(response, await this.forward(headers, body));
      const input = JSON.parse(body.toString('utf8')) as WriteRequest;
      const captured =
        operation === 'PutItem' && input.TableName === this.options.tableName && input.Item && this.options.captures(input.Item);
      if (!captured || !input.Item)
        return relay(response, metered ? await this.write(operation, input, headers) : await this.forward(headers, body));

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
      if (meter) await this.meterWrite(this.options.tableName, result, old, input.Item, input.Item);
      relay(response, result);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(error) }));
    }
  }

  /** Read and write request units the handlers used since start (GET /_local/metrics). */
  usage(): DynamoUsage {
    return this.meter.usage();
  }

  /** A read, with dynalite's ConsumedCapacity asked for and counted, then left out unless the caller asked. */
  private async read(operation: string, headers: Record<string, string>, body: Buffer): Promise<Forwarded> {
    const input = JSON.parse(body.toString('utf8')) as { ReturnConsumedCapacity?: string; ConsistentRead?: boolean; IndexName?: string };
    const asked = (input.ReturnConsumedCapacity ?? 'NONE') !== 'NONE';
    const result = await this.forward(headers, Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: 'INDEXES' })));
    if (result.status !== 200) return result;
    const answer = JSON.parse(result.body.toString('utf8')) as { ConsumedCapacity?: Parameters<CapacityMeter['read']>[0] };
    const minimum =
      operation === 'Query' || operation === 'Scan' ? { units: input.ConsistentRead ? 1 : 0.5, index: input.IndexName } : undefined;
    this.meter.read(answer.ConsumedCapacity, minimum);
    if (asked) return result;
    delete answer.ConsumedCapacity;
    return withBody(result, answer);
  }

  /**
   * A put, update or delete, with the images its units depend on: a put or delete asks dynalite
   * for the old item (ALL_OLD, left out of the answer unless asked); an update reads the item
   * before and after (reads of the emulation's own, not counted).
   */
  private async write(operation: string, input: WriteRequest, headers: Record<string, string>): Promise<Forwarded> {
    const table = input.TableName ?? '';
    const key = input.Key ?? {};
    const isUpdate = operation === 'UpdateItem';
    const before = isUpdate ? await this.currentItem(key, table) : undefined;
    const asked = (input.ReturnValues ?? 'NONE') !== 'NONE';
    const sent = isUpdate || asked ? input : { ...input, ReturnValues: 'ALL_OLD' };
    const result = await this.forward(headers, Buffer.from(JSON.stringify(sent)));
    const answer = result.status === 200 ? (JSON.parse(result.body.toString('utf8')) as { Attributes?: WireItem }) : {};
    const old = isUpdate ? before : answer.Attributes;
    const next = operation === 'PutItem' ? input.Item : isUpdate && result.status === 200 ? await this.currentItem(key, table) : undefined;
    await this.meterWrite(table, result, old, next, input.Item ?? before);
    if (asked || isUpdate || result.status !== 200) return result;
    delete answer.Attributes;
    return withBody(result, answer);
  }

  private async meterWrite(
    table: string,
    result: Forwarded,
    old: WireItem | undefined,
    next: WireItem | undefined,
    attempted: WireItem | undefined,
  ): Promise<void> {
    if (result.status === 200) this.meter.write(writeUnits(await this.shape(table), old, next));
    else if (result.body.includes('ConditionalCheckFailedException')) this.meter.write(failedWriteUnits(attempted));
  }

  /** The table's keys and global secondary indexes, described once. */
  private async shape(table: string): Promise<TableShape> {
    const known = this.shapes.get(table);
    if (known) return known;
    const result = await this.internal('DescribeTable', { TableName: table });
    if (result.status !== 200) throw new Error(`capacity: describing ${table} failed (${result.status})`);
    const { Table: description } = JSON.parse(result.body.toString('utf8')) as { Table: TableDescription };
    const shape: TableShape = {
      keys: description.KeySchema.map((key) => key.AttributeName),
      indexes: (description.GlobalSecondaryIndexes ?? []).map((index) => ({
        name: index.IndexName,
        keys: index.KeySchema.map((key) => key.AttributeName),
        projection: index.Projection.ProjectionType,
        include: index.Projection.NonKeyAttributes ?? [],
      })),
    };
    this.shapes.set(table, shape);
    return shape;
  }

  private async forward(headers: Record<string, string>, body: Buffer): Promise<Forwarded> {
    const answer = await fetch(this.options.targetUrl, { method: 'POST', headers, body });
    return { status: answer.status, headers: answer.headers, body: Buffer.from(await answer.arrayBuffer()) };
  }

  /** A request of the emulation's own to dynalite (not a handler's: never counted). */
  private internal(operation: string, input: unknown): Promise<Forwarded> {
    return this.forward(
      {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${TARGET_PREFIX}${operation}`,
        // dynalite checks that a request is signed, not the signature.
        'x-amz-date': '20260101T000000Z',
        authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/${this.options.region}/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
      },
      Buffer.from(JSON.stringify(input)),
    );
  }

  private async currentItem(keys: Record<string, unknown>, table = this.options.tableName): Promise<Record<string, unknown> | undefined> {
    const result = await this.internal('GetItem', { TableName: table, Key: keys, ConsistentRead: true });
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

/** An answer with its JSON body replaced, and the checksum the SDK verifies recomputed. */
function withBody(result: Forwarded, answer: unknown): Forwarded {
  const body = Buffer.from(JSON.stringify(answer));
  const headers = new Headers(result.headers);
  headers.set('x-amz-crc32', String(crc32(body)));
  return { status: result.status, headers, body };
}

function relay(response: ServerResponse, result: Forwarded): void {
  const headers: Record<string, string> = {};
  result.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') headers[name] = value;
  });
  response.writeHead(result.status, headers);
  response.end(result.body);
}
