import { api, Http, OAuth } from "@backfill-io/sdk";

// The platform calls this route after the OAuth code exchange: verify the provider account
// with the access token and answer stable metadata about it.
export const POST = api(async () => {
  const token = await OAuth.accessToken();
  if (!token) {
    return api.badRequest("The connection has no OAuth access token");
  }
  const res = Http.get("https://api.example.com/v1/me", {
    auth: { bearer: token },
  });
  if (!res.ok) {
    return api.badRequest("The provider did not accept the access token", { status: res.status });
  }
  return api.json({ ok: true, account: res.body.id });
});
