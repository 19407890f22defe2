import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The code blocks of a doc that start with `// recipes/<file>`. */
const shownIn = (doc: string) =>
  [
    ...readFileSync(join(import.meta.dirname, '../docs', doc), 'utf8').matchAll(
      /```ts\n\/\/ recipes\/([\w.-]+)\n([\s\S]*?)\n```/g,
    ),
  ].map(([, file, code]) => ({ doc, file: file!, code: code! }));
const shown = [...shownIn('recipes.md'), ...shownIn('testing.md')];

describe('docs/recipes.md and docs/testing.md', () => {
  it('show every recipe and the testing example', () => {
    expect(shown.map(({ file }) => file).sort()).toEqual([
      'app-under-test.test.ts',
      'fake-endpoint.ts',
      'jotai.ts',
      'notifying-storage.ts',
      'pinia.ts',
      'redux-persist.ts',
      'zustand.ts',
    ]);
  });

  it.each(shown)('$doc shows recipes/$file exactly as tested', ({ file, code }) => {
    expect(code).toBe(readFileSync(join(import.meta.dirname, file), 'utf8').trimEnd());
  });
});
