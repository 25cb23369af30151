import { defineConfig } from "@backfill-io/sdk";
import type { Config } from "@backfill-io/sdk";

// Everything below is static: the compiler evaluates it without running the file.
const NAME = "acme";
const HOST = "api.acme.example";
const MAJOR = 2;

const BASE = {
  displayName: "Acme",
  description: `The ${NAME} connector, ` + "built from constants.",
} as const;

const HTTP = [`https://${HOST}/*`] as const;

export default defineConfig({
  ...BASE,
  name: NAME,
  version: `${MAJOR}.0.0`,
  permissions: {
    http: [...HTTP],
  },
} satisfies Config);
