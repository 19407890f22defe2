#!/usr/bin/env node
// `npm run function-lengths`: the functions of sdk/ and worker/src/ longer than the style's limit
// (70 lines, as prettier formats them at width 120), longest first. A function's length is its own
// lines: the lines of the functions nested in it do not count, so an engine written as one closure
// shows each operation on its own. Reports only (exit 0); `--max N` exits 1 when one is over N.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { answerHelp } from './usage.mjs';

answerHelp(`usage: npm run function-lengths [-- --max N]
  Lists the functions in sdk/ and worker/src/ over 70 of their own lines (nested functions not
  counted), longest first. With --max N, exits 1 when any is over N lines.`);

const LIMIT = 70;
const maxArg = process.argv.indexOf('--max');
const max = maxArg > 0 ? Number(process.argv[maxArg + 1]) : null;

const files = execFileSync('git', ['ls-files', 'sdk', 'worker/src'], { encoding: 'utf8' })
  .split('\n')
  .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file) && !file.endsWith('.d.ts'));

const isFunction = (node) =>
  ts.isFunctionDeclaration(node) ||
  ts.isFunctionExpression(node) ||
  ts.isArrowFunction(node) ||
  ts.isMethodDeclaration(node) ||
  ts.isConstructorDeclaration(node) ||
  ts.isGetAccessorDeclaration(node) ||
  ts.isSetAccessorDeclaration(node);

/** The name a person finds the function by: its own, or the variable or property it is assigned to. */
function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && ts.isIdentifier(parent.name))
    return parent.name.text;
  return '(anonymous)';
}

const rows = [];
for (const file of files) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const lineOf = (position) => source.getLineAndCharacterOfPosition(position).line;
  const visit = (node) => {
    if (isFunction(node) && node.body) {
      let nested = 0;
      const subtract = (child) => {
        if (isFunction(child) && child.body) nested += lineOf(child.getEnd()) - lineOf(child.getStart(source)) + 1;
        else ts.forEachChild(child, subtract);
      };
      ts.forEachChild(node.body, subtract);
      const lines = lineOf(node.getEnd()) - lineOf(node.getStart(source)) + 1 - nested;
      rows.push({ file, line: lineOf(node.getStart(source)) + 1, name: nameOf(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

rows.sort((a, b) => b.lines - a.lines);
const over = rows.filter((row) => row.lines > LIMIT);
console.log(`${rows.length} functions in ${files.length} files; ${over.length} over ${LIMIT} lines of their own:`);
for (const row of over) console.log(`  ${String(row.lines).padStart(4)}  ${row.name}  ${row.file}:${row.line}`);
if (over.length === 0)
  console.log(`  none; the longest: ${rows[0]?.lines ?? 0} lines (${rows[0]?.name} ${rows[0]?.file})`);
if (max !== null && rows[0] && rows[0].lines > max) process.exit(1);
