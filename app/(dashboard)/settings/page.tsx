import { Card, PageHeader } from "@/components/ui";
import { disabledBySystem } from "@/components/webhook-alert";
import { ROLES, WEBHOOK_EVENTS, type Role } from "@/db/schema";
import { listApiKeys } from "@/lib/auth/api-keys";
import { allowed, requireStaff } from "@/lib/auth/current";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { CURRENCIES } from "@/lib/money";
import { listInvitations, listMembers } from "@/lib/team/service";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { DISABLE_AFTER_MS } from "@/lib/webhooks/worker";
import { CreateKeyForm, KeyList, type KeyRow } from "./api-keys";
import { BusinessForm, type CurrencyOption } from "./business-form";
import { TWIG_FLAG_FIELDS, TWIG_URL_FIELDS, TwigMerchantForm, type TwigMerchantSettings } from "./twig-merchant-form";
import { formatDay, formatLifetime, formatRelative, formatTime } from "@/lib/format/dates";
import { EraseContactForm, PrivacySettingsForm } from "./privacy";
import { InvitationList, InviteForm, MemberList, type InvitationRow, type MemberRow } from "./team";
import { AddWebhookForm, WebhookList, type WebhookRow } from "./webhooks";

export const dynamic = "force-dynamic";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const staff = await requireStaff();
  const { business } = staff;
  const canSettings = allowed(staff, "manageSettings");
  const canKeys = allowed(staff, "manageKeys");
  const canTeam = allowed(staff, "manageTeam");
  const isOwner = staff.role === "owner";
  const now = new Date();

  const [keys, members, invitations, endpoints] = await Promise.all([
    listApiKeys(business.id),
    listMembers(business.id),
    canTeam ? listInvitations(business.id) : Promise.resolve([]),
    listEndpoints(business.id),
  ]);

  // Everything below crosses to client components as plain text: no Date or BigInt.
  const keyRows: KeyRow[] = keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    created: formatDay(k.createdAt),
    createdIso: k.createdAt.toISOString(),
    lastUsed: k.lastUsedAt ? formatRelative(k.lastUsedAt, now) : "Never",
    lastUsedTitle: k.lastUsedAt ? formatTime(k.lastUsedAt) : null,
    revoked: k.revokedAt ? `Revoked ${formatTime(k.revokedAt)}` : null,
  }));

  const memberRows: MemberRow[] = members.map((m) => ({
    membershipId: m.membershipId,
    name: m.name,
    email: m.email,
    role: m.role,
    since: formatDay(m.since),
    isSelf: m.userId === staff.user.id,
    manageable: canTeam && m.userId !== staff.user.id && (m.role !== "owner" || isOwner),
  }));

  const webhookRows: WebhookRow[] = endpoints.map((e) => ({
    id: e.id,
    url: e.url,
    description: e.description,
    events: WEBHOOK_EVENTS.filter((event) => e.events.includes(event)),
    twig: e.dialect === "twig",
    active: e.status === "active",
    disabled:
      e.status === "disabled"
        ? {
            reason: e.disabledReason ?? "Deliveries kept failing",
            bySystem: disabledBySystem(e),
            when: e.disabledAt ? formatRelative(e.disabledAt, now) : "",
            whenTitle: e.disabledAt ? formatTime(e.disabledAt) : "",
          }
        : null,
    failing:
      e.status === "active" && e.failingSince
        ? {
            since: formatRelative(e.failingSince, now),
            sinceTitle: formatTime(e.failingSince),
            disablesAt: formatTime(new Date(e.failingSince.getTime() + DISABLE_AFTER_MS)),
          }
        : null,
    previousSecretUntil: e.previousSecret && e.previousSecretExpiresAt && e.previousSecretExpiresAt > now ? formatTime(e.previousSecretExpiresAt) : null,
  }));

  const invitationRows: InvitationRow[] = invitations.map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    expires: formatRelative(i.expiresAt, now),
    expiresTitle: formatTime(i.expiresAt),
  }));

  // Only owners grant the owner role.
  const assignableRoles: Role[] = ROLES.filter((r) => r !== "owner" || isOwner);

  const twig = business.twigMerchant;
  const twigDefaults: TwigMerchantSettings = {
    confirmUrl: twig?.confirmUrl ?? "",
    cancelUrl: twig?.cancelUrl ?? "",
    validationUrl: twig?.validationUrl ?? "",
    pushUrl: twig?.pushUrl ?? "",
    requiresValidateCallbackSuccess: twig?.requiresValidateCallbackSuccess ?? false,
    captureOnExpire: twig?.captureOnExpire ?? false,
  };

  const currencyNames = new Intl.DisplayNames(["en"], { type: "currency" });
  const currencies: CurrencyOption[] = CURRENCIES.map((code) => {
    const name = currencyNames.of(code);
    return { code, label: name && name !== code ? `${code} — ${name}` : code };
  });

  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader title="Settings" description={`${business.name} · your role: ${ROLE_LABELS[staff.role]}`} />

      <div className="space-y-6">
        <Card title="Business">
          {canSettings ? (
            <BusinessForm
              initial={{ name: business.name, defaultCurrency: business.defaultCurrency, linkTtlHours: business.linkTtlHours }}
              currencies={currencies}
            />
          ) : (
            <>
              <dl className="grid gap-4 sm:grid-cols-3">
                <Setting label="Business name" value={business.name} />
                <Setting
                  label="Default currency"
                  value={currencies.find((c) => c.code === business.defaultCurrency)?.label ?? business.defaultCurrency}
                />
                <Setting label="Payment link lifetime" value={formatLifetime(business.linkTtlHours)} />
              </dl>
              <ReadOnlyNote>Only admins and owners can change these settings.</ReadOnlyNote>
            </>
          )}
        </Card>

        <div id="twig" className="scroll-mt-20">
          <Card title="Twig merchant defaults">
            <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
              Used for Twig orders whose <code className="font-mono text-xs">POST /v1/operations/order/init</code> sends no{" "}
              <code className="font-mono text-xs">merchant</code> object; an order&apos;s own values win. Changes apply to orders created afterwards.
            </p>
            {canSettings ? (
              <TwigMerchantForm initial={twigDefaults} />
            ) : (
              <>
                <dl className="grid gap-4 sm:grid-cols-2">
                  {TWIG_URL_FIELDS.map(({ key, label }) => (
                    <Setting key={key} label={label} value={twigDefaults[key] || "Not set"} />
                  ))}
                  {TWIG_FLAG_FIELDS.map(({ key, label }) => (
                    <Setting key={key} label={label} value={twigDefaults[key] ? "Yes" : "No"} />
                  ))}
                </dl>
                <ReadOnlyNote>Only admins and owners can change these settings.</ReadOnlyNote>
              </>
            )}
          </Card>
        </div>

        <div id="privacy" className="scroll-mt-20">
          <Card title="Privacy">
            <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
              How long Cartback keeps carts, whether recovery emails need recorded consent, and erasing a customer on request. Your store
              can also record consent and erase contacts through the API (<code className="font-mono text-xs">/api/contacts</code>).
            </p>
            {canSettings ? (
              <div className="space-y-8">
                <PrivacySettingsForm initial={{ retentionDays: business.retentionDays, requireConsent: business.requireConsent }} />
                <section aria-labelledby="erase-heading" className="border-t border-slate-200 pt-6 dark:border-slate-800">
                  <h3 id="erase-heading" className="mb-3 text-sm font-semibold">
                    Erase a customer
                  </h3>
                  <EraseContactForm />
                </section>
              </div>
            ) : (
              <>
                <dl className="grid gap-4 sm:grid-cols-2">
                  <Setting label="Keep carts for" value={business.retentionDays === null ? "Forever" : `${business.retentionDays} days`} />
                  <Setting label="Require consent for recovery emails" value={business.requireConsent ? "Yes" : "No"} />
                </dl>
                <ReadOnlyNote>Only admins and owners can change privacy settings or erase customers.</ReadOnlyNote>
              </>
            )}
          </Card>
        </div>

        <Card title="API keys">
          <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
            Your store’s server sends carts and creates payment links with these keys, in an <code className="font-mono text-xs">x-api-key</code> or{" "}
            <code className="font-mono text-xs">Authorization: Bearer</code> header. Keys are stored hashed: the full key is shown only
            once, when it is created.
          </p>
          {canKeys && (
            <div className="mb-5">
              <CreateKeyForm />
            </div>
          )}
          <KeyList keys={keyRows} canManage={canKeys} />
          {!canKeys && <ReadOnlyNote>Only admins and owners can create or revoke API keys.</ReadOnlyNote>}
        </Card>

        <div id="webhooks" className="scroll-mt-20">
          <Card title="Webhooks">
            <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
              Cartback POSTs a signed JSON event to each endpoint when a cart or order changes. Failed deliveries are retried for about 3
              days; an endpoint that fails all that time, or answers <code className="font-mono text-xs">410 Gone</code>, is disabled. Each
              endpoint has its own signing secret, shown only when it is created or rotated.
            </p>
            {canSettings && (
              <section aria-labelledby="add-webhook-heading" className="mb-6">
                <h3 id="add-webhook-heading" className="mb-3 text-sm font-semibold">
                  Add an endpoint
                </h3>
                <AddWebhookForm events={WEBHOOK_EVENTS} />
              </section>
            )}
            <WebhookList webhooks={webhookRows} canManage={canSettings} />
            {!canSettings && <ReadOnlyNote>Only admins and owners can add, test or change webhook endpoints.</ReadOnlyNote>}
          </Card>
        </div>

        <Card title="Team">
          <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
            {members.length === 1 ? "1 person works" : `${members.length} people work`} in {business.name}.
            {canTeam && !isOwner && " Only owners can change or remove owners."}
          </p>
          <MemberList members={memberRows} assignableRoles={assignableRoles} />

          {canTeam ? (
            <div className="mt-8 space-y-8">
              <section aria-labelledby="invite-heading">
                <h3 id="invite-heading" className="mb-3 text-sm font-semibold">
                  Invite a teammate
                </h3>
                <InviteForm assignableRoles={assignableRoles} />
              </section>
              <section aria-labelledby="pending-heading">
                <h3 id="pending-heading" className="mb-3 text-sm font-semibold">
                  Pending invitations
                </h3>
                <InvitationList invitations={invitationRows} />
              </section>
            </div>
          ) : (
            <ReadOnlyNote>Only admins and owners can invite people or change roles.</ReadOnlyNote>
          )}
        </Card>
      </div>
    </div>
  );
}

function Setting({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-sm font-medium break-all">{value}</dd>
    </div>
  );
}

function ReadOnlyNote({ children }: { children: React.ReactNode }) {
  return (
    <p className="mt-4 flex items-center gap-2 rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-600 dark:bg-slate-800/60 dark:text-slate-300">
      <span aria-hidden>🔒</span>
      {children}
    </p>
  );
}
