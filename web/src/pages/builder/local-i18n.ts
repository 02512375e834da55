/**
 * Page-local dictionaries for the lazily loaded builder and admin pages. Their strings ship with
 * their own chunks instead of growing the main bundle; the language still comes from the app's
 * I18nContext, so the language switch in the top bar changes them too. Same contract as
 * lib/messages.ts: English is the reference and the zh-CN table must have every key (a type error
 * otherwise).
 */
import { useI18n, type Params } from "../../lib/i18n";

export function makeLocalT<K extends string>(en: Record<K, string>, zhCN: Record<K, string>) {
  return function useLocalT() {
    const { lang } = useI18n();
    return (key: K, params?: Params): string => {
      const template = (lang === "zh-CN" ? zhCN[key] : en[key]) ?? en[key] ?? key;
      if (!params) return template;
      return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
    };
  };
}
