import { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** One label matcher of a selector, e.g. `reason=~"unavailable|deadline_exceeded"`. */
export interface LabelMatcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  /** The matched value or regular expression, unquoted. */
  readonly value: string;
}

/** A vector selector of a query: the metric it reads and its label matchers. */
export interface MetricSelector {
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
}

/**
 * Parses `expr` with Prometheus's own PromQL grammar (`@prometheus-io/lezer-promql`, the parser of
 * the Prometheus web UI) and returns its syntax errors as offsets with the text there; empty when
 * the query parses.
 */
export function promqlSyntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(node.from, node.from + 20)}"`);
    },
  });
  return errors;
}

/**
 * Every vector selector in `expr` with its metric name and label matchers, in order.
 *
 * @throws Error naming the query when it does not parse
 */
export function metricSelectors(expr: string): MetricSelector[] {
  const errors = promqlSyntaxErrors(expr);
  if (errors.length > 0) throw new Error(`not a PromQL query (${errors.join('; ')}): ${expr}`);
  const text = (node: SyntaxNode | null) => (node ? expr.slice(node.from, node.to) : '');
  const selectors: MetricSelector[] = [];
  parser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      const matchers = (node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []).map(
        (m): LabelMatcher => ({
          label: text(m.getChild('LabelName')),
          op: text(m.getChild('MatchOp')) as LabelMatcher['op'],
          value: unquote(text(m.getChild('StringLiteral'))),
        }),
      );
      selectors.push({ metric: text(node.getChild('Identifier')), matchers });
    },
  });
  return selectors;
}

/** The value of a PromQL string literal: double-quoted with escapes, or single- or back-quoted. */
function unquote(literal: string): string {
  if (literal.startsWith('"')) return JSON.parse(literal) as string;
  return literal.slice(1, -1);
}
