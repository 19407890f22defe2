#!/usr/bin/env node
// Code in the docs that cannot rot: every ```ts and ```tsx snippet of docs/api.md and docs/ui.md is
// compiled with the repository's strict options, `taco-sync` and its subpaths resolving to the SDK's
// sources (the same declarations the package's .d.ts files are built from). A snippet may use names
// it does not define (`auth`, `render`, `data`: the reader's app), but never a name the package
// exports without importing it, and nothing else may fail. Solid snippets (importing `solid-js` or
// `taco-sync/solid`) compile with Solid's JSX, the other .tsx ones with React's. Exit 0 prints the
// count; exit 1 lists every problem with the doc's line.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ENTRIES } from './package-entries.mjs';
import { answerHelp } from './usage.mjs';

// `npm run check:docs -- --help` reaches this, the second of its two commands.
answerHelp(`usage: npm run check:docs
  check-api-docs: every export of every subpath has TSDoc and is documented in docs/api.md.
  check-doc-snippets: every ts/tsx snippet of docs/api.md and docs/ui.md compiles against the SDK.
  Exits 1 with the problems. No options.`);

const root = fileURLToPath(new URL('..', import.meta.url));
const DOCS = ['docs/api.md', 'docs/ui.md'];
/**
 * "Cannot find name 'x'" (and "… Did you mean 'y'?"), "No value exists in scope for the shorthand
 * property 'x'": a placeholder of the reader's app.
 */
const UNDEFINED_NAME = new Set([2304, 2552, 18004]);

/** The ts/tsx snippets of one doc, each with the line its code starts on. */
function snippetsOf(doc) {
  const snippets = [];
  let open = null;
  readFileSync(`${root}${doc}`, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (open) {
        if (/^\s*```\s*$/.test(line)) {
          snippets.push(open);
          open = null;
        } else open.lines.push(line);
        return;
      }
      const fence = /^\s*```(ts|tsx)\s*$/.exec(line);
      if (fence) open = { doc, line: index + 2, lang: fence[1], lines: [] };
    });
  return snippets.map((s) => ({ ...s, code: `${s.lines.join('\n')}\nexport {};\n` }));
}

const snippets = DOCS.flatMap(snippetsOf);
const fileOf = (s, i) => `${root}docs/.snippet-${i}.${s.lang}`;
const isSolid = (s) => /from ['"](solid-js|taco-sync\/solid)['"]/.test(s.code);

const config = ts.getParsedCommandLineOfConfigFile(
  `${root}tsconfig.json`,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
);
const paths = Object.fromEntries(Object.entries(ENTRIES).map(([subpath, file]) => [subpath, [file]]));
const base = { ...config.options, noEmit: true, baseUrl: root, paths, types: [] };

// Every name the package exports: using one without importing it is a broken snippet, not a placeholder.
const entryProgram = ts.createProgram(
  Object.values(ENTRIES).map((file) => `${root}${file}`),
  config.options,
);
const checker = entryProgram.getTypeChecker();
const exportedNames = new Set(
  Object.values(ENTRIES).flatMap((file) =>
    checker
      .getExportsOfModule(checker.getSymbolAtLocation(entryProgram.getSourceFile(`${root}${file}`)))
      .map((s) => s.getName()),
  ),
);

/** Compiles the snippets `indexes` with `options`; returns the problems. */
function compile(indexes, options) {
  if (indexes.length === 0) return [];
  const virtual = new Map(indexes.map((i) => [fileOf(snippets[i], i), i]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => (virtual.has(file) ? snippets[virtual.get(file)].code : readFile.call(host, file));
  host.getSourceFile = (file, language, ...rest) =>
    virtual.has(file)
      ? ts.createSourceFile(file, snippets[virtual.get(file)].code, language, true)
      : getSourceFile.call(host, file, language, ...rest);
  const program = ts.createProgram([...virtual.keys()], options, host);
  const problems = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const index = d.file && virtual.get(d.file.fileName);
    if (index === undefined) {
      problems.push(`${d.file?.fileName.slice(root.length) ?? 'options'}: ${message}`);
      continue;
    }
    const s = snippets[index];
    const name = /'([^']+)'/.exec(message)?.[1];
    if (UNDEFINED_NAME.has(d.code) && !exportedNames.has(name)) continue;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    problems.push(
      `${s.doc}:${s.line + line}: ${message}${UNDEFINED_NAME.has(d.code) ? ' (a taco-sync export: import it)' : ''}`,
    );
  }
  return problems;
}

const all = snippets.map((_, i) => i);
const problems = [
  ...compile(
    all.filter((i) => snippets[i].lang === 'ts'),
    base,
  ),
  ...compile(
    all.filter((i) => snippets[i].lang === 'tsx' && !isSolid(snippets[i])),
    { ...base, jsx: ts.JsxEmit.ReactJSX, jsxImportSource: 'react' },
  ),
  ...compile(
    all.filter((i) => snippets[i].lang === 'tsx' && isSolid(snippets[i])),
    { ...base, jsx: ts.JsxEmit.Preserve, jsxImportSource: 'solid-js' },
  ),
];

if (problems.length > 0) {
  console.error(`check-doc-snippets: ${problems.length} problem(s)`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(`check-doc-snippets: ok, ${snippets.length} ts/tsx snippets of ${DOCS.join(' and ')} compile`);
