// Scaffolded by backfill-codegen from backfill.config; this file is yours to edit.
import { api, Http } from "@backfill-io/sdk";
import type { Settings } from "../../../generated/settings.js";

// POST /setup/check: connection.testConnection. The dashboard posts the settings form here when
// the admin clicks "Test connection": answer 200 when the credentials work, an error otherwise.
export const POST = api(async (request) => {
  const settings: Settings = request.body;
  const res = Http.get("https://api.helpdesk.example/v2/", {
    auth: { bearer: settings.api_token },
  });
  if (!res.ok) {
    return api.badRequest("Helpdesk tickets did not accept the credentials", { status: res.status });
  }
  return api.json({ ok: true });
});
