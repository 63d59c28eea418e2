import Link from "next/link";
import { AuthCard } from "@/components/auth-card";
import { buttonClass } from "@/components/ui";
import { getDb } from "@/db/client";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { getBusiness } from "@/lib/businesses/service";
import { findInvitation } from "@/lib/team/service";
import { AcceptForm } from "./accept-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Accept invitation", robots: { index: false } };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const found = await findInvitation(token);
  const business = found && (await getBusiness(await getDb(), found.invitation.businessId));

  if (!found || !business) {
    return (
      <AuthCard title="This invitation is no longer valid">
        <p className="text-sm text-slate-600 dark:text-slate-300">
          It may have expired, been revoked, or already been used. Ask the person who invited you to send a new link.
        </p>
        <Link href="/login" className={buttonClass("primary") + " mt-5 w-full"}>
          Go to sign in
        </Link>
      </AuthCard>
    );
  }

  const { invitation, hasAccount } = found;
  const role = ROLE_LABELS[invitation.role];
  return (
    <AuthCard
      title={`Join ${business.name}`}
      subtitle={
        hasAccount
          ? `You’ve been invited as ${role.toLowerCase()}. Sign in with your Cartback password to accept.`
          : `You’ve been invited as ${role.toLowerCase()}. Choose your name and a password to get started.`
      }
    >
      <AcceptForm token={token} email={invitation.email} hasAccount={hasAccount} businessId={business.id} />
    </AuthCard>
  );
}
