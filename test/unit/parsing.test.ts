import * as assert from 'node:assert/strict';
import { tokenize } from '../../server/src/engine/parsing/lexer';
import { isValidSql, keywordKind, nodeKind, parseSql, parserInput, StatementMemo, type ParsedFile, type Statement } from '../../server/src/engine/parsing/parser';
import { ByteOffsetMap, codePointToOffset } from '../../server/src/engine/text';
import { quoteIdent } from '../../server/src/engine/parsing/ast';

/** `start-end` of every statement. */
const spans = (p: ParsedFile): string[] => p.statements.map((s) => `${s.span.start}-${s.span.end}`);
/** `line:col-line:col` of every statement, LSP positions (UTF-16 columns). */
const ranges = (p: ParsedFile): string[] =>
  p.statements.map((s) => {
    const r = p.lines.rangeOf(s.span);
    return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
  });
const kinds = (p: ParsedFile): (string | undefined)[] => p.statements.map((s) => nodeKind(s.ast));
const errors = (p: ParsedFile): string[] => p.errors.map((e) => `${e.span.start}-${e.span.end} ${e.message}`);

/** The `location` of the first node of `kind` found in an AST (depth first), for offsetOf checks. */
function locationOf(node: unknown, kind: string): number | undefined {
  if (Array.isArray(node)) {
    for (const n of node) {
      const l = locationOf(n, kind);
      if (l !== undefined) return l;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === kind && v && typeof v === 'object' && typeof (v as { location?: unknown }).location === 'number') {
      return (v as { location: number }).location;
    }
    const l = locationOf(v, kind);
    if (l !== undefined) return l;
  }
  return undefined;
}

const offsetOfNode = (s: Statement, kind: string): number => {
  const loc = locationOf(s.ast, kind);
  assert.notEqual(loc, undefined, `${kind} has a location`);
  return s.offsetOf(loc);
};

describe('parsing', () => {
  describe('empty input', () => {
    for (const text of ['', '   \n\t\r\n', '-- only a comment', '-- a\n/* b /* nested */ c */\n\n', ';', ' ; ;\n;']) {
      it(`${JSON.stringify(text)} has no statements and no errors`, () => {
        const p = parseSql(text);
        assert.deepEqual(p.statements, []);
        assert.deepEqual(p.errors, []);
      });
    }
    it('keeps the comments of a comment-only file', () => {
      const p = parseSql('-- a\n/* b /* nested */ c */\n');
      assert.deepEqual(
        p.comments.map((c) => [c.kind, c.span.start, c.span.end, c.body]),
        [
          ['line', 0, 4, ' a'],
          ['block', 5, 27, ' b /* nested */ c '],
        ],
      );
    });
  });

  describe('spans and positions with non-ASCII text', () => {
    // Line 0 is 10 UTF-16 units ("-- café " is 8, the rocket a surrogate pair) but 14 UTF-8 bytes.
    const text = "-- café 🚀\nCREATE TABLE t (a int);\nSELECT 'é€', b FROM \"tä🚀b\";";

    it('whole file parses (fast path): exact spans, positions and node offsets', () => {
      const p = parseSql(text);
      assert.deepEqual(errors(p), []);
      assert.deepEqual(kinds(p), ['CreateStmt', 'SelectStmt']);
      assert.deepEqual(spans(p), ['11-33', '35-62']);
      assert.deepEqual(ranges(p), ['1:0-1:22', '2:0-2:27']);
      assert.deepEqual(p.statements.map((s) => s.text), ['CREATE TABLE t (a int)', "SELECT 'é€', b FROM \"tä🚀b\""]);
      const [create, select] = p.statements as [Statement, Statement];
      assert.equal(offsetOfNode(create, 'relation'), 24); // t
      assert.equal(offsetOfNode(create, 'ColumnDef'), 27); // a
      assert.equal(offsetOfNode(select, 'A_Const'), 42); // 'é€'
      assert.equal(offsetOfNode(select, 'ColumnRef'), 48); // b
      assert.equal(offsetOfNode(select, 'RangeVar'), 55); // "tä🚀b"
      assert.equal(text.slice(55, 62), '"tä🚀b"');
    });

    it('a file with a syntax error (slow path): same spans and node offsets', () => {
      const bad = text.replace('CREATE TABLE t (a int);', 'CREATE TABLE t (a int);\nSELEC 1;');
      const p = parseSql(bad);
      assert.deepEqual(kinds(p), ['CreateStmt', undefined, 'SelectStmt']);
      assert.deepEqual(spans(p), ['11-33', '35-42', '44-71']);
      assert.deepEqual(ranges(p), ['1:0-1:22', '2:0-2:7', '3:0-3:27']);
      assert.deepEqual(errors(p), ['35-40 syntax error at or near "SELEC"']);
      assert.equal(p.statements[1]!.error, p.errors[0]);
      const [create, , select] = p.statements as [Statement, Statement, Statement];
      assert.equal(offsetOfNode(create, 'relation'), 24);
      assert.equal(offsetOfNode(create, 'ColumnDef'), 27);
      assert.equal(offsetOfNode(select, 'A_Const'), 51);
      assert.equal(offsetOfNode(select, 'ColumnRef'), 57);
      assert.equal(offsetOfNode(select, 'RangeVar'), 64);
      assert.equal(bad.slice(64, 71), '"tä🚀b"');
    });

    it('a syntax error after non-ASCII text in the same statement points at the right token', () => {
      const p = parseSql("SELECT 1;\n-- ü\nSELECT 'é🚀' +\n  FROM x;\nSELECT 2");
      assert.deepEqual(errors(p), ['32-36 syntax error at or near "FROM"']);
      const r = p.lines.rangeOf(p.errors[0]!.span);
      assert.deepEqual(r, { start: { line: 3, character: 2 }, end: { line: 3, character: 6 } });
      assert.deepEqual(kinds(p), ['SelectStmt', undefined, 'SelectStmt']);
    });

    it('a syntax error at the `;` is reported at it, as PostgreSQL reports it for the whole file', () => {
      const p = parseSql('-- ñ\nCREATE TABLE é (a int\n;\nSELECT 1;');
      assert.deepEqual(errors(p), ['27-28 syntax error at or near ";"']);
      assert.deepEqual(spans(p), ['5-26', '29-37']);
      assert.deepEqual(kinds(p), [undefined, 'SelectStmt']);
    });

    it('a syntax error at the end of input is zero-width at the end of the last statement', () => {
      const p = parseSql('SELECT 1;\n-- ñ\nCREATE TABLE é (a int\n-- the end\n');
      assert.deepEqual(errors(p), ['36-36 syntax error at end of input']);
      assert.deepEqual(p.lines.rangeOf(p.errors[0]!.span).start, { line: 2, character: 21 });
    });
  });

  describe('statement boundaries', () => {
    it('statements after a bad one still parse, each error at its own token', () => {
      const p = parseSql('CREATE TABLE a (id int);\nDROP TABLE (;\nCREATE INDEX i ON a (id);\nALTER TABLE a ADD COLUMN;\nDROP TABLE a;');
      assert.deepEqual(kinds(p), ['CreateStmt', undefined, 'IndexStmt', undefined, 'DropStmt']);
      // As PostgreSQL reports them for the whole file: at the `;`, not "at end of input".
      assert.deepEqual(errors(p), ['36-37 syntax error at or near "("', '89-90 syntax error at or near ";"']);
    });

    it('$$ and $tag$ bodies containing semicolons are one statement', () => {
      const text =
        'CREATE FUNCTION f() RETURNS trigger AS $body$\nBEGIN\n  NEW.a := 1; RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;\n' +
        "DO $$ BEGIN PERFORM 1; RAISE NOTICE '$x$;'; END $$;\nSELECT $q$;$q$, $_1é$;$$;$_1é$";
      const p = parseSql(text);
      assert.deepEqual(errors(p), []);
      assert.deepEqual(kinds(p), ['CreateFunctionStmt', 'DoStmt', 'SelectStmt']);
      assert.deepEqual(ranges(p), ['0:0-4:23', '5:0-5:50', '6:0-6:30']);
    });

    it('$1 is a parameter, not the start of a dollar quote', () => {
      const p = parseSql('PREPARE p (int) AS SELECT $1;SELECT 2');
      assert.deepEqual(spans(p), ['0-28', '29-37']);
      assert.deepEqual(kinds(p), ['PrepareStmt', 'SelectStmt']);
    });

    it("E'' strings with escaped quotes and '' doubling do not end a statement", () => {
      const text = "SELECT E'it\\'s; still', 'it''s; too', e'\\\\';SELECT 2";
      const p = parseSql(text);
      assert.deepEqual(errors(p), []);
      assert.deepEqual(spans(p), ['0-43', '44-52']);
      assert.deepEqual(kinds(p), ['SelectStmt', 'SelectStmt']);
    });

    it('nested block comments and comments inside statements', () => {
      const text = '/* a /* ; */ b; */ SELECT 1; /* x */ SELECT /* ; */ 2 -- ;\n;';
      const p = parseSql(text);
      assert.deepEqual(spans(p), ['19-27', '37-53']);
      assert.deepEqual(p.statements.map((s) => s.text), ['SELECT 1', 'SELECT /* ; */ 2']);
      assert.deepEqual(
        p.comments.map((c) => `${c.kind} ${c.span.start}-${c.span.end}`),
        ['block 0-18', 'block 29-36', 'block 44-51', 'line 54-58'],
      );
    });

    for (const path of ['fast', 'slow'] as const) {
      it(`BEGIN ATOMIC ... END function bodies with CASE ... END inside (${path} path)`, () => {
        const prefix = path === 'slow' ? 'SELEC 0;\n' : '';
        const text =
          prefix +
          'CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN 1 > 0 THEN 1 ELSE 0 END;\n  SELECT 2;\nEND;\nSELECT 3';
        const p = parseSql(text);
        const o = prefix.length;
        assert.deepEqual(kinds(p).slice(path === 'slow' ? 1 : 0), ['CreateFunctionStmt', 'SelectStmt']);
        assert.deepEqual(spans(p).slice(path === 'slow' ? 1 : 0), [`${o}-${o + 117}`, `${o + 119}-${o + 127}`]);
        assert.equal(p.errors.length, path === 'slow' ? 1 : 0);
      });
    }

    it('CRLF line breaks: spans and positions', () => {
      const p = parseSql('SELECT 1;\r\nSELECT\r\n  2;\r\n-- é\r\nSELECT 3\r\n');
      assert.deepEqual(spans(p), ['0-8', '11-22', '31-39']);
      assert.deepEqual(ranges(p), ['0:0-0:8', '1:0-2:3', '4:0-4:8']);
      assert.deepEqual(p.comments.map((c) => c.body), [' é']);
    });

    it('CRLF with a syntax error on a later line', () => {
      const p = parseSql('SELECT 1;\r\nSELECT\r\n  2 +;\r\n');
      assert.deepEqual(errors(p), ['24-25 syntax error at or near ";"']);
      assert.deepEqual(p.lines.rangeOf(p.errors[0]!.span), { start: { line: 2, character: 5 }, end: { line: 2, character: 6 } });
    });

    it('the last statement without a semicolon', () => {
      const p = parseSql('CREATE TABLE a (id int);\n\nDROP TABLE a\n-- trailing comment\n');
      assert.deepEqual(spans(p), ['0-23', '26-38']);
      assert.deepEqual(kinds(p), ['CreateStmt', 'DropStmt']);
    });

    it('an unterminated quote runs to the end of the file and is one error at the quote', () => {
      const text = "SELECT 1;\nSELECT 'abc;\nSELECT 3;";
      const p = parseSql(text);
      assert.deepEqual(spans(p), ['0-8', '10-32']);
      assert.deepEqual(kinds(p), ['SelectStmt', undefined]);
      assert.equal(p.errors.length, 1);
      assert.deepEqual(p.errors[0]!.span, { start: 17, end: 32 });
      assert.match(p.errors[0]!.message, /^unterminated quoted string at or near "'abc;/);
    });

    it('an unterminated quoted identifier and dollar quote', () => {
      assert.deepEqual(errors(parseSql('SELECT 1; SELECT "ab')), ['17-20 unterminated quoted identifier at or near ""ab"']);
      assert.deepEqual(errors(parseSql('DO $$ BEGIN')), ['3-11 unterminated dollar-quoted string at or near "$$ BEGIN"']);
    });

    it('an unterminated block comment after the last statement is an error (PostgreSQL rejects the file)', () => {
      const p = parseSql('SELECT 1;\n/* é 🚀 never closed');
      assert.deepEqual(kinds(p), ['SelectStmt']);
      assert.deepEqual(errors(p), ['10-30 unterminated /* comment at or near "/* é 🚀 never closed"']);
      const only = parseSql('/* x');
      assert.deepEqual(only.statements, []);
      assert.deepEqual(errors(only), ['0-4 unterminated /* comment at or near "/* x"']);
    });

    // Found by the fuzz tier (issue 14): PostgreSQL's scanner rescans the operator characters after
    // each nested comment opener, so 20,000 `/*` in a row took seconds. Long comments are blanked
    // (same length in UTF-8) before the parser sees them; errors still quote the user's text.
    it('long comments are blanked for the parser, byte for byte; short ones are left alone', () => {
      const short = 'SELECT 1; /* a /* nested */ comment */ -- and a line comment';
      assert.equal(parserInput(short, parseSql(short).comments), short);
      const body = `x é/*😀\t${'/*'.repeat(600)}\r\n--\u0000-`;
      const text = `SELECT 1; /*${body}${'*/'.repeat(602)} -- ${'ab/*'.repeat(300)}\nSELECT 2;`;
      const blanked = parserInput(text, parseSql(text).comments);
      const innerEnd = text.indexOf(' -- ') - 2;
      assert.equal(blanked.slice(0, 12), 'SELECT 1; /*');
      assert.equal(blanked.slice(12, innerEnd), text.slice(12, innerEnd).replace(/[\x01-\x09\x0b\x0c\x0e-\x7f]/g, ' '));
      assert.match(blanked.slice(12, innerEnd), /^ {2}é {2}😀 {1201}\r\n {2}\u0000 {1203}$/);
      assert.equal(blanked.slice(innerEnd, innerEnd + 5), '*/ --');
      assert.equal(blanked.slice(innerEnd + 5), `${' '.repeat(1201)}\nSELECT 2;`);
      assert.equal(Buffer.byteLength(blanked), Buffer.byteLength(text));
      const p = parseSql(text);
      assert.deepEqual(kinds(p), ['SelectStmt', 'SelectStmt']);
      assert.deepEqual(p.errors, []);
    });

    it('20,000 nested comment openers: one error quoting the user\'s text, at the comment', () => {
      const comment = `/*${'/*'.repeat(20000)} é`;
      const p = parseSql(`SELECT 1;\n${comment}`);
      assert.deepEqual(kinds(p), ['SelectStmt']);
      assert.deepEqual(errors(p), [`10-${10 + comment.length} unterminated /* comment at or near "${comment}"`]);
      const inside = parseSql(`SELECT 1 ${comment}`);
      assert.deepEqual(errors(inside), [`9-${9 + comment.length} unterminated /* comment at or near "${comment}"`]);
    });

    it('isValidSql', () => {
      assert.equal(isValidSql(''), true);
      assert.equal(isValidSql('-- nothing'), true);
      assert.equal(isValidSql('ALTER TABLE t DROP COLUMN c;'), true);
      assert.equal(isValidSql('ALTER TABLE t DROP COLUMN;'), false);
    });
  });

  describe('tokenize', () => {
    const toks = (text: string, from?: number, to?: number): string[] =>
      tokenize(text, from, to).map((t) => `${t.kind}:${t.value}@${t.start}`);

    it('words, quoted identifiers, strings, numbers and punctuation; comments skipped', () => {
      assert.deepEqual(toks('alter TABLE "a""b".é -- x\n/* y /* z */ */ drop(1.5, E\'\\\'\', $t$;$t$)'), [
        'word:ALTER@0',
        'word:TABLE@6',
        'quoted-ident:a"b@12',
        'punct:.@18',
        'word:É@19',
        'word:DROP@42',
        'punct:(@46',
        'number:1.5@47',
        'punct:,@50',
        "string:E'\\''@52",
        'punct:,@57',
        'string:$t$;$t$@59',
        'punct:)@66',
      ]);
    });

    it('respects from/to and never throws on unterminated input', () => {
      assert.deepEqual(toks('xx SELECT $1 yy', 3, 12), ['word:SELECT@3', 'punct:$@10', 'number:1@11']);
      assert.deepEqual(toks("a 'bc"), ['word:A@0', "string:'bc@2"]);
      assert.deepEqual(toks('a "bc'), ['word:A@0', 'quoted-ident:bc@2']);
      assert.deepEqual(toks('a /* b'), ['word:A@0']);
      assert.deepEqual(toks('$$ x'), ['string:$$ x@0']);
    });
  });

  describe('offset conversions', () => {
    it('ByteOffsetMap maps UTF-8 byte offsets of 1-, 2-, 3- and 4-byte characters', () => {
      const text = 'aé€🚀b';
      const m = new ByteOffsetMap(text);
      assert.equal(m.byteLength, 11);
      // a=0, é=1..2, €=3..5, 🚀=6..9, b=10, end=11
      assert.deepEqual([0, 1, 3, 6, 10, 11].map((b) => m.toOffset(b)), [0, 1, 2, 3, 5, 6]);
    });

    it('codePointToOffset counts a surrogate pair as one code point, a lone surrogate too', () => {
      assert.equal(codePointToOffset('🚀x', 1), 2);
      assert.equal(codePointToOffset('\ud83dx', 1), 1);
      assert.equal(codePointToOffset('é🚀é', 3), 4);
    });
  });
});

describe('parsing with a statement memo (the editor)', () => {
  const same = (text: string, memo: StatementMemo): void => {
    const a = parseSql(text);
    const b = parseSql(text, memo);
    assert.deepEqual(
      b.statements.map((s) => [s.span, s.text, s.error?.message, s.error?.span]),
      a.statements.map((s) => [s.span, s.text, s.error?.message, s.error?.span]),
    );
    assert.deepEqual(b.errors, a.errors);
    // The same trees; node locations may count from the statement instead of the file, but each
    // one is the same place in the file.
    b.statements.forEach((s, i) => {
      const t = a.statements[i]!;
      const walk = (x: unknown, y: unknown, key: string): void => {
        if (key === 'location') return assert.equal(s.offsetOf(x as number), t.offsetOf(y as number));
        if (typeof x !== 'object' || x === null) return assert.equal(x, y);
        assert.deepEqual(Object.keys(x), Object.keys(y as object));
        for (const [k, v] of Object.entries(x)) walk(v, (y as Record<string, unknown>)[k], k);
      };
      walk(s.ast, t.ast, '');
    });
  };

  it('gives what the whole-file parse gives, and re-parses only the statements an edit changed', () => {
    const memo = new StatementMemo();
    const text = "-- é\nCREATE TABLE ü (id int);\nALTER TABLE ü ADD COLUMN \"naïve\" text;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 'a;b', $$x;y$$;\n";
    same(text, memo);
    const size = memo.size;
    const edited = text.replace('naïve', 'naïver');
    same(edited, memo);
    assert.equal(memo.size, size + 1, 'one statement changed, one parse added');
    // A syntax error: every other statement still parses, the error is where the whole-file path puts it.
    same(text.replace('ADD COLUMN', 'ADD COLUM'), memo);
    same('SELECT 1;\nSELEC 2;\nSELECT 3', memo);
    same('', memo);
    same('-- only a comment\n', memo);
    same('SELECT 1; /* open comment', memo);
  });

  it('after a statement that fails alone, tells a split the lexer got wrong from a real error by the rest of the file', () => {
    // The lexer cuts a rule's parenthesized actions at their `;`: the first piece fails alone, yet
    // the file parses (the rest of the file from that piece on does).
    const selects = [1, 2, 3, 4, 5, 6].map((n) => `SELECT ${n};\n`).join('');
    const rule = `${selects}CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);\nSELECT 7;\n`;
    const memo = new StatementMemo();
    // The statements around the rule are known (a keystroke's case): the rule's pieces are parsed alone.
    same(`${selects}SELECT 7;\n`, memo);
    same(rule, memo);
    assert.equal(parseSql(rule, memo).statements.length, 8);
    same(`${rule}-- typed\n`, memo);
    assert.equal(parseSql(`${rule}-- typed\n`, memo).errors.length, 0);
    // A statement typed at the end, keystroke by keystroke: the error is the whole-file path's each time.
    const typed = 'ALTER TABLE t ADD COLUMN c text;';
    for (let n = 1; n <= typed.length; n++) same(`${rule}${typed.slice(0, n)}`, memo);
    // And at the start, before the rule.
    for (let n = 1; n <= typed.length; n += 5) same(`${typed.slice(0, n)}\n${rule}`, memo);
  });

  it('keeps at most its statement count and its characters, dropping the least recently used', () => {
    const memo = new StatementMemo(3, 25);
    memo.set('SELECT 1', { ast: undefined });
    memo.set('SELECT 2', { ast: undefined });
    memo.get('SELECT 1');
    memo.set('SELECT 3', { ast: undefined });
    // 24 characters: all three kept; a fourth statement goes over both limits, the least recently used goes.
    assert.deepEqual(['SELECT 1', 'SELECT 2', 'SELECT 3'].map((q) => memo.has(q)), [true, true, true]);
    memo.set('SELECT 4', { ast: undefined });
    assert.deepEqual(['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 4'].map((q) => memo.has(q)), [true, false, true, true]);
    // One statement longer than the whole budget is kept alone.
    memo.set('SELECT 1234567890123456789012345', { ast: undefined });
    assert.equal(memo.size, 1);
  });
});

describe('keywords and quoting', () => {
  it('asks the scanner for words that can be keywords', () => {
    assert.equal(keywordKind('select'), 'RESERVED_KEYWORD');
    assert.equal(keywordKind('USER'), 'RESERVED_KEYWORD');
    assert.equal(keywordKind('name'), 'UNRESERVED_KEYWORD');
    assert.equal(keywordKind('current_timestamp'), 'RESERVED_KEYWORD'); // 17 characters: the longest keyword
    assert.equal(keywordKind('email'), 'NO_KEYWORD');
  });

  it('answers without the scanner for names with a digit or $, or longer than any keyword', () => {
    for (const word of ['c1', 'int4', 'user2', 'a$b', 'x_current_timestamp']) assert.equal(keywordKind(word), 'NO_KEYWORD', word);
    assert.equal(quoteIdent('c10000'), 'c10000');
    assert.equal(quoteIdent('user'), '"user"');
    assert.equal(quoteIdent('Order1'), '"Order1"');
  });
});
