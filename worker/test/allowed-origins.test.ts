import { describe, expect, it } from 'vitest';
import { createWorker } from '../src/index.js';
import { parseOrigin } from '../src/origins.js';
import { captureErrorLogs, json, newUser, strictEnv, strictTokenFor } from './helpers.js';

const metaFrom = async (origin: string, allowedOrigins: string) =>
  createWorker().fetch(
    new Request('http://x/api/sync/tenure/meta', {
      headers: { Origin: origin, Authorization: `Bearer ${await strictTokenFor(newUser())}` },
    }),
    { ...strictEnv, ALLOWED_ORIGINS: allowedOrigins },
  );

describe('ALLOWED_ORIGINS entries are origins', () => {
  const errorLogs = captureErrorLogs();

  it('matches an entry copied from the address bar, with its trailing slash', async () => {
    const response = await metaFrom('https://app.example.com', 'https://app.example.com/');
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://app.example.com');
  });

  it('matches entries written with upper case, a default port or spaces around the comma', async () => {
    const allowed = 'https://App.Example.com:443/ ,  http://notes.example.com:80';
    expect((await metaFrom('https://app.example.com', allowed)).headers.get('Access-Control-Allow-Origin')).toBe(
      'https://app.example.com',
    );
    expect((await metaFrom('http://notes.example.com', allowed)).headers.get('Access-Control-Allow-Origin')).toBe(
      'http://notes.example.com',
    );
    expect(
      (await metaFrom('https://other.example.com', allowed)).headers.get('Access-Control-Allow-Origin'),
    ).toBeNull();
  });

  it.each([
    'app.example.com',
    'https://app.example.com/notes',
    'https://app.example.com/?x=1',
    '*',
    'ftp://files.example.com',
    'https://user@app.example.com',
  ])('refuses to start with the entry %s: a generic 500, the log names the entry', async (entry) => {
    const response = await metaFrom('https://app.example.com', `https://good.example.com,${entry}`);
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual({ error: 'Internal error', code: 'INTERNAL' });
    expect(String(errorLogs.calls().flat())).toContain(`ALLOWED_ORIGINS entry ${JSON.stringify(entry)}`);
  });

  it('lets a page of a valid entry read that 500, so the app can show it', async () => {
    const response = await metaFrom('https://good.example.com', 'https://good.example.com,app.example.com');
    expect(response.status).toBe(500);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://good.example.com');
  });

  it('parses origins as browsers send them', () => {
    expect(parseOrigin('https://App.example.com/')).toBe('https://app.example.com');
    expect(parseOrigin('http://localhost:5173')).toBe('http://localhost:5173');
    expect(parseOrigin('https://app.example.com:443')).toBe('https://app.example.com');
    expect(parseOrigin('https://app.example.com#x')).toBeNull();
    expect(parseOrigin('null')).toBeNull();
  });
});
