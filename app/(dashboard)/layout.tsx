import { Nav } from "@/components/nav";
import { Providers } from "@/components/providers";
import { WebhookAlert } from "@/components/webhook-alert";
import { allowed, requireStaff } from "@/lib/auth/current";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const staff = await requireStaff();
  return (
    <Providers>
      <Nav
        user={staff.user}
        role={staff.role}
        business={{ id: staff.business.id, name: staff.business.name }}
        businesses={staff.memberships}
      />
      <main className="mx-auto max-w-7xl px-4 py-6 sm:py-8">
        {allowed(staff, "manageSettings") && <WebhookAlert businessId={staff.business.id} />}
        {children}
      </main>
    </Providers>
  );
}
