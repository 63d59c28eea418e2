"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button, ConfirmDialog, CopyButton } from "@/components/client-ui";
import { Badge, inputClass } from "@/components/ui";
import type { Role } from "@/db/schema";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { apiFetch } from "@/lib/client/api";
import { useConfirmation } from "@/components/use-confirmation";

export type MemberRow = {
  membershipId: string;
  name: string;
  email: string;
  role: Role;
  since: string;
  isSelf: boolean;
  /** Whether the viewer may change this member's role or remove them (owners only by owners). */
  manageable: boolean;
};

export type InvitationRow = { id: string; email: string; role: Role; expires: string; expiresTitle: string };

const ROLE_TONE = { owner: "blue", admin: "green", agent: "amber", viewer: "slate" } as const;
const errorText = (error: unknown, fallback: string) => (error instanceof Error ? error.message : fallback);

function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={ROLE_TONE[role]}>{ROLE_LABELS[role]}</Badge>;
}

function initials(name: string, email: string): string {
  const words = (name.trim() || email).split(/[\s@._-]+/).filter(Boolean);
  return ((words[0]?.[0] ?? "") + (words[1]?.[0] ?? "")).toUpperCase() || "?";
}

/** Everyone in the business; admins change roles and remove people. */
export function MemberList({ members, assignableRoles }: { members: MemberRow[]; assignableRoles: Role[] }) {
  const router = useRouter();
  const confirm = useConfirmation<MemberRow>();

  const remove = useMutation({
    mutationFn: (member: MemberRow) => apiFetch(`/api/dashboard/members/${encodeURIComponent(member.membershipId)}`, { method: "DELETE" }),
    onSuccess: (_data, member) => {
      toast.success(`${member.name || member.email} was removed from the team`);
      confirm.close();
      router.refresh();
    },
    onError: (error) => {
      toast.error(errorText(error, "Could not remove this person"));
      confirm.close();
      router.refresh();
    },
  });

  return (
    <>
      <ul aria-label="Team members" className="-mx-4 divide-y divide-slate-200 border-y border-slate-200 dark:divide-slate-800 dark:border-slate-800">
        {members.map((member) => (
          <MemberItem key={member.membershipId} member={member} assignableRoles={assignableRoles} onRemove={(from) => confirm.ask(member, from)} />
        ))}
      </ul>
      {confirm.target && (
        <ConfirmDialog
          open
          title={`Remove ${confirm.target.name || confirm.target.email}?`}
          confirmLabel="Remove"
          variant="danger"
          busy={remove.isPending}
          onConfirm={() => remove.mutate(confirm.target!)}
          onClose={confirm.close}
        >
          They lose access to this business at once. Their account stays, and you can invite them again later.
        </ConfirmDialog>
      )}
    </>
  );
}

function MemberItem({ member, assignableRoles, onRemove }: { member: MemberRow; assignableRoles: Role[]; onRemove: (from: HTMLElement) => void }) {
  const router = useRouter();
  const [role, setRole] = useState<Role>(member.role);
  const selectId = `role-${member.membershipId}`;
  const label = member.name || member.email;

  const change = useMutation({
    mutationFn: (next: Role) => apiFetch(`/api/dashboard/members/${encodeURIComponent(member.membershipId)}`, { method: "PATCH", body: { role: next } }),
    onSuccess: (_data, next) => {
      toast.success(`${label}’s role is now ${ROLE_LABELS[next]}`);
      router.refresh();
    },
    onError: (error) => {
      toast.error(errorText(error, "Could not change the role"));
      setRole(member.role);
    },
  });

  // The server's role wins once it changes (after a refresh).
  const [seen, setSeen] = useState(member.role);
  if (seen !== member.role) {
    setSeen(member.role);
    setRole(member.role);
  }

  const options = assignableRoles.includes(member.role) ? assignableRoles : [member.role, ...assignableRoles];

  return (
    <li className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-center">
      <div className="flex min-w-0 flex-1 items-center gap-3">
        <span
          aria-hidden
          className="flex size-9 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-600 dark:bg-slate-800 dark:text-slate-300"
        >
          {initials(member.name, member.email)}
        </span>
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-x-2 gap-y-0.5 font-medium">
            <span className="truncate">{member.name || member.email}</span>
            {member.isSelf && <Badge>You</Badge>}
          </p>
          <p className="truncate text-sm text-slate-500 dark:text-slate-400">{member.email}</p>
          <p className="text-xs text-slate-500 dark:text-slate-400">Joined {member.since}</p>
        </div>
      </div>

      {member.manageable ? (
        <div className="flex flex-wrap items-center gap-2 pl-12 sm:pl-0">
          <label htmlFor={selectId} className="sr-only">
            Role for {label}
          </label>
          <select
            id={selectId}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            disabled={change.isPending}
            className={inputClass + " w-auto py-1.5"}
          >
            {options.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
          {role !== member.role && (
            <>
              <Button type="button" size="sm" variant="primary" busy={change.isPending} aria-label={`Save role for ${label}`} onClick={() => change.mutate(role)}>
                Save
              </Button>
              <Button type="button" size="sm" variant="ghost" disabled={change.isPending} onClick={() => setRole(member.role)}>
                Cancel
              </Button>
            </>
          )}
          <Button type="button" size="sm" variant="secondary" aria-label={`Remove ${label}`} onClick={(e) => onRemove(e.currentTarget)}>
            Remove
          </Button>
        </div>
      ) : (
        <div className="pl-12 sm:pl-0">
          <RoleBadge role={member.role} />
        </div>
      )}
    </li>
  );
}

type Invited = { url: string; invitation: { id: string; email: string; role: Role } };

/** Invites someone by email; there is no email sending yet, so the link is shown once to pass on. */
export function InviteForm({ assignableRoles }: { assignableRoles: Role[] }) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [invited, setInvited] = useState<Invited | null>(null);

  const invite = useMutation({
    mutationFn: (body: { email: string; role: Role }) => apiFetch<Invited>("/api/dashboard/invitations", { body }),
    onSuccess: (data) => {
      setInvited(data);
      setEmail("");
      toast.success(`Invitation created for ${data.invitation.email}`);
      router.refresh();
    },
    onError: (error) => toast.error(errorText(error, "Could not create the invitation")),
  });

  return (
    <div className="space-y-4">
      <form
        className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_10rem_auto] sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          if (!email.trim()) {
            toast.error("Enter the email address of the person to invite");
            return;
          }
          invite.mutate({ email: email.trim(), role });
        }}
      >
        <div className="space-y-1.5">
          <label htmlFor="invite-email" className="block text-sm font-medium">
            Email address
          </label>
          <input
            id="invite-email"
            name="email"
            type="email"
            required
            autoComplete="off"
            placeholder="teammate@example.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            className={inputClass}
          />
        </div>
        <div className="space-y-1.5">
          <label htmlFor="invite-role" className="block text-sm font-medium">
            Role
          </label>
          <select id="invite-role" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} className={inputClass}>
            {assignableRoles.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="primary" busy={invite.isPending}>
          Send invitation
        </Button>
      </form>

      <dl className="grid gap-x-4 gap-y-1 text-xs text-slate-500 sm:grid-cols-2 dark:text-slate-400">
        {ROLE_HELP.filter(([r]) => assignableRoles.includes(r)).map(([r, text]) => (
          <div key={r} className="flex gap-1">
            <dt className="font-medium text-slate-700 dark:text-slate-300">{ROLE_LABELS[r]}:</dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>

      {invited && (
        <div className="rounded-lg border border-brand-500/40 bg-brand-50 p-4 dark:border-blue-900 dark:bg-blue-950/40">
          <p className="text-sm text-slate-800 dark:text-slate-100">
            <strong>Send them this link</strong> — Cartback doesn’t send invitation emails yet. It lets {invited.invitation.email} join as{" "}
            {ROLE_LABELS[invited.invitation.role].toLowerCase()}, works once, and expires in 7 days. It won’t be shown again.
          </p>
          <label htmlFor="invite-link" className="mt-3 block text-sm font-medium">
            Invitation link for {invited.invitation.email}
          </label>
          <div className="mt-1.5 flex flex-col gap-2 sm:flex-row">
            <input
              id="invite-link"
              readOnly
              autoFocus
              value={invited.url}
              onFocus={(e) => e.currentTarget.select()}
              className={inputClass + " min-w-0 flex-1 font-mono text-xs sm:text-sm"}
            />
            <div className="flex gap-2">
              <CopyButton value={invited.url} label="Copy link" size="md" />
              <Button type="button" variant="ghost" onClick={() => setInvited(null)}>
                Done
              </Button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

const ROLE_HELP: [Role, string][] = [
  ["viewer", "sees carts and analytics."],
  ["agent", "also sends payment links and updates carts."],
  ["admin", "also manages settings, API keys and the team."],
  ["owner", "everything, including other owners."],
];

/** Invitations not yet accepted; revoking one makes its link stop working. */
export function InvitationList({ invitations }: { invitations: InvitationRow[] }) {
  const router = useRouter();
  const confirm = useConfirmation<InvitationRow>();

  const revoke = useMutation({
    mutationFn: (inv: InvitationRow) => apiFetch(`/api/dashboard/invitations/${encodeURIComponent(inv.id)}`, { method: "DELETE" }),
    onSuccess: (_data, inv) => {
      toast.success(`Invitation for ${inv.email} revoked`);
      confirm.close();
      router.refresh();
    },
    onError: (error) => {
      toast.error(errorText(error, "Could not revoke the invitation"));
      confirm.close();
      router.refresh();
    },
  });

  if (invitations.length === 0) {
    return <p className="text-sm text-slate-500 dark:text-slate-400">No pending invitations.</p>;
  }

  return (
    <>
      <ul aria-label="Pending invitations" className="-mx-4 divide-y divide-slate-200 border-y border-slate-200 dark:divide-slate-800 dark:border-slate-800">
        {invitations.map((inv) => (
          <li key={inv.id} className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center">
            <div className="min-w-0 flex-1">
              <p className="truncate font-medium">{inv.email}</p>
              <p className="text-xs text-slate-500 dark:text-slate-400" title={inv.expiresTitle}>
                Expires {inv.expires}
              </p>
            </div>
            <div className="flex items-center gap-2">
              <RoleBadge role={inv.role} />
              <Button type="button" size="sm" variant="secondary" aria-label={`Revoke invitation for ${inv.email}`} onClick={(e) => confirm.ask(inv, e.currentTarget)}>
                Revoke
              </Button>
            </div>
          </li>
        ))}
      </ul>
      {confirm.target && (
        <ConfirmDialog
          open
          title={`Revoke the invitation for ${confirm.target.email}?`}
          confirmLabel="Revoke"
          variant="danger"
          busy={revoke.isPending}
          onConfirm={() => revoke.mutate(confirm.target!)}
          onClose={confirm.close}
        >
          The invitation link stops working at once. You can invite them again later.
        </ConfirmDialog>
      )}
    </>
  );
}
