#!/usr/bin/env node
// `npm run token -- --sub alice --subscriptions taco_club[,sync_tempo] [--ttl 3600]`: prints an
// HS256 JWT signed with the dev secret, for curl and your own app in development. The secret is
// JWT_SECRET from the environment, else the one of `[env.dev.vars]` in worker/wrangler.toml, which
// `npm run dev` runs with (read with wrangler's own configuration reader; production has no secret
// in the file). Signing is the Worker's own dev-token code and the contract's user-id rule (Node
// strips their types; both import nothing with a .js path), so `npm run token` and
// `GET /__dev/token` cannot drift apart.
import { parseArgs } from 'node:util';
import { unstable_readConfig } from 'wrangler';
import { isValidUserId } from '../sdk/contract/names.ts';
import { signDevToken } from '../worker/src/dev-token.ts';

const USAGE = 'usage: npm run token -- --sub alice [--subscriptions taco_club,sync_tempo] [--ttl 3600]';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    subscriptions: { type: 'string', default: 'taco_club' },
    ttl: { type: 'string', default: String(24 * 60 * 60) },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const ttl = Number(values.ttl);
if (!isValidUserId(values.sub) || !Number.isSafeInteger(ttl) || ttl <= 0) {
  console.error(USAGE);
  process.exit(2);
}

/** The dev secret: `JWT_SECRET` from the environment, else `[env.dev.vars]` of wrangler.toml. */
function devSecret() {
  if (process.env.JWT_SECRET) return process.env.JWT_SECRET;
  const config = unstable_readConfig({
    config: new URL('../worker/wrangler.toml', import.meta.url).pathname,
    env: 'dev',
  });
  const secret = config.vars?.JWT_SECRET;
  if (typeof secret !== 'string' || secret === '') {
    console.error('No JWT_SECRET in the environment or in [env.dev.vars] of worker/wrangler.toml.');
    process.exit(1);
  }
  return secret;
}

const subscriptions = values.subscriptions
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
console.log(await signDevToken(devSecret(), { sub: values.sub, subscriptions }, ttl));
