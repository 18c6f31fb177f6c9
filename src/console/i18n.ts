/**
 * The console's words (issue 15): Chinese first, English available. `t(key, vars)` reads the current language's
 * dictionary (falling back to Chinese, then to the key itself, so a missing word shows rather than breaks). Each
 * page folder may keep its own `messages.ts` and merge it in with `addMessages`. The language is kept in
 * localStorage. Runs in the browser.
 */
import { useSyncExternalStore } from 'react';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** key → words, per language. */
export interface Messages {
  'zh-CN': Record<string, string>;
  en: Record<string, string>;
}

const dictionaries: Messages = { 'zh-CN': {}, en: {} };
const STORAGE_KEY = 'hcp-console-language';
const listeners = new Set<() => void>();

function initialLanguage(): Language {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // Storage refused (a locked-down browser): Chinese.
  }
  return 'zh-CN';
}

let current: Language = initialLanguage();

/** Merges a page's dictionary in; a key already declared is a mistake, reported rather than silently replaced. */
export function addMessages(messages: Messages): void {
  for (const lang of LANGUAGES) {
    for (const [key, words] of Object.entries(messages[lang])) {
      if (key in dictionaries[lang] && dictionaries[lang][key] !== words) {
        throw new Error(`the console's words: "${key}" is declared twice (${lang})`);
      }
      dictionaries[lang][key] = words;
    }
  }
}

export function language(): Language {
  return current;
}

export function setLanguage(lang: Language): void {
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Not kept: it still applies to this page.
  }
  document.documentElement.lang = lang;
  for (const listener of listeners) listener();
}

/** Whether `lang` has its own words for `key` (not the Chinese fallback). */
export function hasMessage(lang: Language, key: string): boolean {
  return key in dictionaries[lang];
}

/** The words for `key` in the current language, with `{name}` replaced by `vars.name`. */
export function t(key: string, vars?: Record<string, string | number>): string {
  const words = dictionaries[current][key] ?? dictionaries['zh-CN'][key] ?? key;
  return vars ? words.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : words;
}

/** Re-renders the calling component when the language changes; returns it. */
export function useLanguage(): Language {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
