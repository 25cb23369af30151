// Scaffolded by backfill-codegen from backfill.config; this file is yours to edit.
import { api, Http, OAuth } from "@backfill-io/sdk";
import type { Settings } from "../../../generated/settings.js";

// POST /setup/test_connection: connection.testConnection and connection.oauth.postConnect. The
// dashboard posts the settings form here when the admin clicks "Test connection": answer 200 when
// the credentials work, an error otherwise. The platform calls it after the OAuth code exchange:
// verify the provider account with the access token and answer stable metadata about it.
export const POST = api(async (request) => {
  // The settings form when the dashboard tests the connection; after OAuth, the platform calls
  // this route as postConnect.
  const settings: Settings | undefined = request.body;
  const token = await OAuth.accessToken();
  if (!token) {
    return api.badRequest("The connection has no OAuth access token");
  }
  const res = Http.get("https://partners.myshopify.example/api/", {
    auth: { bearer: token },
  });
  if (!res.ok) {
    return api.badRequest("Shopify orders did not accept the OAuth access token", { status: res.status });
  }
  // TODO: add stable metadata about the provider account (its id and name) from res.body.
  return api.json({ ok: true, provider: "shopify-orders" });
});
