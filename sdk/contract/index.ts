/**
 * The wire contract shared by the SDK and the Worker: request and response shapes, error codes,
 * canonical JSON and checksum, name rules and subscription gating. Nothing here touches a browser
 * or Worker global beyond WebCrypto, and nothing here imports the rest of the SDK.
 *
 * @packageDocumentation
 */
export * from './canonical-json.js';
export * from './checksum.js';
export * from './errors.js';
export * from './gating.js';
export * from './live.js';
export * from './names.js';
export * from './pull-patch.js';
export * from './push-patch.js';
export * from './snapshot.js';
export * from './snapshot-diff.js';
export * from './stored-size.js';
export * from './wire.js';
