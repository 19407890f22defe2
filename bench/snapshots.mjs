// Realistic app snapshots for the benchmark: many localStorage keys, each holding the JSON text an
// app would store (lists of entries with titles, notes, tags, dates), a little non-ASCII included.
// Deterministic (seeded), so every run measures the same bytes.

/** The snapshot sizes of issue 7, as UTF-8 bytes of the canonical JSON. */
export const SNAPSHOT_SIZES = [
  { label: '10 KB', bytes: 10_000 },
  { label: '100 KB', bytes: 100_000 },
  { label: '1 MB', bytes: 1_000_000 },
  { label: '5 MB', bytes: 5_000_000 },
];

/** Every benchmark key starts with this, so `keyPrefixAdapter({ prefixes: [KEY_PREFIX] })` owns them. */
export const KEY_PREFIX = 'bench_';

const WORDS = (
  'meeting notes review plan draft budget salary contract renewal offer team lead project ' +
  'deadline sprint retro café naïve über résumé follow-up call email invoice travel visa onboarding ' +
  'training promotion feedback goals quarter release design spec bug fix deploy migrate weekly ' +
  'monthly focus deep work pomodoro break lunch commute gym reading 🌮 taco'
).split(' ');
const TAGS = ['work', 'home', 'health', 'money', 'career', 'learning', 'admin', 'side-project'];

/** mulberry32: a tiny seeded PRNG, good enough to vary text. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const utf8Bytes = (text) => Buffer.byteLength(text, 'utf8');

/**
 * A snapshot of about `targetBytes` (canonical JSON, UTF-8): one settings key, then
 * `bench_log_YYYY-MM-DD` keys of 1-6 entries each (about 0.3-2.5 KB per key).
 * @param {number} targetBytes
 * @returns {Record<string, string>}
 */
export function makeSnapshot(targetBytes, seed = 7) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const sentence = (words) => Array.from({ length: words }, () => pick(WORDS)).join(' ');
  const data = {
    [`${KEY_PREFIX}settings`]: JSON.stringify({
      theme: 'dark',
      weekStartsOn: 1,
      currency: 'EUR',
      locale: 'de-DE',
      hoursPerWeek: 38.5,
    }),
  };
  let bytes =
    2 +
    utf8Bytes(JSON.stringify(`${KEY_PREFIX}settings`)) +
    1 +
    utf8Bytes(JSON.stringify(data[`${KEY_PREFIX}settings`]));
  const day = Date.UTC(2024, 0, 1);
  for (let i = 0; bytes < targetBytes; i++) {
    const date = new Date(day + i * 86_400_000).toISOString().slice(0, 10);
    const entries = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, n) => ({
      id: `${date}-${n}-${Math.floor(next() * 1e9).toString(36)}`,
      date,
      title: sentence(3 + Math.floor(next() * 5)),
      notes: sentence(10 + Math.floor(next() * 40)),
      tags: [pick(TAGS), pick(TAGS)],
      minutes: Math.floor(next() * 480),
      done: next() < 0.7,
    }));
    const key = `${KEY_PREFIX}log_${date}`;
    const value = JSON.stringify(entries);
    data[key] = value;
    bytes += 1 + utf8Bytes(JSON.stringify(key)) + 1 + utf8Bytes(JSON.stringify(value));
  }
  return data;
}

/**
 * The same snapshot with one key edited (the `n`-th log key gets a new title in its first entry),
 * and the size of that change alone: the key and its new value as one canonical JSON entry.
 * @param {Record<string, string>} data
 * @param {number} n
 */
export function editOneKey(data, n) {
  const keys = Object.keys(data).filter((key) => key.startsWith(`${KEY_PREFIX}log_`));
  const key = keys[n % keys.length];
  const entries = JSON.parse(data[key]);
  entries[0].title = `edit ${n}: ${entries[0].title}`.slice(0, 80);
  const value = JSON.stringify(entries);
  return {
    data: { ...data, [key]: value },
    key,
    changeBytes: utf8Bytes(`{${JSON.stringify(key)}:${JSON.stringify(value)}}`),
  };
}
