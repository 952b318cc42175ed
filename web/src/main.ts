// The marketing console: static pages over the admin API. A hash router picks the screen; every screen reads the API
// with the signed-in admin's token, and shows edit controls only to the groups the API lets edit.
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import {
  type ConsoleConfig,
  currentSession,
  finishCognitoSignIn,
  type Session,
  signInLocally,
  signInWithCognito,
  signOut,
} from './auth.ts';
import { initialLang, type Lang, wordsFor, type Words } from './i18n.ts';
import { YearScreen } from './year.ts';
import { EditorScreen } from './editor.ts';
import { TiersScreen } from './tiers.ts';
import { ReportsScreen } from './reports.ts';
import { CandidatesScreen, ImportsScreen, MemberScreen, MembersScreen } from './members.ts';

export const html = htm.bind(h);

export interface ScreenProps {
  readonly t: Words;
  readonly lang: Lang;
  readonly session: Session;
  readonly config: ConsoleConfig;
  readonly params: readonly string[];
}

const SCREENS = [
  { path: 'year', label: (t: Words) => t.year },
  { path: 'tiers', label: (t: Words) => t.tiers },
  { path: 'reports', label: (t: Words) => t.reports },
  { path: 'members', label: (t: Words) => t.members },
  { path: 'candidates', label: (t: Words) => t.candidates },
  { path: 'imports', label: (t: Words) => t.imports },
] as const;

function route(): string[] {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return parts.length > 0 ? parts : ['year'];
}

function Screen(props: ScreenProps & { name: string }) {
  switch (props.name) {
    case 'entry':
      return html`<${EditorScreen} ...${props} />`;
    case 'tiers':
      return html`<${TiersScreen} ...${props} />`;
    case 'reports':
      return html`<${ReportsScreen} ...${props} />`;
    case 'members':
      return props.params.length > 0 ? html`<${MemberScreen} ...${props} />` : html`<${MembersScreen} ...${props} />`;
    case 'candidates':
      return html`<${CandidatesScreen} ...${props} />`;
    case 'imports':
      return html`<${ImportsScreen} ...${props} />`;
    default:
      return html`<${YearScreen} ...${props} />`;
  }
}

function SignIn({ t, config, onSession }: { t: Words; config: ConsoleConfig; onSession: (s: Session) => void }) {
  const [group, setGroup] = useState('marketing');
  const [failed, setFailed] = useState(false);
  if (config.auth.kind === 'cognito') {
    const auth = config.auth;
    return html`<main id="main" class="sign-in">
      <h1>${t.title}</h1>
      <button type="button" onClick=${() => signInWithCognito(auth)}>${t.signInCognito}</button>
    </main>`;
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    const session = await signInLocally(group);
    if (session) onSession(session);
    else setFailed(true);
  };
  return html`<main id="main" class="sign-in">
    <h1>${t.title}</h1>
    <form onSubmit=${submit}>
      <p>${t.signInLocal}</p>
      <label for="group">${t.group}</label>
      <select id="group" value=${group} onChange=${(e: Event) => setGroup((e.target as HTMLSelectElement).value)}>
        <option value="marketing">marketing</option>
        <option value="viewer">viewer</option>
        <option value="privacy">privacy + viewer</option>
      </select>
      <button type="submit">${t.signIn}</button>
      ${failed && html`<p role="alert">${t.error}</p>`}
    </form>
  </main>`;
}

function App({ config }: { config: ConsoleConfig }) {
  const [lang, setLang] = useState<Lang>(initialLang());
  const [session, setSession] = useState<Session | null>(currentSession());
  const [path, setPath] = useState(route());
  const t = wordsFor(lang);
  useEffect(() => {
    const onHash = () => {
      setPath(route());
      // Focus the new screen's heading, so keyboard and screen-reader users land on what changed.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t.title;
  }, [lang]);
  useEffect(() => {
    if (!session && config.auth.kind === 'cognito') void finishCognitoSignIn(config.auth).then(setSession);
  }, []);
  const chooseLang = (next: Lang) => {
    localStorage.setItem('dangol.lang', next);
    setLang(next);
  };
  const langSwitch = html`<div class="lang" role="group" aria-label=${t.language}>
    ${(['ko', 'en'] as const).map(
      (code) =>
        html`<button type="button" lang=${code} aria-pressed=${lang === code} onClick=${() => chooseLang(code)}>
          ${code === 'ko' ? '한국어' : 'English'}
        </button>`,
    )}
  </div>`;
  if (!session)
    return html`<div class="shell">
      <header>${langSwitch}</header>
      <${SignIn} t=${t} config=${config} onSession=${setSession} />
    </div>`;
  const [name = 'year', ...params] = path;
  const current = name === 'entry' ? 'year' : name;
  return html`<div class="shell">
    <a class="skip" href="#main" onClick=${(e: Event) => {
      e.preventDefault();
      document.getElementById('main')?.focus();
    }}>${t.skip}</a>
    <header>
      <p class="brand">${t.title}</p>
      <nav aria-label=${t.nav}>
        <ul>
          ${SCREENS.map(
            (screen) =>
              html`<li><a href=${`#/${screen.path}`} aria-current=${current === screen.path ? 'page' : undefined}>
                ${screen.label(t)}
              </a></li>`,
          )}
        </ul>
      </nav>
      <div class="who">
        <span>${t.signedInAs(session.groups.join(', '))}</span>
        ${langSwitch}
        <button type="button" onClick=${() => {
          signOut();
          setSession(null);
        }}>${t.signOut}</button>
      </div>
    </header>
    <main id="main" tabindex="-1">
      <${Screen} name=${name} params=${params} t=${t} lang=${lang} session=${session} config=${config} />
    </main>
  </div>`;
}

async function start() {
  const config = (await (await fetch('/console/config.json')).json()) as ConsoleConfig;
  const root = document.getElementById('app');
  if (root) render(html`<${App} config=${config} />`, root);
}

void start();
