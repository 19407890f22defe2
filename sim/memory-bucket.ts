import { createHash } from 'node:crypto';
import type { SyncBucket } from '../worker/src/store.js';

/** R2's limit on an object's custom metadata: keys and values together, in UTF-8 bytes. */
export const R2_CUSTOM_METADATA_MAX_BYTES = 2048;

/** One stored object. */
interface StoredObject {
  key: string;
  text: string;
  etag: string;
  version: string;
  uploaded: Date;
  customMetadata: Record<string, string>;
  httpMetadata: R2HTTPMetadata;
}

/** A write the bucket performed: what the key held before and after (null when absent). */
export interface BucketWrite {
  key: string;
  before: string | null;
  after: string | null;
}

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');
const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hexOf = (value: ArrayBuffer | ArrayBufferView | string): string =>
  typeof value === 'string'
    ? value.toLowerCase()
    : Buffer.from(
        ArrayBuffer.isView(value)
          ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
          : new Uint8Array(value),
      ).toString('hex');

/**
 * An in-memory R2 bucket with the semantics the Worker relies on, as the R2 binding documents and
 * the local R2 behaves (TOOLCHAIN.md): strongly consistent reads after writes; `put` conditional on
 * `etagMatches` / `etagDoesNotMatch` (`'*'` is create-only) returning null and storing nothing when
 * the condition fails (also `etagMatches` on a missing key); quoted etags rejected; the `sha256`
 * option verified against the bytes (a mismatch throws); custom metadata limited to 2 KiB and
 * returned by `list` only when `include` asks for it; `list` pages that may hold fewer objects than
 * asked (`pageSize` sets how few), with a cursor; `delete` of one key or many, missing keys ignored.
 * Etags are the MD5 of the bytes, as R2's are for single-part uploads.
 */
export class MemoryBucket implements SyncBucket {
  private readonly objects = new Map<string, StoredObject>();
  private versions = 0;
  /** Called after every write that changed something. */
  onWrite: (write: BucketWrite) => void = () => {};

  constructor(
    private readonly now: () => number,
    /** How many objects a `list` page holds at most (R2 may return fewer than `limit`); varied per run. */
    public pageSize: () => number = () => 1000,
  ) {}

  async head(key: string): Promise<R2Object | null> {
    const stored = this.objects.get(key);
    return stored ? this.describe(stored) : null;
  }

  async get(key: string): Promise<R2ObjectBody | null> {
    const stored = this.objects.get(key);
    if (!stored) return null;
    const response = new Response(stored.text);
    const body = {
      get body() {
        return response.body!;
      },
      get bodyUsed() {
        return response.bodyUsed;
      },
      text: () => response.text(),
      json: <T>() => response.json() as Promise<T>,
      arrayBuffer: () => response.arrayBuffer(),
      bytes: () => response.bytes(),
      blob: () => response.blob(),
    };
    return Object.assign(this.describe(stored), body) as unknown as R2ObjectBody;
  }

  async put(key: string, value: string, options: R2PutOptions = {}): Promise<R2Object | null> {
    if (typeof value !== 'string') throw new TypeError('sim bucket: only string bodies are modelled');
    const existing = this.objects.get(key);
    if (!this.conditionHolds(existing, options.onlyIf)) return null;
    if (options.sha256 !== undefined && hexOf(options.sha256) !== sha256(value)) {
      throw new Error('put: The SHA-256 checksum you specified did not match what we received. (10037)');
    }
    const customMetadata = { ...(options.customMetadata ?? {}) };
    const metadataBytes = Object.entries(customMetadata).reduce((sum, [k, v]) => sum + utf8(k) + utf8(String(v)), 0);
    if (metadataBytes > R2_CUSTOM_METADATA_MAX_BYTES) {
      throw new Error(
        `put: Your metadata headers exceed the maximum allowed metadata size (${metadataBytes} > ${R2_CUSTOM_METADATA_MAX_BYTES} bytes). (10012)`,
      );
    }
    const stored: StoredObject = {
      key,
      text: value,
      etag: md5(value),
      version: `v${++this.versions}`,
      uploaded: new Date(this.now()),
      customMetadata,
      httpMetadata: options.httpMetadata instanceof Headers ? {} : { ...(options.httpMetadata ?? {}) },
    };
    this.objects.set(key, stored);
    this.onWrite({ key, before: existing?.text ?? null, after: value });
    return this.describe(stored);
  }

  async delete(keys: string | string[]): Promise<void> {
    for (const key of [keys].flat()) {
      const existing = this.objects.get(key);
      if (!existing) continue;
      this.objects.delete(key);
      this.onWrite({ key, before: existing.text, after: null });
    }
  }

  async list(options: R2ListOptions = {}): Promise<R2Objects> {
    const prefix = options.prefix ?? '';
    const after = options.cursor ?? options.startAfter ?? '';
    const limit = Math.min(options.limit ?? 1000, Math.max(1, this.pageSize()));
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix) && key > after).sort();
    const page = keys.slice(0, limit);
    const withMetadata = options.include?.includes('customMetadata') ?? false;
    const objects = page.map((key) => {
      const described = this.describe(this.objects.get(key)!);
      return withMetadata ? described : ({ ...described, customMetadata: undefined } as unknown as R2Object);
    });
    const truncated = keys.length > page.length;
    return (
      truncated
        ? { objects, truncated, cursor: page.at(-1)!, delimitedPrefixes: [] }
        : { objects, truncated, delimitedPrefixes: [] }
    ) as R2Objects;
  }

  /** Every key and its text, sorted by key: for invariant checks and traces. */
  dump(prefix = ''): [string, string][] {
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, o]) => [key, o.text] as [string, string])
      .sort(([a], [b]) => (a < b ? -1 : 1));
  }

  private conditionHolds(existing: StoredObject | undefined, onlyIf: R2PutOptions['onlyIf']): boolean {
    if (!onlyIf) return true;
    if (onlyIf instanceof Headers) throw new TypeError('sim bucket: onlyIf as Headers is not modelled');
    const { etagMatches, etagDoesNotMatch, uploadedBefore, uploadedAfter } = onlyIf;
    for (const etag of [etagMatches, etagDoesNotMatch]) {
      if (typeof etag === 'string' && etag !== '*' && etag.startsWith('"'))
        throw new Error('Conditional ETag should not be wrapped in quotes (10020)');
    }
    if (etagMatches !== undefined && (!existing || (etagMatches !== '*' && etagMatches !== existing.etag)))
      return false;
    if (etagDoesNotMatch !== undefined && existing && (etagDoesNotMatch === '*' || etagDoesNotMatch === existing.etag))
      return false;
    if (uploadedBefore !== undefined && existing && existing.uploaded >= uploadedBefore) return false;
    if (uploadedAfter !== undefined && existing && existing.uploaded <= uploadedAfter) return false;
    return true;
  }

  private describe(stored: StoredObject): R2Object {
    return {
      key: stored.key,
      version: stored.version,
      size: utf8(stored.text),
      etag: stored.etag,
      httpEtag: `"${stored.etag}"`,
      checksums: { toJSON: () => ({}) },
      uploaded: stored.uploaded,
      httpMetadata: { ...stored.httpMetadata },
      customMetadata: { ...stored.customMetadata },
      storageClass: 'Standard',
      writeHttpMetadata: () => {},
    } as unknown as R2Object;
  }
}
