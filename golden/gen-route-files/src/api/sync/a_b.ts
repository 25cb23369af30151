import { api } from "@backfill-io/sdk";

export const GET = api(async () => api.json({ route: "a_b" }));
