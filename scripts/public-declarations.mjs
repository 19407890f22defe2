#!/usr/bin/env node
// Part of `npm run build`, after tsup: the declaration files in dist/ keep only the public members of
// classes. tsup writes the types twice, once for `import` (.d.ts) and once for `require` (.d.cts), so a
// TypeScript program with both kinds of importers (an .mts and a .cts file under node16/nodenext) has
// two copies of each element class. A class with private or protected members is nominal: the two
// copies were different types, and the global `HTMLElementTagNameMap` and the React and Solid JSX tag
// maps, declared once per copy, failed with TS2717 inside the .d.cts. Without those members the copies
// are one structural type, so the maps merge and an element from either copy fits the other's type.
// The members were never part of the API: users cannot call private ones, and the elements are not
// made to be subclassed.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { answerHelp } from './usage.mjs';

const HIDDEN = ts.ModifierFlags.Private | ts.ModifierFlags.Protected;

/**
 * A declaration file's text without the private and protected class members (with their doc
 * comments), and without `#private` fields.
 * @param {string} text the declaration file's text
 * @param {string} fileName its name (for the parser only)
 * @returns {string} the text with those members cut out; everything else byte for byte as it was
 */
export function withoutNonPublicMembers(text, fileName) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const cuts = [];
  const visit = (node) => {
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      for (const member of node.members) {
        const hidden =
          (ts.getCombinedModifierFlags(member) & HIDDEN) !== 0 ||
          (member.name !== undefined && ts.isPrivateIdentifier(member.name));
        if (hidden) cuts.push([member.getFullStart(), member.getEnd()]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let out = text;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + out.slice(end);
  return out;
}

/** Rewrites every .d.ts and .d.cts file in `dir`; returns how many members it cut. */
export function publicDeclarations(dir) {
  let cut = 0;
  for (const name of readdirSync(dir)) {
    if (!/\.d\.c?ts$/.test(name)) continue;
    const path = join(dir, name);
    const before = readFileSync(path, 'utf8');
    const after = withoutNonPublicMembers(before, name);
    if (after === before) continue;
    cut += before.split('\n').length - after.split('\n').length;
    writeFileSync(path, after);
  }
  return cut;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  answerHelp(`usage: node scripts/public-declarations.mjs
  Run by npm run build after tsup: removes private and protected class members from the
  declaration files in dist/, so the import (.d.ts) and require (.d.cts) copies of a class are one
  type. No options.`);
  const dist = fileURLToPath(new URL('../dist', import.meta.url));
  console.log(
    `public-declarations: ${publicDeclarations(dist)} non-public member lines removed from dist/*.d.ts, *.d.cts`,
  );
}
