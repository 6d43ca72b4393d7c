// The README picture: the issue the demo's triage opens (demo-triage.ts, through dist/index.js on the
// sandbox), rendered as GitHub-flavoured Markdown in a page styled like a GitHub issue and screenshotted in
// headless Chromium into docs/images/issue.png. Run with `npm run render-issue` (needs /usr/bin/chromium).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Marked } from 'marked';
import { DEMO_SCENARIO, triageDemoAlert } from './demo-triage.js';
import type { IssueRecord } from './github/state.js';
import { loadScenario, startSandbox } from './index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUTPUT = join(ROOT, 'docs', 'images', 'issue.png');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WIDTH = 1200;
const HEIGHT = 2400;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const CSS = `
body { margin: 0; background: #fff; color: #1f2328; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans",
  Helvetica, Arial, "Liberation Sans", sans-serif; }
main { max-width: 1012px; margin: 24px auto; padding: 0 16px; }
h1.title { font-size: 32px; font-weight: 400; margin: 0 0 8px; }
h1.title .number { color: #59636e; font-weight: 300; }
.meta { display: flex; gap: 8px; align-items: center; padding-bottom: 16px; border-bottom: 1px solid #d1d9e0;
  margin-bottom: 16px; color: #59636e; }
.state { background: #1f883d; color: #fff; border-radius: 2em; padding: 5px 12px; font-weight: 500; }
.label { border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 8px; font-size: 12px; font-weight: 500;
  background: #ddf4ff; color: #0969da; }
.comment { border: 1px solid #d1d9e0; border-radius: 6px; }
.comment header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; color: #59636e;
  border-radius: 6px 6px 0 0; }
.comment header b { color: #1f2328; }
.markdown-body { padding: 16px; word-wrap: break-word; }
.markdown-body > :first-child { margin-top: 0; }
.markdown-body h2, .markdown-body h3 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body p, .markdown-body ul, .markdown-body ol, .markdown-body table, .markdown-body pre,
  .markdown-body details { margin: 0 0 16px; }
.markdown-body ul, .markdown-body ol { padding-left: 2em; }
.markdown-body code { font: 85%/1.45 ui-monospace, "SFMono-Regular", Menlo, "Liberation Mono", monospace;
  background: rgba(129,139,152,.12); border-radius: 6px; padding: .2em .4em; }
.markdown-body pre { background: #f6f8fa; border-radius: 6px; padding: 16px; overflow: auto; }
.markdown-body pre code { background: none; padding: 0; font-size: 85%; }
.markdown-body table { border-collapse: collapse; display: block; max-width: 100%; overflow: auto; }
.markdown-body th, .markdown-body td { border: 1px solid #d1d9e0; padding: 6px 13px; }
.markdown-body th { font-weight: 600; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body input[type=checkbox] { margin: 0 .4em 0 -1.4em; }
.markdown-body li.task-list-item { list-style: none; }
.markdown-body summary { cursor: pointer; }
`;

/** The issue as GitHub shows it: title, state and labels, and the body rendered as GitHub-flavoured Markdown. */
function issuePage(issue: IssueRecord, author: string): string {
  const body = new Marked({ gfm: true }).parse(issue.body ?? '', { async: false });
  const labels = issue.labels.map((l) => `<span class="label">${escapeHtml(l)}</span>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head><body><main>
<h1 class="title">${escapeHtml(issue.title)} <span class="number">#${issue.number}</span></h1>
<div class="meta"><span class="state">Open</span><span><b>${escapeHtml(author)}</b> opened this issue</span>${labels}</div>
<div class="comment"><header><b>${escapeHtml(author)}</b> commented</header>
<div class="markdown-body">${body}</div></div>
</main></body></html>`;
}

function screenshot(html: string, png: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'render-issue-'));
  try {
    const page = join(dir, 'issue.html');
    writeFileSync(page, html);
    execFileSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--screenshot=${png}`,
        `--window-size=${WIDTH},${HEIGHT}`,
        pathToFileURL(page).href,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const scenario = loadScenario(DEMO_SCENARIO);
const sandbox = await startSandbox(scenario);
let issue: IssueRecord;
try {
  ({ issue } = await triageDemoAlert(sandbox));
} finally {
  await sandbox.close();
}
mkdirSync(dirname(OUTPUT), { recursive: true });
screenshot(issuePage(issue, issue.author), OUTPUT);
console.log(`wrote ${OUTPUT} (issue #${issue.number}: ${issue.title})`);
