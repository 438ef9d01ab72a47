// The frame every page shares and the pieces forms are built from: semantic HTML that works without JavaScript,
// labelled fields, errors next to the field they name and announced to screen readers.
import type { Problem } from './api.js';
import { html, type Html } from './html.js';
import type { Language, Texts } from './i18n.js';

export interface Frame {
  readonly t: Texts;
  readonly language: Language;
  /** The page's own path, for the language switch. */
  readonly path: string;
  readonly cooperativeId?: string | undefined;
  readonly cooperativeName?: string | undefined;
  readonly signedIn: boolean;
  /** An officer sees the register in the navigation. */
  readonly officer?: boolean;
}

/** A problem the API gave for one form of the page. */
export interface FormProblem {
  readonly form: string;
  readonly problem: Problem;
  /** What was posted, so the form comes back as it was filled in. */
  readonly values?: Readonly<Record<string, unknown>> | undefined;
}

export const STYLESHEET = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --accent: #0b5d3b; --accent-ink: #ffffff; --line: #c9c9c9;
  --error: #a4000f; --soft: #f3f6f4; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5; font-size: 1.05rem; }
a { color: var(--accent); }
.skip { position: absolute; left: -999px; top: 0; background: var(--accent); color: var(--accent-ink); padding: .5rem 1rem; }
.skip:focus { left: 0; }
header { background: var(--accent); color: var(--accent-ink); padding: .75rem 1rem; }
header a, header button.link { color: var(--accent-ink); }
header .bar { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: baseline; max-width: 60rem; margin: 0 auto; }
header .name { font-weight: 700; margin-right: auto; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; overflow-wrap: break-word; }
h1 { font-size: clamp(1.5rem, 7vw, 2.25rem); line-height: 1.2; }
code { overflow-wrap: anywhere; }
section { margin: 1.5rem 0; }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: 1rem; margin: 1rem 0; }
.muted { color: var(--muted); }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
input[type=text], input[type=email], input[type=datetime-local], input[type=tel], textarea {
  width: 100%; max-width: 32rem; padding: .5rem; border: 1px solid #767676; border-radius: .25rem; font: inherit; }
fieldset { border: 1px solid var(--line); border-radius: .25rem; margin: .75rem 0; }
legend { font-weight: 600; }
.choice { display: inline-flex; gap: .35rem; margin-right: 1rem; align-items: center; font-weight: 400; }
button { font: inherit; padding: .5rem 1rem; border-radius: .25rem; border: 2px solid var(--accent); background: var(--accent);
  color: var(--accent-ink); cursor: pointer; margin-top: .5rem; }
button.secondary { background: #fff; color: var(--accent); }
button.link { background: none; border: none; padding: 0; margin: 0; text-decoration: underline; }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.alert { border-left: .35rem solid var(--error); background: #fdf0f1; padding: .75rem 1rem; margin: .75rem 0; }
.notice { border-left: .35rem solid var(--accent); background: var(--soft); padding: .75rem 1rem; margin: .75rem 0; }
.field-error { color: var(--error); font-weight: 600; margin: .25rem 0; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.table-scroll { overflow-x: auto; }
figure { margin: 1rem 0; }
svg { max-width: 100%; height: auto; }
svg text { font-size: 12px; fill: var(--ink); }
svg .budgeted { fill: #8fb8a4; }
svg .actual { fill: #0b5d3b; }
.legend { list-style: none; display: flex; gap: 1rem; padding: 0; }
.swatch { display: inline-block; width: .9rem; height: .9rem; margin-right: .35rem; vertical-align: middle; }
.swatch.budgeted { background: #8fb8a4; } .swatch.actual { background: #0b5d3b; }
.decision { background: var(--soft); padding: .75rem 1rem; border-radius: .25rem; }
@media (max-width: 36rem) { body { font-size: 1rem; } main { padding: .75rem; } }
`;

export function layout(frame: Frame, title: string, content: Html): Html {
  const { t, language } = frame;
  const base = frame.cooperativeId ? `/app/${frame.cooperativeId}` : '/app';
  const switchTo = `${frame.path}${frame.path.includes('?') ? '&' : '?'}lang=${t.otherLanguage.code}`;
  const navigation = frame.signedIn
    ? html`<nav aria-label="${t.appName}"><ul>
<li><a href="${base}">${t.nav.home}</a></li>
<li><a href="${base}/assemblies">${t.nav.assemblies}</a></li>
<li><a href="${base}/budgets">${t.nav.budgets}</a></li>
<li><a href="${base}/initiatives">${t.nav.initiatives}</a></li>
<li><a href="${base}/pb-rounds">${t.nav.pb}</a></li>
${frame.officer ? html`<li><a href="${base}/members">${t.nav.register}</a></li>` : ''}
<li><a href="${base}/history">${t.nav.history}</a></li>
<li><a href="${base}/me">${t.nav.me}</a></li>
<li><form method="post" action="${base}/sign-out"><button class="link" type="submit">${t.nav.signOut}</button></form></li>
</ul></nav>`
    : html``;
  return html`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — ${frame.cooperativeName ?? t.appName}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app/assets/app.css">
</head>
<body>
<a class="skip" href="#content">${t.skipToContent}</a>
<header><div class="bar">
<span class="name">${frame.cooperativeName ?? t.appName}</span>
${navigation}
<a href="${switchTo}" hreflang="${t.otherLanguage.code}" lang="${t.otherLanguage.code}">${t.otherLanguage.label}</a>
</div></header>
<main id="content" tabindex="-1">
<h1>${title}</h1>
${content}
</main>
</body>
</html>`;
}

/** What the API said, in the member's language: what its code means where the app knows it, else its kind. */
export function problemSummary(problem: Problem, t: Texts): string {
  const known = t.problems[problem.code];
  if (known) return known;
  const byStatus: Record<number, string> = {
    400: t.errors.invalid,
    403: t.errors.forbidden,
    404: t.errors.notFound,
    409: t.errors.conflict,
    422: t.errors.rule,
    429: t.errors.tooMany,
    503: t.errors.unavailable,
  };
  return byStatus[problem.status] ?? t.errors.title;
}

/** The alert at the top of a form the API refused, or nothing. */
export function formAlert(form: string, shown: FormProblem | undefined, t: Texts): Html {
  if (!shown || shown.form !== form) return html``;
  const { problem } = shown;
  return html`<div class="alert" role="alert" id="${form}-problem">
<p><strong>${problemSummary(problem, t)}</strong></p>
<p>${t.errors.apiSays}: <span lang="en">${problem.detail}</span></p>
</div>`;
}

export interface FieldOptions {
  readonly form: string;
  readonly name: string;
  /** The request's field the API names when it refuses this one. */
  readonly apiField?: string;
  readonly label: string;
  readonly type?: 'text' | 'email' | 'datetime-local' | 'tel';
  readonly value?: string | null | undefined;
  readonly required?: boolean;
  readonly autocomplete?: string;
  readonly inputmode?: 'numeric';
  readonly help?: string;
}

/** A labelled input; when the API named it, marked invalid with the reason beside it. */
export function field(options: FieldOptions, shown: FormProblem | undefined, t: Texts): Html {
  const id = `${options.form}-${options.name}`;
  const apiField = options.apiField ?? options.name;
  const ours = shown?.form === options.form ? shown : undefined;
  const complaint = ours?.problem.errors?.find((error) => error.field === apiField);
  const kept = ours?.values?.[options.name];
  const value = typeof kept === 'string' ? kept : options.value;
  const described = [options.help ? `${id}-help` : '', complaint ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<label for="${id}">${options.label}</label>
${options.help ? html`<p class="muted" id="${id}-help">${options.help}</p>` : ''}
${complaint ? html`<p class="field-error" id="${id}-error">${t.errors.field(options.label)}: <span lang="en">${complaint.message}</span></p>` : ''}
<input type="${options.type ?? 'text'}" id="${id}" name="${options.name}" value="${value ?? ''}"${options.required ? html` required` : ''}${
    options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''
  }${options.inputmode ? html` inputmode="${options.inputmode}"` : ''}${complaint ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}>`;
}

/** A page the API refused to show. */
export function problemPage(problem: Problem, t: Texts): Html {
  return html`<div class="alert" role="alert"><p><strong>${problemSummary(problem, t)}</strong></p>
<p>${t.errors.apiSays}: <span lang="en">${problem.detail}</span></p></div>`;
}
