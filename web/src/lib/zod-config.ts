/**
 * The staff app runs under a CSP without 'unsafe-eval'. zod compiles object parsers with `new Function`
 * unless told not to, and its probe for that — even caught — is reported as a CSP violation as soon as
 * a page's chunk builds an object schema (the domain's complaint schemas, the builder's checks).
 * Imported first by main.tsx, before any schema is built.
 */
import { z } from "zod";

z.config({ jitless: true });
