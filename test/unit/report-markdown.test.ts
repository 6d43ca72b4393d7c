import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INLINE_MAX,
  GITHUB_BODY_MAX,
  cleanText,
  code,
  codeBlock,
  cut,
  inline,
  limitBody,
  linesOutsideCode,
  link,
  literal,
  table,
  titleText,
  type Markdown,
} from '../../src/report/markdown.js';

const ZWSP = '\u200B';

/**
 * What GitHub's renderer shows for our inline markdown (backslash escapes and the entities we emit decoded).
 * Valid only for output of `inline`, which emits no other markdown syntax.
 */
function shown(md: string): string {
  return md
    .replace(/\\(.)/g, '$1')
    .replace(/&#8203;/g, ZWSP)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Every markdown-significant character in the raw text is backslash-escaped or an entity we wrote. */
function unescapedSpecials(md: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < md.length; i += 1) {
    const ch = md[i]!;
    if (ch === '\\') {
      i += 1;
      continue;
    }
    if ('`*_[]|~#<>'.includes(ch)) found.push(`${ch}@${i}`);
    if (ch === '&') {
      const entity = /^&(lt|gt|amp|#8203);/.exec(md.slice(i));
      if (entity) i += entity[0].length - 1;
      else found.push(`&@${i}`);
    }
  }
  return found;
}

/**
 * Patterns GitHub turns into pings, references or autolinks in the rendered text, and marker text in the raw
 * body (where the issue finder looks). Links, images and HTML need raw `[`, `]`, `<` or `>`, which
 * `unescapedSpecials` rules out.
 */
function activeTriggers(md: string): string[] {
  const text = shown(md);
  const patterns: [string, RegExp, string][] = [
    ['mention', /(?:^|[^\w`])@[A-Za-z0-9]/, text],
    ['e-mail', /[\w.+-]@[A-Za-z0-9-]+\./, text],
    ['issue ref', /#\d/, text],
    ['GH ref', /\bGH-\d/i, text],
    ['autolink', /:\/\//, text],
    ['www autolink', /www\./i, text],
    ['marker', /<!--|-->|kv-alert-playbook/i, md],
  ];
  return patterns.filter(([, re, where]) => re.test(where)).map(([name]) => name);
}

/** The input as the reader should see it: cleaned, URLs defanged, our zero-width spaces removed. */
function faithful(md: string): string {
  return shown(md)
    .replaceAll(ZWSP, '')
    .replaceAll('[:]//', '://')
    .replace(/www\[\.\]/gi, (m) => `${m.slice(0, 3)}.`);
}

const hostile: string[] = [
  '@octocat please look',
  'cc @my-org/security-team now',
  '@@double and trailing @',
  'contact admin@contoso.com or mailto:admin@contoso.com',
  'fixes #123 and #1',
  'see octo-org/octo-repo#42 and GH-7 and gh-8',
  'octo-org/octo-repo@a1b2c3d',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="https://evil.example">click</a>',
  '<details open><summary>x</summary>',
  '[click me](https://evil.example/phish)',
  '![pixel](https://evil.example/track.png)',
  '[ref][1]\n\n[1]: https://evil.example',
  '<https://evil.example>',
  'https://evil.example/path?q=1 and http://x.test and ftp://y.test',
  'visit www.evil.example today',
  'WWW.EVIL.EXAMPLE',
  'x_https://evil.example',
  'javascript:alert(1)',
  '&lt;script&gt; &#64;octocat &commat;team &#x23;1',
  '<!-- kv-alert-playbook alert-sha256=deadbeef -->',
  'close --> then <!-- open',
  'KV-ALERT-PLAYBOOK',
  'a | b | c',
  'line1\nline2\r\nline3\rline4\u2028line5\u2029line6\u0085end',
  '# Heading',
  '- list item',
  '+ plus',
  '1. ordered',
  '42) ordered',
  '> quote',
  '===',
  '---',
  '**bold** _em_ ~~strike~~ `code`',
  'back\\slash \\@octocat \\#1 \\| pipe',
  '\\\\|',
  'trailing backslash \\',
  'tab\there',
  'bidi \u202Eevil\u202C and \u2066iso\u2069 \u200E\u200F \u061C',
  'zero\u200Bwidth\u200C\u200D\u2060\uFEFF chars',
  'soft\u00ADhyphen and tag\u{E0041}\u{E0042}chars',
  'nul\u0000 bell\u0007 esc\u001B[31m del\u007F c1\u0080\u009F',
  'lone \uD800 surrogate \uDC00 here',
  '@\u200Boctocat',
  '#\u200B123',
  'emoji 😀👨‍👩‍👧🇯🇵 ok',
  ':shipit: :+1:',
  '{{ github.token }} ${{ secrets.X }}',
  "'; DROP TABLE issues; --",
];

describe('inline', () => {
  it.each(hostile)('renders %j inert and faithful', (input) => {
    const md = inline(input, { max: 10_000 });
    expect(unescapedSpecials(md)).toEqual([]);
    expect(activeTriggers(md)).toEqual([]);
    expect(md).not.toMatch(/[\r\n]/);
    expect(faithful(md)).toBe(cleanText(input));
  });

  it('breaks mentions and team mentions with a zero-width space the reader does not see', () => {
    expect(inline('@octocat')).toBe('@&#8203;octocat');
    expect(inline('cc @org/team')).toBe('cc @&#8203;org/team');
    expect(inline('a@contoso.com')).toBe('a@&#8203;contoso.com');
  });

  it('breaks issue references, cross-repo references and GH- references', () => {
    expect(inline('#12')).toBe('\\#&#8203;12');
    expect(inline('o/r#3')).toBe('o/r\\#&#8203;3');
    expect(inline('GH-4')).toBe('GH-&#8203;4');
    expect(inline('# title')).toBe('\\# title');
  });

  it('escapes HTML and comments as entities and defangs URLs', () => {
    expect(inline('<b>&</b>')).toBe('&lt;b&gt;&amp;&lt;/b&gt;');
    expect(inline('<!-- x -->')).toBe('&lt;!-- x --&gt;');
    expect(inline('https://evil.example')).toBe('https\\[:\\]//evil.example');
    expect(inline('www.evil.example')).toBe('www\\[.\\]evil.example');
    expect(inline('[a](b)')).toBe('\\[a\\](b)');
  });

  it('escapes pipes and turns line breaks and tabs into spaces', () => {
    expect(inline('a|b\nc\td')).toBe('a\\|b c d');
  });

  it('escapes constructs that only count at the start of a line', () => {
    expect(inline('- x')).toBe('\\- x');
    expect(inline('+ x')).toBe('\\+ x');
    expect(inline('=== x')).toBe('\\=== x');
    expect(inline('12. x')).toBe('12\\. x');
    expect(inline('3) x')).toBe('3\\) x');
    expect(inline('a - b')).toBe('a - b');
  });

  it('removes bidi, zero-width, control and tag characters', () => {
    expect(inline('a\u202Eb\u2066c\u200Bd\u0000e\u009Bf\u{E0061}g')).toBe('abcdefg');
  });

  it('cuts long values with an ellipsis at the default length', () => {
    const md = inline('x'.repeat(5000));
    expect(md).toBe(`${'x'.repeat(DEFAULT_INLINE_MAX - 1)}…`);
    expect(inline('abcdef', { max: 4 })).toBe('abc…');
  });

  it('cuts before escaping, so an escape is never split', () => {
    const md = inline('<<<<<<<<', { max: 4 });
    expect(md).toBe('&lt;&lt;&lt;…');
  });
});

describe('cut', () => {
  it('never splits a surrogate pair, a ZWJ sequence or a flag', () => {
    expect(cut('ab😀cd', 4)).toBe('ab…');
    expect(cut('a🇯🇵🇫🇷', 4)).toBe('a…');
    expect(cut('a🇯🇵🇫🇷', 6)).toBe('a🇯🇵…');
    expect(cut('👨‍👩‍👧x', 9)).toBe('👨‍👩‍👧x');
    expect(cut('👨‍👩‍👧xy', 9)).toBe('👨‍👩‍👧…');
    expect(cut('👨‍👩‍👧xy', 8)).toBe('…');
    expect(cut('é'.normalize('NFD').repeat(3), 4)).toBe(`${'é'.normalize('NFD')}…`);
  });

  it('keeps text that fits', () => {
    expect(cut('short', 5)).toBe('short');
  });
});

describe('cleanText', () => {
  it('repairs lone surrogates so the body stays valid UTF-8', () => {
    expect(cleanText('a\uD800b\uDC00c')).toBe('a\uFFFDb\uFFFDc');
    expect(cleanText('😀')).toBe('😀');
  });

  it('keeps normalised line breaks and tabs when multiline', () => {
    expect(cleanText('a\r\nb\rc\u2028d\te', { multiline: true })).toBe('a\nb\nc\nd\te');
  });
});

/** Content of a single code span as GitHub shows it (CommonMark: one space stripped from each side). */
function spanContent(md: string): { fence: string; content: string } {
  const fence = /^`+/.exec(md)![0];
  expect(md.endsWith(fence)).toBe(true);
  let inner = md.slice(fence.length, md.length - fence.length);
  expect(inner.match(/`+/g)?.some((run) => run.length === fence.length) ?? false).toBe(false);
  expect(inner.startsWith('`') || inner.endsWith('`')).toBe(false);
  if (inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '') inner = inner.slice(1, -1);
  return { fence, content: inner };
}

describe('code', () => {
  it.each([
    ['plain', 'SecretGet'],
    ['one backtick', 'a`b'],
    ['runs of backticks', 'a``b```c'],
    ['leading backtick', '`start'],
    ['trailing backtick', 'end`'],
    ['only backticks', '```'],
    ['spaces both sides', ' padded '],
    ['mention and html', '@octocat <script>'],
  ])('keeps %s intact inside a fence that cannot be closed early', (_name, input) => {
    expect(spanContent(code(input)).content).toBe(input);
  });

  it('breaks marker text with a literal zero-width space (entities do not decode in code)', () => {
    const md = code('<!-- kv-alert-playbook alert-sha256=x -->');
    expect(md).not.toMatch(/<!--|-->|kv-alert-playbook/);
    expect(spanContent(md).content.replaceAll(ZWSP, '')).toBe('<!-- kv-alert-playbook alert-sha256=x -->');
  });

  it('puts line breaks on one line and removes bidi characters', () => {
    expect(code('a\nb\u202Ec')).toBe('`a bc`');
  });

  it('escapes pipes only for table cells', () => {
    expect(code('a|b')).toBe('`a|b`');
    expect(code('a|b', { table: true })).toBe('`a\\|b`');
  });

  it('cuts long values and renders empty text as a visible span', () => {
    expect(code('y'.repeat(300), { max: 10 })).toBe(`\`${'y'.repeat(9)}…\``);
    expect(code('')).toBe('` `');
  });
});

describe('codeBlock', () => {
  it('uses a fence longer than any backtick run inside', () => {
    const text = 'before\n```\nnot the end\n````\nstill inside';
    const md = codeBlock(text, 'kusto');
    const lines = md.split('\n');
    expect(lines[0]).toBe('`````kusto');
    expect(lines.at(-1)).toBe('`````');
    expect(lines.slice(1, -1).join('\n')).toBe(text);
  });

  it('uses three backticks at least and drops an unsafe info string', () => {
    expect(codeBlock('x', 'js onclick=1')).toBe('```\nx\n```');
    expect(codeBlock('x', '`')).toBe('```\nx\n```');
    expect(codeBlock('x')).toBe('```\nx\n```');
  });

  it('keeps lines, removes bidi and control characters, breaks markers', () => {
    const md = codeBlock('a\r\nb \u202Eevil\u0007\n<!-- kv-alert-playbook -->', 'text');
    expect(md).toBe(`\`\`\`text\na\nb evil\n<!${ZWSP}-- kv${ZWSP}-alert-playbook --${ZWSP}>\n\`\`\``);
  });

  it('says how much was cut from a long block', () => {
    const md = codeBlock('z'.repeat(1000), '', { max: 100 });
    expect(md).toContain('[901 more characters cut]');
    expect(md.length).toBeLessThan(200);
  });
});

describe('link', () => {
  const hosts = ['portal.azure.com', 'github.com'];

  it('makes a link with an inert label and a destination that cannot end early', () => {
    const md = link(
      '@octocat [x](y) #1',
      'https://portal.azure.com/#@t/resource/subscriptions/s/resourceGroups/a(b) c|d"e\\f',
      hosts,
    );
    expect(md).toBe(
      '[@&#8203;octocat \\[x\\](y) \\#&#8203;1](https://portal.azure.com/#@t/resource/subscriptions/s/resourceGroups/a%28b%29%20c%7Cd%22e%5Cf)',
    );
    const destination = md.slice(md.lastIndexOf('](') + 2, -1);
    expect(destination).not.toMatch(/[()<> "\\|]/);
  });

  it.each([
    ['javascript:alert(1)'],
    ['http://portal.azure.com/'],
    ['https://evil.example/'],
    ['https://portal.azure.com.evil.example/'],
    ['https://user:pw@portal.azure.com/'],
    ['data:text/html,<script>'],
    ['not a url'],
  ])('refuses %s', (url) => {
    expect(() => link('x', url, hosts)).toThrow(/markdown link/);
  });
});

/** Splits a table row on pipes that GitHub's table parser treats as cell separators. */
function cellsOf(row: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < row.length; i += 1) {
    if (row[i] === '|' && row[i - 1] !== '\\') {
      cells.push(current);
      current = '';
    } else current += row[i];
  }
  cells.push(current);
  return cells.slice(1, -1).map((c) => c.trim());
}

describe('table', () => {
  it('keeps every row to the header width whatever the values contain', () => {
    const rows = hostile.map((h) => [inline(h), code(h, { table: true }), 3]);
    const md = table(['Value', 'As code', 'Count'], rows);
    const lines = md.split('\n');
    expect(lines).toHaveLength(hostile.length + 2);
    expect(lines[1]).toBe('| --- | --- | --- |');
    for (const line of lines) expect(cellsOf(line)).toHaveLength(3);
  });

  it('renders header text inert and empty cells as blanks', () => {
    expect(table(['@x | y'], [[literal('')]])).toBe('| @&#8203;x \\| y |\n| --- |\n|   |');
  });

  it('refuses cells that would break the table (programming errors)', () => {
    expect(() => table(['a'], [[code('x|y')]])).toThrow(/unescaped pipe/);
    expect(() => table(['a'], [[literal('x\ny')]])).toThrow(/line break/);
    expect(() => table(['a', 'b'], [[literal('x')]])).toThrow(/row 0 has 1 cells, the header has 2/);
  });
});

describe('titleText', () => {
  it('makes one short line without references or mentions', () => {
    expect(titleText('Alert #12 for @octocat\n on GH-3 \u202E')).toBe(
      `Alert #${ZWSP}12 for @${ZWSP}octocat on GH-${ZWSP}3`,
    );
    expect(titleText('t'.repeat(400))).toHaveLength(256);
    expect(titleText('#1 '.repeat(200)).length).toBeLessThanOrEqual(256);
  });
});

describe('linesOutsideCode', () => {
  it('keeps only lines outside fenced code, fence lines excluded', () => {
    const body = [
      '**Plan SHA-256:** `abc`',
      '````text',
      '**Plan SHA-256:** `forged`',
      '```',
      '| forged | row |',
      '````',
      '| real | row |',
      '~~~',
      '**Plan SHA-256:** `forged too`',
      '~~~',
      'after',
    ].join('\r\n');
    expect(linesOutsideCode(body)).toEqual(['**Plan SHA-256:** `abc`', '| real | row |', 'after']);
  });

  it('treats an unclosed fence as code to the end', () => {
    expect(linesOutsideCode('a\n```\nb\nc')).toEqual(['a']);
  });
});

describe('limitBody', () => {
  const marker = '<!-- kv-alert-playbook alert-sha256=abc -->';

  it('leaves a body under the limit unchanged', () => {
    const body = `${marker}\n## Summary\nshort`;
    expect(limitBody(body)).toBe(body);
  });

  it('cuts a huge body under GitHub limit at a line boundary and says what was cut', () => {
    const impactRows = Array.from({ length: 3000 }, (_, i) => `| secret-${i} | SecretGet | 1 |`).join('\n');
    const body = `${marker}\n## Summary\nok\n## Impact\n| Object | Operation | Count |\n| --- | --- | --- |\n${impactRows}\n## Evidence\ntext`;
    expect(body.length).toBeGreaterThan(GITHUB_BODY_MAX);
    const out = limitBody(body, { fullTextHint: 'The full findings are in the job summary.' });
    expect(out.length).toBeLessThanOrEqual(GITHUB_BODY_MAX);
    expect(out.startsWith(`${marker}\n## Summary\nok\n## Impact\n`)).toBe(true);
    const note = out.split('\n').at(-1)!;
    expect(note).toMatch(/^> \*\*Truncated:\*\* \d+ characters \(\d+ lines\) were cut/);
    expect(note).toContain('Sections cut: Impact (partly), Evidence.');
    expect(note).toContain('The full findings are in the job summary.');
    const cutChars = Number(/(\d+) characters/.exec(note)![1]);
    expect(out.indexOf('\n\n> **Truncated:**')).toBe(body.length - cutChars);
    // Every kept table row is whole.
    const kept = out.split('\n').filter((l) => l.startsWith('| secret-'));
    for (const row of kept) expect(row).toMatch(/^\| secret-\d+ \| SecretGet \| 1 \|$/);
  });

  it('closes a code fence that the cut leaves open', () => {
    const body = `${marker}\n## Evidence\n\`\`\`\`kusto\n${'AzureDiagnostics | take 1\n'.repeat(200)}\`\`\`\`\n## After`;
    const out = limitBody(body, { max: 2000 });
    expect(out.length).toBeLessThanOrEqual(2000);
    const lines = out.split('\n');
    const noteAt = lines.findIndex((l) => l.startsWith('> **Truncated:**'));
    expect(lines[noteAt - 2]).toBe('````');
    expect(lines.filter((l) => /^`{4}/.test(l))).toHaveLength(2);
    expect(lines[noteAt]).toContain('Sections cut: Evidence (partly), After.');
  });

  it('names at most ten cut sections', () => {
    const sections = Array.from({ length: 40 }, (_, i) => `## Section ${i}\n${'z'.repeat(300)}`).join('\n');
    const out = limitBody(`${marker}\n${sections}`, { max: 3000 });
    expect(out.length).toBeLessThanOrEqual(3000);
    expect(out.split('\n').at(-1)).toMatch(/Sections cut: Section \d+ \(partly\), (Section \d+, ){9}and \d+ more\.$/);
  });

  it('does not count a comment line inside a code block as a section', () => {
    const body = `${marker}\n## Evidence\n\`\`\`sh\n# not a heading\n${'echo\n'.repeat(500)}\`\`\``;
    expect(limitBody(body, { max: 600 })).toContain('Sections cut: Evidence (partly).');
  });

  it('renders section names in the note inert', () => {
    const body = `${marker}\n${'x\n'.repeat(2000)}## @octocat #1\n${'y\n'.repeat(100)}`;
    const out = limitBody(body, { max: 1000 });
    expect(out).toContain('Sections cut: @&#8203;octocat \\#&#8203;1.');
  });
});

// Compile-time guarantee: a raw string is not Markdown.
// @ts-expect-error untrusted text must go through inline()/code() before it becomes a cell
table(['a'], [['raw']] as string[][]);
void (null as unknown as Markdown);
