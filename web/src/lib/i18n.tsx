/**
 * zh-CN / en for the staff app. The dictionaries live in messages.ts; the zh-CN one is typed
 * against the English keys so a missing translation is a compile error.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { en, zhCN, type MessageKey } from "./messages";

export type Lang = "en" | "zh-CN";
export const LANGS: Lang[] = ["zh-CN", "en"];
export type { MessageKey };

const STORAGE_KEY = "feedloop.lang";

export function detectLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === "en" || stored === "zh-CN") return stored;
  } catch {
    // storage may be disabled
  }
  const candidates = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of candidates) {
    const lower = (tag ?? "").toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

export function storeLang(lang: Lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // ignore
  }
  document.documentElement.lang = lang;
}

export type Params = Record<string, string | number>;

/** Fills {name} placeholders. */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return interpolate((lang === "zh-CN" ? zhCN[key] : en[key]) ?? en[key] ?? key, params);
}

export type I18n = {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, params?: Params) => string;
  /** Number in the UI language; `digits` fixed decimals. */
  num: (value: number | null | undefined, digits?: number) => string;
  pct: (share: number | null | undefined, digits?: number) => string;
  date: (iso: string | null | undefined, withTime?: boolean) => string;
};

export function makeI18n(lang: Lang, setLang: (lang: Lang) => void): I18n {
  const formats = new Map<string, Intl.NumberFormat>();
  const fmt = (digits: number) => {
    const key = String(digits);
    let f = formats.get(key);
    if (!f) {
      f = new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });
      formats.set(key, f);
    }
    return f;
  };
  const dateFmt = new Intl.DateTimeFormat(lang, { year: "numeric", month: "2-digit", day: "2-digit" });
  const dateTimeFmt = new Intl.DateTimeFormat(lang, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  return {
    lang,
    setLang,
    t: (key, params) => translate(lang, key, params),
    num: (value, digits = 1) => (value === null || value === undefined || !Number.isFinite(value) ? "—" : fmt(digits).format(value)),
    pct: (share, digits = 1) => (share === null || share === undefined || !Number.isFinite(share) ? "—" : `${fmt(digits).format(share * 100)}%`),
    date: (iso, withTime = false) => {
      if (!iso) return "—";
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return iso;
      return (withTime ? dateTimeFmt : dateFmt).format(d);
    },
  };
}

export const I18nContext = createContext<I18n>(makeI18n("en", () => {}));

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** Any i18n a messages hook can build on: the app's, or a page's own hook (method syntax: any key type fits). */
type Translator = { lang: Lang; t(key: string, params?: Params): string };
/** What a messages hook returns: its parent's i18n whose `t` also knows the added keys. */
export type WithMessages<Parent extends Translator, K extends string> = Omit<Parent, "t"> & {
  t: (key: K | Parameters<Parent["t"]>[0], params?: Params) => string;
};

/**
 * The one hook factory for the pages' own dictionaries (each ships with its page's chunk instead of
 * growing the main bundle). English is the reference and the zh-CN table must have every key (a type
 * error otherwise). The hook's `t` looks up its own keys in the app's current language and hands every
 * other key to the parent hook (the app's `useI18n` unless a page layers one dictionary over another),
 * so the language switch in the top bar changes every dictionary at once.
 */
export function makeMessagesHook<K extends string>(en: Record<K, string>, zhCN: Record<K, string>): () => WithMessages<I18n, K>;
export function makeMessagesHook<K extends string, Parent extends Translator>(
  en: Record<K, string>,
  zhCN: Record<K, string>,
  useParent: () => Parent,
): () => WithMessages<Parent, K>;
export function makeMessagesHook<K extends string>(en: Record<K, string>, zhCN: Record<K, string>, useParent: () => Translator = useI18n) {
  const own = (key: string): key is K => key in en;
  return function useMessages() {
    const parent = useParent();
    const dict = parent.lang === "zh-CN" ? zhCN : en;
    return { ...parent, t: (key: string, params?: Params) => (own(key) ? interpolate(dict[key] ?? en[key] ?? key, params) : parent.t(key, params)) };
  };
}
