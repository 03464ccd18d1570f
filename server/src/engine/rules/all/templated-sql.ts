import type { Rule } from '../types';

/**
 * Reports, once each, the statements of a template (`{{ ... }}` actions, as pop and popx render
 * every `.sql` migration with Go's text/template) that do not parse even with their actions masked
 * (see parsing/templates.ts): they are not checked, and they are never syntax errors. Statements
 * whose masked text parses are checked like any other.
 */
export const templatedSql: Rule = {
  meta: {
    id: 'templated-sql',
    category: 'correctness',
    description: 'A statement built by template actions ({{ ... }}) that only parses once rendered; it is not checked.',
    defaultSeverity: 'info',
    messages: {
      notChecked:
        'This statement is a template: with its {{ ... }} actions it is not SQL until rendered, so it is not checked. Checks resume with the next statement.',
    },
    help: [
      '**What happens:** the migration tool renders the file (Go text/template for pop and popx) before PostgreSQL sees it.',
      'Values such as `{{ .Table }}` are read as names, and conditions on the dialect (`{{ if .IsPostgreSQL }}`) are evaluated,',
      'so most templated statements are checked; this one still does not parse, so no rule looks at it.',
      '',
      '**What to do:** nothing, or keep template actions to names and values (not keywords or punctuation) so that the',
      'statement can be checked.',
    ].join('\n'),
  },
  check(ctx) {
    for (const stmt of ctx.parsed.statements) {
      if (stmt.templated && !stmt.ast) ctx.report({ messageId: 'notChecked', span: stmt.span, statement: stmt });
    }
  },
};
