import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * WebCrypto that answers in the same turn, so a run's interleavings depend on its seed alone.
 *
 * Node runs `crypto.subtle` on its thread pool: two digests started together may finish in either
 * order, and the code after them (a tab taking the lock, a Worker reading R2) with them. The
 * simulation needs every ordering to come from the scheduler. This replaces the three operations
 * the SDK, the Worker and jose use (SHA-256 digest, HMAC import, sign and verify) with node:crypto's
 * synchronous implementations of the same algorithms, answered through resolved promises. HMAC keys
 * are real `CryptoKey`s imported once, up front, so jose's key checks see what they expect; any
 * other call, and any draw of platform randomness, throws: it would make a run irreproducible.
 *
 * @param hmacSecrets - the JWT secrets the run signs and verifies with.
 */
export async function installDeterministicCrypto(hmacSecrets: readonly Uint8Array<ArrayBuffer>[]): Promise<void> {
  const real = globalThis.crypto.subtle;
  const secretOf = new WeakMap<CryptoKey, Uint8Array>();
  const imported = new Map<string, CryptoKey>();
  const keyId = (bytes: Uint8Array, usage: string): string => `${Buffer.from(bytes).toString('hex')}|${usage}`;
  for (const secret of hmacSecrets) {
    for (const usage of ['sign', 'verify'] as const) {
      const key = await real.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
      secretOf.set(key, secret);
      imported.set(keyId(secret, usage), key);
    }
  }
  const bytesOf = (data: BufferSource): Uint8Array =>
    data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const arrayBuffer = (bytes: Buffer): ArrayBuffer =>
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const nameOf = (algorithm: AlgorithmIdentifier | { name: string }): string =>
    typeof algorithm === 'string' ? algorithm : algorithm.name;
  const hmac = (key: CryptoKey, data: BufferSource): Buffer => {
    const secret = secretOf.get(key);
    if (!secret) throw new Error('sim: HMAC with a key the simulation did not import');
    return createHmac('sha256', secret).update(bytesOf(data)).digest();
  };
  const unsupported = (what: string) => (): never => {
    throw new Error(`sim: crypto.${what} is not deterministic here; add it to sim/deterministic-crypto.ts`);
  };

  const subtle = {
    digest: async (algorithm: AlgorithmIdentifier, data: BufferSource) => {
      if (nameOf(algorithm).toUpperCase() !== 'SHA-256') unsupported(`subtle.digest(${nameOf(algorithm)})`)();
      return arrayBuffer(createHash('sha256').update(bytesOf(data)).digest());
    },
    importKey: async (
      format: string,
      keyData: BufferSource,
      algorithm: { name: string },
      _extractable: boolean,
      usages: string[],
    ) => {
      const key =
        format === 'raw' && algorithm.name === 'HMAC' && usages.length === 1
          ? imported.get(keyId(bytesOf(keyData), usages[0]!))
          : undefined;
      return key ?? unsupported(`subtle.importKey(${format}, ${algorithm.name})`)();
    },
    sign: async (_algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource) => arrayBuffer(hmac(key, data)),
    verify: async (_algorithm: AlgorithmIdentifier, key: CryptoKey, signature: BufferSource, data: BufferSource) => {
      const expected = hmac(key, data);
      const given = bytesOf(signature);
      return given.byteLength === expected.byteLength && timingSafeEqual(given, expected);
    },
  };
  Object.defineProperty(globalThis, 'crypto', {
    configurable: true,
    value: { subtle, getRandomValues: unsupported('getRandomValues'), randomUUID: unsupported('randomUUID') },
  });
}
