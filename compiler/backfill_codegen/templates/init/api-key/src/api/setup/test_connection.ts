import { api, Http } from "@backfill-io/sdk";

export const config = { auth: "api_key" };

// The dashboard posts the settings form here when the admin clicks "Test connection":
// answer 200 when the key works, an explicit error otherwise.
export const POST = api(async (request) => {
  const apiKey: string = request.body.api_key;
  const res = Http.get("https://api.example.com/v1/me", {
    auth: { bearer: apiKey },
  });
  if (!res.ok) {
    return api.badRequest("The API key was not accepted", { status: res.status });
  }
  return api.json({ ok: true });
});
