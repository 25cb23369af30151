import { api } from "@backfill-io/sdk";

export const GET = api(async () => api.json({ route: "a-b" }));
export async function DELETE() {
  return api.json({ deleted: true });
}
