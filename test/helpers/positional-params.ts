// Where SQL in a source file still takes positional parameters (`?`, `?1`) instead of named ones
// (`:name`, electron/db/sql.ts). Positional lists are counted by hand against their values — the
// mistake issue 15 found in journal.ts (`new Array(29 + cols.length + 6)`). Used by the
// named-parameters architecture test.
import ts from 'typescript';

const SQL_WORD = /\b(SELECT|INSERT|UPDATE|DELETE|VALUES|WHERE)\b/i;
// A `?` standing where a value goes: after a space, bracket, comma or comparison, before a space,
// bracket, comma, semicolon or the end. JSON paths ('$.a?') and regexes do not match.
const POSITIONAL = /(?:^|[\s(,=<>])\?\d*(?=$|[\s),;])/g;

/** How many positional parameters the SQL literals of `source` hold. */
export function positionalParamsIn(fileName: string, source: string): number {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  let count = 0;
  const visit = (n: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) text = n.text;
    // A substitution is code (a table name, a column list), not a parameter: read it as a word.
    else if (ts.isTemplateExpression(n)) text = [n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join('x');
    if (text !== undefined && SQL_WORD.test(text)) count += text.match(POSITIONAL)?.length ?? 0;
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return count;
}
