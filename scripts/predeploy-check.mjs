// Runs before `npm run deploy` (npm's `predeploy`): refuses a production configuration that is
// unsafe in what wrangler.toml publishes. Secrets are not readable here; the Worker checks those
// itself at start-up (worker/src/config-checks.ts), which fails the upload. docs/deploying.md,
// "Before you go live", lists both.
import { unstable_readConfig } from 'wrangler';

const CONFIG_PATH = 'worker/wrangler.toml';

/** The reasons the top level of wrangler.toml must not be deployed, empty when it may be. */
export function unsafeDeployReasons(config) {
  const vars = config.vars ?? {};
  const reasons = [];
  if (vars.DEV_MODE !== undefined)
    reasons.push('DEV_MODE is set at the top level: production would serve /__dev/* (dev tokens for anyone).');
  if (vars.JWT_SECRET !== undefined)
    reasons.push(
      'JWT_SECRET is in [vars], so it is published with the repository: remove it and use `npx wrangler secret put JWT_SECRET -c worker/wrangler.toml`.',
    );
  if (vars.JWT_JWKS_URL !== undefined && !String(vars.JWT_JWKS_URL).startsWith('https://'))
    reasons.push('JWT_JWKS_URL must be an https: URL.');
  const limiters = new Set((config.ratelimits ?? []).map((binding) => binding.name));
  for (const name of ['RATE_LIMIT_REQUESTS', 'RATE_LIMIT_WRITES']) {
    if (!limiters.has(name))
      reasons.push(`The [[ratelimits]] binding ${name} is missing: one account could then cost you without bound.`);
  }
  return reasons;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const reasons = unsafeDeployReasons(unstable_readConfig({ config: CONFIG_PATH }, { hideWarnings: true }));
  if (reasons.length > 0) {
    console.error(
      `Not deploying: ${CONFIG_PATH} is unsafe for production.\n${reasons.map((reason) => `- ${reason}`).join('\n')}\nSee docs/deploying.md, "Before you go live".`,
    );
    process.exit(1);
  }
  console.log(
    `${CONFIG_PATH}: the published settings pass the pre-deploy check; the Worker checks its secrets when it starts.`,
  );
}
