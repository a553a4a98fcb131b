import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { AwsError } from './aws-error.ts';

/**
 * The S3 REST calls the lake makes (PutObject, GetObject, DeleteObject, ListObjectsV2), with
 * each bucket kept as a folder so that any Parquet reader finds the files where API.md says.
 * Path-style requests only: the SDK uses them for an IP endpoint.
 */
export class LocalS3Buckets {
  private readonly folders: ReadonlyMap<string, string>;

  constructor(folders: Readonly<Record<string, string>>) {
    this.folders = new Map(Object.entries(folders).map(([bucket, folder]) => [bucket, resolve(folder)]));
    for (const folder of this.folders.values()) mkdirSync(folder, { recursive: true });
  }

  /** True when the request is addressed to one of the buckets. */
  accepts(url: URL): boolean {
    const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '');
    return this.folders.has(bucket);
  }

  handle(request: IncomingMessage, url: URL, body: Buffer, response: ServerResponse): void {
    const [, bucketPart = '', ...keyParts] = url.pathname.split('/');
    const bucket = decodeURIComponent(bucketPart);
    const root = this.folders.get(bucket);
    if (!root) throw new AwsError('NoSuchBucket', `The specified bucket does not exist: ${bucket}`, 404);
    const key = keyParts.map(decodeURIComponent).join('/');
    const method = request.method ?? 'GET';
    if (key === '' && method === 'GET' && url.searchParams.get('list-type') === '2') {
      this.list(root, bucket, url, response);
      return;
    }
    if (key === '') throw new AwsError('NotImplemented', `S3 ${method} on a bucket is not emulated`, 501);
    const file = this.fileOf(root, key);
    switch (method) {
      case 'PUT': {
        mkdirSync(dirname(file), { recursive: true });
        // Write then rename: a reader never sees half an object, as with S3.
        const temporary = `${file}.${randomUUID()}.partial`;
        writeFileSync(temporary, body);
        renameSync(temporary, file);
        response.writeHead(200, { etag: `"${randomUUID()}"` });
        response.end();
        return;
      }
      case 'GET': {
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch {
          throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404);
        }
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
        response.end(bytes);
        return;
      }
      case 'DELETE':
        rmSync(file, { force: true });
        response.writeHead(204);
        response.end();
        return;
      default:
        throw new AwsError('NotImplemented', `S3 ${method} on an object is not emulated`, 501);
    }
  }

  private list(root: string, bucket: string, url: URL, response: ServerResponse): void {
    const prefix = url.searchParams.get('prefix') ?? '';
    const keys = walk(root)
      .map((file) => relative(root, file).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix) && !key.endsWith('.partial'))
      .sort();
    const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const contents = keys
      .map((key) => `<Contents><Key>${xml(key)}</Key><Size>${statSync(join(root, key)).size}</Size></Contents>`)
      .join('');
    response.writeHead(200, { 'content-type': 'application/xml' });
    response.end(
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>${Math.max(keys.length, 1000)}</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
    );
  }

  private fileOf(root: string, key: string): string {
    const file = resolve(root, key);
    if (!file.startsWith(`${root}${sep}`)) throw new AwsError('InvalidArgument', `Invalid key: ${key}`, 400);
    return file;
  }
}

function walk(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
