#!/usr/bin/env node
// `npm run dev`: build the SDK for the example pages and run the Worker locally with a local R2
// persisted in .wrangler/state. `--assets` is a CLI flag here, so a production deploy serves no
// example pages.
import { buildExamples, startDevServer } from './dev-server.mjs';

const port = Number(process.env.PORT ?? 8787);
await buildExamples();
const server = await startDevServer({ port, stdio: 'inherit' });
console.log(`\n  taco-sync dev: examples at ${server.url}/ (two devices: ${server.url}/two-devices.html)\n  API at ${server.url}/api/sync/{app}/...  ·  second origin for device B: ${server.secondUrl}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { server.stop(); process.exit(0); });
server.child.on('exit', (code) => process.exit(code ?? 0));
