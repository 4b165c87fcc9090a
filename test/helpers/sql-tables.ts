// Which tables the SQL in a source file names: every string and template literal (template
// substitutions read as a placeholder) that names a table after FROM / JOIN / INTO / UPDATE /
// TABLE / INDEXED BY, and the table an insertInto() call names. Comments and call names ('outbox.status') are not SQL and do not
// count. Used by the table-ownership test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const TABLE_AFTER = /\b(?:FROM|JOIN|INTO|UPDATE|TABLE|INDEXED\s+BY)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/gi;

/** The texts of the string-like literals in `source`. */
export function literalsOf(fileName: string, source: string): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    // electron/db/sql.ts insertInto(db, 'table', row) writes the INSERT from the table's name.
    if (ts.isCallExpression(n) && /(^|\.)insertInto$/.test(n.expression.getText(sf)) && n.arguments[1] && ts.isStringLiteralLike(n.arguments[1])) {
      out.push(`INSERT INTO ${n.arguments[1].text}`);
    }
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) out.push(n.text);
    else if (ts.isTemplateExpression(n)) out.push([n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' ? '));
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Table names the SQL literals of `source` refer to, lower-cased. */
export function tablesNamedIn(fileName: string, source: string): Set<string> {
  const found = new Set<string>();
  for (const text of literalsOf(fileName, source)) {
    for (const m of text.matchAll(TABLE_AFTER)) found.add(m[1]!.toLowerCase());
  }
  return found;
}

/** Every .ts/.tsx file under `dir`, as paths relative to `root` with forward slashes. */
export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, p).split('\\').join('/'));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

/** "file: table" for each table named outside its owner's folder. */
export function ownershipViolations(root: string, files: readonly string[], owners: Readonly<Record<string, string>>): string[] {
  const bad: string[] = [];
  for (const f of files) {
    for (const t of tablesNamedIn(f, readFileSync(join(root, f), 'utf8'))) {
      const owner = owners[t];
      if (owner !== undefined && !f.startsWith(owner)) bad.push(`${f}: ${t} (owner ${owner})`);
    }
  }
  return bad;
}
