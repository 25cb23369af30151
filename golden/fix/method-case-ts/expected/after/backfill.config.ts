import { defineConfig } from "@backfill-io/sdk";

export default defineConfig({
  name: "acme",
  connection: {
    testConnection: { route: "/setup/test_connection", method: 'POST' },
  },
});
