// Scaffolded by backfill-codegen from backfill.config; this file is yours to edit.
import { api, Http } from "@backfill-io/sdk";
import type { Settings } from "../../../generated/settings.js";

// POST /setup/test_connection: connection.testConnection. The dashboard posts the settings form
// here when the admin clicks "Test connection": answer 200 when the credentials work, an error
// otherwise.
export const POST = api(async (request) => {
  const settings: Settings = request.body;
  // TODO: send the credentials from `settings` with this request (`auth: { bearer: ... }`).
  const res = Http.get("https://api.warehouse.example/");
  if (!res.ok) {
    return api.badRequest("Warehouse | \"sync\" <b>beta<\/b> did not accept the credentials", { status: res.status });
  }
  return api.json({ ok: true });
});
