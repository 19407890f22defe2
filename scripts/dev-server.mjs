// Shared by `npm run dev`, the end-to-end suite and the benchmarks: build the SDK, copy its ESM
// build next to the example pages (so they import it exactly as an app would), and run the Worker
// under `wrangler dev` with a local R2 and examples/ as static assets.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

// import.meta.dirname: under vitest's DOM environments import.meta.url is not a file: URL.
export const root = join(import.meta.dirname ?? fileURLToPath(new URL('.', import.meta.url)), '..');

/**
 * Builds the package with tsup, then bundles its ESM build (dist/, as published) into
 * examples/vendor/taco-sync/ the way an app's bundler would: dependencies inlined, shared chunks
 * split, one file per subpath, so the pages import `taco-sync` through an import map.
 */
export async function buildExamples() {
  const build = spawnSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`tsup failed with status ${build.status}`);
  const { exports } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
  const entryPoints = {};
  for (const [subpath, target] of Object.entries(exports)) {
    const file = target?.import?.default;
    if (!file || !existsSync(`${root}/${file}`)) continue;
    entryPoints[subpath === '.' ? 'index' : subpath.slice(2)] = `${root}/${file}`;
  }
  const outdir = `${root}/examples/vendor/taco-sync`;
  rmSync(`${root}/examples/vendor`, { recursive: true, force: true });
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    // tsup's entries import their shared chunk for effect; the chunk has none, so dropping it is right.
    logOverride: { 'ignored-bare-import': 'silent' },
  });
}

/** The port `npm run dev` serves on unless told otherwise. */
export const DEFAULT_DEV_PORT = 8787;

/**
 * Starts `wrangler dev` in dev mode (`--env dev` of worker/wrangler.toml: the dev secret, the
 * `/__dev/*` routes, any app name, any localhost origin) in its own process group (wrangler runs
 * as npm -> node -> workerd, and killing one pid leaves workerd behind), plus the second origin
 * for two-devices.html on `port + 1`, and resolves once the Worker answers.
 * @param {{ port?: number, persistTo?: string, stdio?: 'inherit' | 'pipe', vars?: Record<string, string> }} options
 */
export async function startDevServer({
  port = DEFAULT_DEV_PORT,
  persistTo = '.wrangler/state',
  stdio = 'pipe',
  vars = {},
} = {}) {
  for (const [p, role] of [
    [port, 'the Worker'],
    [port + 1, "device B of two-devices.html (always the port after the Worker's)"],
  ]) {
    if (!(await isFree(p)))
      throw new Error(`Port ${p} (${role}) is in use on 127.0.0.1: choose another port (npm run dev -- --port 9000).`);
  }
  const varArgs = Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const args = [
    'wrangler',
    'dev',
    '-c',
    'worker/wrangler.toml',
    '--env',
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--persist-to',
    persistTo,
    '--assets',
    'examples',
    '--show-interactive-dev-session=false',
    ...varArgs,
  ];
  const child = spawn('npx', args, {
    cwd: root,
    stdio: stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const stopWrangler = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  const secondOrigin = await startSecondOrigin(port, port + 1).catch((error) => {
    stopWrangler();
    throw error;
  });
  const stop = () => {
    secondOrigin.close();
    stopWrangler();
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      stop();
      throw new Error(`wrangler dev exited early:\n${output}`);
    }
    if (await answers(port))
      return { url, secondUrl: `http://127.0.0.1:${port + 1}`, stop, child, output: () => output };
    await new Promise((r) => setTimeout(r, 250));
  }
  stop();
  throw new Error(`wrangler dev did not answer within 60 s:\n${output}`);
}

/**
 * {@link startDevServer} on a free pair of ports (the Worker's and the second origin's). On a shared
 * machine another process may take a port between the check and wrangler binding it: then it
 * tries a new pair, up to `tries` times.
 * @param {{ persistTo?: string, stdio?: 'inherit' | 'pipe', vars?: (port: number) => Record<string, string>, tries?: number }} options
 */
export async function startDevServerOnFreePorts({ vars = () => ({}), tries = 3, ...options } = {}) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePortPair();
    try {
      return await startDevServer({ ...options, port, vars: vars(port) });
    } catch (error) {
      if (!/EADDRINUSE|Address already in use/.test(String(error)) || attempt >= tries) throw error;
    }
  }
}

/** `Host` headers naming this machine, the only ones the relay answers (DESIGN §11). */
const LOOPBACK_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$/i;

/**
 * A second origin for the same dev Worker (a plain HTTP relay on `port`), so the two-devices page
 * can show two devices with separate storage. Ports make different origins but the same site, so
 * Chromium does not treat the second device's iframe as third-party and block its storage (as it
 * does for localhost inside 127.0.0.1).
 */
function startSecondOrigin(targetPort, port) {
  const server = createServer((req, res) => {
    // As the dev Worker does: a DNS-rebinding page reaches 127.0.0.1 under its own name.
    if (!LOOPBACK_HOST.test(req.headers.host ?? '')) {
      res
        .writeHead(403, { 'Content-Type': 'text/plain' })
        .end('The dev server answers only localhost, 127.0.0.1 and [::1]');
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  // Live sockets (`live: true`): the upgrade request is replayed upstream and the bytes piped both ways.
  server.on('upgrade', (req, socket, head) => {
    const upstream = connect(targetPort, '127.0.0.1', () => {
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Whether the Worker answers on 127.0.0.1:`port` (node:http, so DOM test environments don't log).
 * It asks for a dev token, which answers 200 in dev mode, so the log shows no error for the probe.
 */
function answers(port) {
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/__dev/token?sub=dev-server-ready', method: 'GET' },
      (res) => {
        res.resume();
        resolve(true);
      },
    );
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Whether nothing listens on 127.0.0.1:`port`. */
function isFree(port) {
  return new Promise((resolve) => {
    const server = createServer().listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    server.on('error', () => resolve(false));
  });
}

/** A port that is free on 127.0.0.1 together with the next one (the second origin's). */
export async function freePortPair() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address();
        server.close(() => resolve(p));
      });
      server.on('error', reject);
    });
    if (port < 65_000 && (await isFree(port + 1))) return port;
  }
}
