// Where production code puts `as` on a row read from SQLite: `<statement>.get(...) as T` or
// `.all(...) as T[]`, the statement being a prepare()/stmt()/pluck() call or a variable named
// like one (fooStmt, statement). Such a cast believes whatever the file holds; the typed
// helper electron/db/sql.ts checks rows instead. Used by test/unit/architecture/row-casts.test.ts.
import ts from 'typescript';

function isStatementLike(e: ts.Expression): boolean {
  if (ts.isCallExpression(e)) return true; // db.prepare(sql).get, stmt(db, sql).get, s.pluck().get
  const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '';
  return /stmt|statement/i.test(name);
}

/** Line numbers (1-based) of row casts in `source`. */
export function rowCastsIn(fileName: string, source: string): number[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const lines: number[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isAsExpression(n) || ts.isTypeAssertionExpression(n)) {
      let e = n.expression;
      while (ts.isParenthesizedExpression(e)) e = e.expression;
      if (
        ts.isCallExpression(e) &&
        ts.isPropertyAccessExpression(e.expression) &&
        /^(get|all)$/.test(e.expression.name.text) &&
        isStatementLike(e.expression.expression) &&
        !(ts.isTypeReferenceNode(n.type) && n.type.typeName.getText(sf) === 'unknown') &&
        n.type.kind !== ts.SyntaxKind.UnknownKeyword
      ) {
        lines.push(sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return lines;
}
