#!/usr/bin/env node
// Flags regular expressions that may take super-linear time (nested quantifiers, too many
// repetitions, backreferences) in src/**/*.ts, or in the files and folders given as
// arguments. A regex over input that is bounded or trusted may stay when its line, or a
// comment line right above it, says why: `// regex-safe: <reason>`. Exit 1 on a finding.
// safe-regex2 only sees star height, so it misses some quadratic patterns (a lazy `.*?`
// before a literal, `\s+x` over long runs); the linearity tests catch those at run time.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import safeRegex from 'safe-regex2';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const JUSTIFIED = /\/\/\s*regex-safe:\s*\S/;

function tsFiles(target) {
  if (!fs.statSync(target).isDirectory()) return /\.tsx?$/.test(target) ? [target] : [];
  return fs.readdirSync(target, { withFileTypes: true }).flatMap((e) => tsFiles(path.join(target, e.name)));
}

/** Pattern and flags of a regex literal or of `new RegExp('literal', 'flags')`, else null. */
function regexOf(node) {
  if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
    const text = node.text;
    const slash = text.lastIndexOf('/');
    return { pattern: text.slice(1, slash), flags: text.slice(slash + 1) };
  }
  const isCall = ts.isNewExpression(node) || ts.isCallExpression(node);
  if (!isCall || !ts.isIdentifier(node.expression) || node.expression.text !== 'RegExp') return null;
  const [pattern, flags] = node.arguments ?? [];
  if (!pattern || !ts.isStringLiteralLike(pattern)) return null;
  return { pattern: pattern.text, flags: flags && ts.isStringLiteralLike(flags) ? flags.text : '' };
}

/** Why a pattern may be super-linear, or null when safe-regex2 and the backreference check pass. */
function problemOf({ pattern, flags }) {
  if (/\\[1-9]|\\k</.test(pattern)) return 'backreference';
  let re;
  try {
    re = new RegExp(pattern, flags);
  } catch {
    return null; // a dynamic or invalid pattern is the compiler's business, not this check's
  }
  return safeRegex(re) ? null : 'nested or repeated quantifiers (safe-regex2)';
}

function justified(lines, line) {
  return JUSTIFIED.test(lines[line]) || (line > 0 && /^\s*\/\//.test(lines[line - 1]) && JUSTIFIED.test(lines[line - 1]));
}

export function findingsIn(file) {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = text.split('\n');
  const out = [];
  const visit = (node) => {
    const re = regexOf(node);
    const problem = re && problemOf(re);
    if (problem) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      if (!justified(lines, line)) out.push(`${path.relative(root, file)}:${line + 1}: /${re.pattern}/${re.flags}: ${problem}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function main(targets) {
  const files = (targets.length ? targets : [path.join(root, 'src')]).flatMap((t) => tsFiles(path.resolve(t)));
  const findings = files.flatMap(findingsIn);
  for (const f of findings) console.error(f);
  if (findings.length) {
    console.error(`check-regex: ${findings.length} regex(es) may take super-linear time; rewrite as a scanner or add \`// regex-safe: <why the input is bounded or trusted>\``);
    process.exitCode = 1;
  } else console.log(`check-regex: ${files.length} files, no unjustified super-linear regex`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
