import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { closeDb, getDb } from "@/db/client";
import { createBusiness } from "@/lib/businesses/service";
import { createCart } from "@/lib/carts/service";
import { addMember, createStaffUser } from "@/lib/team/service";

/**
 * Runs before the e2e server starts: a fresh embedded database (or the test Postgres), one
 * business with a few carts, an owner and a viewer, and their credentials where specs read them.
 */
// A fresh folder, and no lock left behind by a server the previous run killed.
if (!process.env.DATABASE_URL) for (const dir of [".data/e2e", ".data/e2e.lock"]) rmSync(dir, { recursive: true, force: true });
const db = await getDb();
const suffix = Date.now().toString(36);
const { business, key } = await createBusiness(db, { name: "E2E Outfitters" });

const staff = {
  owner: { email: `owner-${suffix}@e2e.test`, password: "owner password 123" },
  viewer: { email: `viewer-${suffix}@e2e.test`, password: "viewer password 123" },
};
for (const [role, login] of Object.entries(staff) as ["owner" | "viewer", { email: string; password: string }][]) {
  const userId = await createStaffUser(db, { email: login.email, name: role === "owner" ? "Olivia Owner" : "Victor Viewer", password: login.password });
  await addMember(db, business.id, userId, role);
}

const day = 86_400_000;
// Ages against the default sequence (1 h, 24 h, 72 h; a step is sent within 24 h of falling due):
// Liam's 24 h step is 12 h overdue, so the scheduler's first pass puts one email in the outbox (the
// recovery spec lists it); no other cart has a step due during a run. Noah sat at exactly 3 days,
// so his 72 h step fell due as the server started, and whether the dashboard spec still found his
// "Generate payment link" depended on whether it reached him before the scheduler's first pass.
const shoppers = [
  ["ava.martin@example.com", "Ava Martin", "Linen Shirt", "64.00", 2],
  ["noah.kim@example.com", "Noah Kim", "Trail Runner", "129.90", 2.5],
  ["zoe.garcia@example.com", "Zoe Garcia", "Wool Beanie", "28.00", 5],
  ["liam.chen@example.com", "Liam Chen", "Canvas Tote", "35.50", 1.5],
] as const;
for (const [email, name, item, price, daysAgo] of shoppers) {
  await createCart(
    business,
    { customerEmail: email, customerName: name, items: [{ name: item, quantity: 1, price, imageUrl: undefined }] },
    { now: new Date(Date.now() - daysAgo * day) },
  );
}

mkdirSync(".data", { recursive: true });
writeFileSync(".data/e2e-credentials.json", JSON.stringify({ businessId: business.id, key, staff }));
await closeDb();
