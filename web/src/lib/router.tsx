/**
 * A tiny history-API router for /app/*. The Worker serves index.html for unknown paths (SPA
 * fallback), so deep links work on reload.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";

export const BASE = "/app";

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());
window.addEventListener("popstate", notify);

export function navigate(to: string, options: { replace?: boolean } = {}) {
  const url = to.startsWith("/") ? to : `${BASE}/${to}`;
  if (url === location.pathname + location.search && !options.replace) return;
  if (options.replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  notify();
}

export type Location = { path: string; query: URLSearchParams };

function current(): Location {
  let path = location.pathname;
  if (path.startsWith(BASE)) path = path.slice(BASE.length);
  if (!path.startsWith("/")) path = `/${path}`;
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return { path, query: new URLSearchParams(location.search) };
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const listener = () =>
      setLocation((previous) => {
        const next = current();
        return next.path === previous.path && next.query.toString() === previous.query.toString() ? previous : next;
      });
    listeners.add(listener);
    // A child's effect (a <Redirect>) may navigate before this parent effect subscribes: catch up.
    listener();
    return () => void listeners.delete(listener);
  }, []);
  return location;
}

/** Replaces the query string of the current page (filters live in the URL so views can be shared). */
export function setQuery(params: Record<string, string | number | undefined | null>, options: { replace?: boolean } = { replace: true }) {
  const query = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") query.delete(key);
    else query.set(key, String(value));
  }
  const qs = query.toString();
  navigate(`${location.pathname}${qs ? `?${qs}` : ""}`, options);
}

/** Matches "/surveys/:id" against a path; returns the named parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const s = path.split("/").filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(":")) params[p[i]!.slice(1)] = decodeURIComponent(s[i]!);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

export function href(path: string): string {
  return `${BASE}${path.startsWith("/") ? path : `/${path}`}`;
}

type LinkProps = {
  to: string;
  children?: ComponentChildren;
  class?: string;
  id?: string;
  title?: string;
  "aria-current"?: "page" | undefined;
  "aria-label"?: string;
  onClick?: (event: MouseEvent) => void;
};

/** An ordinary link (open in new tab works) that navigates in-app on a plain click. */
export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const target = href(to);
  return (
    <a
      {...rest}
      href={target}
      onClick={(event) => {
        onClick?.(event);
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(target);
      }}
    >
      {children}
    </a>
  );
}
