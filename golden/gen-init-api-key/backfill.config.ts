// The Acme connector's manifest. `backfill-codegen check` reports every mistake in it;
// `backfill-codegen generate` writes generated/ from it. `backfill-codegen explain CODE`
// explains a diagnostic.
import { defineConfig } from "@backfill-io/sdk";

export default defineConfig({
  name: "acme",
  displayName: "Acme",
  description: "What Acme brings into Backfill.",
  version: "0.1.0",
  permissions: {
    http: ["https://api.example.com/*"],
  },
  connection: {
    testConnection: {
      route: "/setup/test_connection",
      method: "POST",
    },
    settingsSchema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      title: "Acme settings",
      required: ["api_key"],
      properties: {
        api_key: {
          type: "string",
          title: "API key",
          description: "The key Acme issues for Backfill.",
          minLength: 1,
          writeOnly: true,
        },
      },
    },
  },
});
