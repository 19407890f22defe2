#!/usr/bin/env node
// `npm run dev [-- --port 9000] [-- --persist-to DIR]`: build the SDK for the example pages and run
// the Worker locally in dev mode (`--env dev`) with a local R2 persisted in .wrangler/state.
// `--assets` is a CLI flag here, so a production deploy serves no example pages.
import { parseArgs } from 'node:util';
import { buildExamples, DEFAULT_DEV_PORT, startDevServer } from './dev-server.mjs';

const USAGE = `usage: npm run dev -- [--port ${DEFAULT_DEV_PORT}] [--persist-to .wrangler/state]   (or PORT=${DEFAULT_DEV_PORT} npm run dev)`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', short: 'p', default: process.env.PORT ?? String(DEFAULT_DEV_PORT) },
    'persist-to': { type: 'string', default: '.wrangler/state' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_534) {
  console.error(`Not a port: ${JSON.stringify(values.port)}\n${USAGE}`);
  process.exit(2);
}

await buildExamples();
let server;
try {
  server = await startDevServer({ port, persistTo: values['persist-to'], stdio: 'inherit' });
} catch (error) {
  console.error(`\n  ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}
const { url, secondUrl } = server;
console.log(`
  taco-sync dev server (Worker in dev mode, local R2 in ${values['persist-to']})

    Sync API       ${url}/api/sync/{app}/...     createSync({ endpoint: '${url}', ... })
    Examples       ${url}/
    Two devices    ${url}/two-devices.html     (device B is served from ${secondUrl})
    Dev tokens     npm run token -- --sub alice     or  ${url}/__dev/token?sub=alice&subscriptions=taco_club

  Dev mode serves any app name and answers pages from any http://localhost:* or
  http://127.0.0.1:* origin, so your own app on its own dev server needs no configuration
  (the SYNC_APPS and ALLOWED_ORIGINS that wrangler lists above apply to production only).
  Stop with Ctrl-C.
`);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    server.stop();
    process.exit(0);
  });
server.child.on('exit', (code) => process.exit(code ?? 0));
