"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button, ConfirmDialog, CopyButton } from "@/components/client-ui";
import { Badge, EmptyState, inputClass } from "@/components/ui";
import { apiFetch } from "@/lib/client/api";
import { useConfirmation } from "@/components/use-confirmation";

/** One key as the server rendered it: text only, no secrets (the full key is never listed). */
export type KeyRow = {
  id: string;
  name: string;
  prefix: string;
  created: string;
  createdIso: string;
  lastUsed: string;
  lastUsedTitle: string | null;
  revoked: string | null;
};

type Created = { key: string; apiKey: { id: string; name: string; prefix: string } };

const errorText = (error: unknown, fallback: string) => (error instanceof Error ? error.message : fallback);

/** Create form (shows the new key once) for admins and owners. */
export function CreateKeyForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<Created | null>(null);

  const create = useMutation({
    mutationFn: (keyName: string) => apiFetch<Created>("/api/dashboard/keys", { body: { name: keyName } }),
    onSuccess: (data) => {
      setCreated(data);
      setName("");
      toast.success(`API key “${data.apiKey.name}” created`);
      router.refresh();
    },
    onError: (error) => toast.error(errorText(error, "Could not create the API key")),
  });

  return (
    <div className="space-y-4">
      <form
        className="flex flex-col gap-3 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) {
            toast.error("Give the key a name, e.g. where it will be used");
            return;
          }
          create.mutate(name.trim());
        }}
      >
        <div className="flex-1 space-y-1.5">
          <label htmlFor="key-name" className="block text-sm font-medium">
            Key name
          </label>
          <input
            id="key-name"
            name="name"
            required
            maxLength={100}
            placeholder="e.g. Storefront server"
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
            className={inputClass}
          />
        </div>
        <Button type="submit" variant="primary" busy={create.isPending} className="shrink-0">
          Create API key
        </Button>
      </form>

      {created && <NewKey created={created} onDone={() => setCreated(null)} />}
    </div>
  );
}

function NewKey({ created, onDone }: { created: Created; onDone: () => void }) {
  return (
    <div className="rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950/50">
      <label htmlFor="new-api-key" className="block text-sm font-medium text-amber-950 dark:text-amber-100">
        New API key
      </label>
      <div className="mt-1.5 flex flex-col gap-2 sm:flex-row">
        <input
          id="new-api-key"
          readOnly
          autoFocus
          value={created.key}
          onFocus={(e) => e.currentTarget.select()}
          aria-describedby="new-api-key-warning"
          className={inputClass + " min-w-0 flex-1 font-mono text-xs sm:text-sm"}
        />
        <div className="flex gap-2">
          <CopyButton value={created.key} label="Copy key" size="md" />
          <Button type="button" variant="ghost" onClick={onDone}>
            Done
          </Button>
        </div>
      </div>
      <p id="new-api-key-warning" className="mt-2 flex gap-1.5 text-sm text-amber-900 dark:text-amber-200">
        <span aria-hidden>⚠</span>
        <span>
          Copy this key now and store it somewhere safe — <strong>it won’t be shown again</strong>. If you lose it, create a new key and
          revoke this one.
        </span>
      </p>
    </div>
  );
}

/** The business's keys: name, prefix, created, last used, status, and Revoke for admins. */
export function KeyList({ keys, canManage }: { keys: KeyRow[]; canManage: boolean }) {
  const router = useRouter();
  const confirm = useConfirmation<KeyRow>();

  const revoke = useMutation({
    mutationFn: (key: KeyRow) => apiFetch(`/api/dashboard/keys/${encodeURIComponent(key.id)}`, { method: "DELETE" }),
    onSuccess: (_data, key) => {
      toast.success(`API key “${key.name}” revoked`);
      confirm.close();
      router.refresh();
    },
    onError: (error) => {
      toast.error(errorText(error, "Could not revoke the API key"));
      confirm.close();
      router.refresh();
    },
  });

  if (keys.length === 0) {
    return (
      <EmptyState title="No API keys yet">
        {canManage ? "Create a key so your store’s server can send carts to Cartback." : "An admin can create one for your store’s server."}
      </EmptyState>
    );
  }

  const th = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400";
  return (
    <>
      <div className="-mx-4 overflow-x-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">API keys</caption>
          <thead className="border-y border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-950/40">
            <tr>
              <th scope="col" className={th + " pl-4"}>
                Name
              </th>
              <th scope="col" className={th + " hidden sm:table-cell"}>
                Key
              </th>
              <th scope="col" className={th + " hidden md:table-cell"}>
                Created
              </th>
              <th scope="col" className={th + " hidden sm:table-cell"}>
                Last used
              </th>
              <th scope="col" className={th}>
                Status
              </th>
              {canManage && (
                <th scope="col" className={th + " pr-4 text-right"}>
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {keys.map((key) => (
              <tr key={key.id} className={key.revoked ? "text-slate-500 dark:text-slate-400" : undefined}>
                <td className="py-3 pr-3 pl-4 align-top">
                  <div className="font-medium text-slate-900 dark:text-slate-100">{key.name}</div>
                  {/* On phones the other columns fold in under the name. */}
                  <div className="mt-0.5 space-y-0.5 text-xs text-slate-500 sm:hidden dark:text-slate-400">
                    <div className="font-mono">{key.prefix}…</div>
                    <div>
                      Created {key.created} · Last used {key.lastUsed}
                    </div>
                  </div>
                </td>
                <td className="hidden px-3 py-3 align-top sm:table-cell">
                  <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">{key.prefix}…</code>
                </td>
                <td className="hidden px-3 py-3 align-top whitespace-nowrap md:table-cell">
                  <time dateTime={key.createdIso}>{key.created}</time>
                </td>
                <td className="hidden px-3 py-3 align-top whitespace-nowrap sm:table-cell" title={key.lastUsedTitle ?? undefined}>
                  {key.lastUsed}
                </td>
                <td className="px-3 py-3 align-top">
                  {key.revoked ? (
                    <span title={key.revoked}>
                      <Badge tone="red">Revoked</Badge>
                    </span>
                  ) : (
                    <Badge tone="green">Active</Badge>
                  )}
                </td>
                {canManage && (
                  <td className="py-3 pr-4 pl-3 text-right align-top">
                    {!key.revoked && (
                      <Button type="button" size="sm" variant="secondary" aria-label={`Revoke key ${key.name}`} onClick={(e) => confirm.ask(key, e.currentTarget)}>
                        Revoke
                      </Button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {confirm.target && (
        <ConfirmDialog
          open
          title={`Revoke “${confirm.target.name}”?`}
          confirmLabel="Revoke"
          variant="danger"
          busy={revoke.isPending}
          onConfirm={() => revoke.mutate(confirm.target!)}
          onClose={confirm.close}
        >
          Requests signed with <code className="font-mono">{confirm.target.prefix}…</code> will be refused at once. Anything still using
          this key stops working. This cannot be undone.
        </ConfirmDialog>
      )}
    </>
  );
}
